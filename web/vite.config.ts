// Builds the browser app into web/dist, which the server serves at /. No inline scripts or styles:
// the server's Content-Security-Policy is default-src 'self'.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0, sourcemap: false, chunkSizeWarningLimit: 1024 },
  server: { host: '127.0.0.1' },
});
