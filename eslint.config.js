// Lint rules: strict TypeScript, no `any`, no console outside the CLI, a pure `src/core`, SQL only in `src/store`.
// The import order of the layers is the table of docs/architecture.md, enforced by test/architecture.test.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', performance: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // Numeric code over typed arrays indexes within bounds it has checked; `!` says so.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: { ecmaFeatures: { jsx: true } },
      globals: { window: 'readonly', document: 'readonly', location: 'readonly', history: 'readonly', fetch: 'readonly', FormData: 'readonly', URLSearchParams: 'readonly', addEventListener: 'readonly', removeEventListener: 'readonly', WebSocket: 'readonly', MediaSource: 'readonly', HTMLElement: 'readonly', HTMLVideoElement: 'readonly', HTMLCanvasElement: 'readonly', SVGSVGElement: 'readonly', Blob: 'readonly', URL: 'readonly', requestAnimationFrame: 'readonly', cancelAnimationFrame: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', navigator: 'readonly', ResizeObserver: 'readonly', localStorage: 'readonly', performance: 'readonly', confirm: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: { 'no-console': ['error', { allow: ['warn', 'error'] }] },
  },
  {
    files: ['src/server/static/**/*.js'],
    languageOptions: { globals: { document: 'readonly', location: 'readonly', history: 'readonly', fetch: 'readonly', FormData: 'readonly', URLSearchParams: 'readonly' } },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads'], message: 'src/core is pure: no Node I/O.' },
      ] }],
      'no-restricted-globals': ['error', { name: 'Date', message: 'src/core takes time from frames, never the clock.' }, { name: 'performance', message: 'src/core takes time from frames, never the clock.' }],
    },
  },
  {
    // SQL stays in src/store (the layer table of docs/architecture.md, checked by test/architecture.test.ts, holds the rest of the order).
    files: ['src/**/*.ts', 'web/src/**/*.{ts,tsx}', 'bench/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['src/store/**', 'src/core/**', '**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'better-sqlite3', message: 'SQL lives in src/store: use a repository.' }] }] },
  },
  {
    files: ['src/core/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', '!node:test', '!node:assert', '!node:assert/strict'], message: 'core tests need no I/O.' }] }] },
  },
  {
    files: ['src/cli/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'bin/**/*.js', 'test/**/*.ts', '**/*.test.ts'],
    rules: { 'no-console': 'off' },
  },
);
