import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { configFields, configReferenceMarkdown, serverConfigFields } from './reference.ts';

test('every configuration field has a description', () => {
  const fields = configFields();
  assert.ok(fields.length > 20, `only ${fields.length} fields found`);
  const undocumented = fields.filter((f) => !f.description || f.description.length < 10).map((f) => f.path);
  assert.deepEqual(undocumented, []);
});

test('every server configuration field has a description', () => {
  const fields = serverConfigFields();
  assert.ok(fields.length > 40, `only ${fields.length} fields found`);
  assert.deepEqual(fields.filter((f) => !f.description || f.description.length < 10).map((f) => f.path), []);
});

test('docs/configuration.md is up to date with the schema (npm run docs)', async () => {
  const onDisk = await readFile(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  assert.equal(onDisk, configReferenceMarkdown());
});
