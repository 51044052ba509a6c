/** Migration 10: cameras stored before purposes had `allows` get their purpose stated from what they used then. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { cameraSchema } from '../src/config/schema/server.ts';
import { openDatabase } from '../src/store/database.ts';
import { MIGRATIONS, schemaVersion } from '../src/store/migrations.ts';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'sightline-migration-purpose-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

const LINE = { name: 'door', points: [[0, 0], [10, 0]], inside: [5, 5] };
const ZONE = { name: 'plaza', polygon: [[0, 0], [10, 0], [10, 10]] };

test('migration 10 states each camera purpose: its words kept, the analytics it used then allowed, the heat map kept', () => {
  const file = path.join(TMP, 'sightline.db');
  const before = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version < 10) });
  assert.equal(schemaVersion(before), 9);
  const insert = before.prepare('INSERT INTO cameras (id, name, url, config, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)');
  insert.run('a', 'lines', 'rtsp://h/a', JSON.stringify({ purpose: 'Count visitors', analytics: { lines: [LINE], zones: [] }, managedBy: 'api' }));
  insert.run('b', 'both', 'rtsp://h/b', JSON.stringify({ purpose: '', analytics: { lines: [LINE], zones: [ZONE] } }));
  insert.run('c', 'bare', 'rtsp://h/c', JSON.stringify({}));
  insert.run('d', 'stated', 'rtsp://h/d', JSON.stringify({ purpose: { statement: 'Already stated', allows: ['zones'] }, analytics: { lines: [], zones: [ZONE] } }));
  before.close();

  const db = openDatabase(file);
  assert.equal(schemaVersion(db), MIGRATIONS.at(-1)!.version);
  const rows = db.prepare<[], { id: string; config: string }>('SELECT id, config FROM cameras ORDER BY id').all();
  const purposes = Object.fromEntries(rows.map((r) => [r.id, (JSON.parse(r.config) as { purpose: unknown }).purpose]));
  assert.deepEqual(purposes, {
    a: { statement: 'Count visitors', allows: ['counting', 'heatmap'] },
    b: { statement: '', allows: ['counting', 'zones', 'heatmap'] },
    c: { statement: '', allows: ['heatmap'] },
    d: { statement: 'Already stated', allows: ['zones'] },
  });
  assert.equal((JSON.parse(rows[0]!.config) as { managedBy: string }).managedBy, 'api', 'the rest of the config is kept');
  for (const r of rows) {
    const cfg = JSON.parse(r.config) as Record<string, unknown>;
    delete cfg['managedBy'];
    assert.ok(cameraSchema.safeParse({ ...cfg, name: `cam-${r.id}`, url: 'rtsp://h/x' }).success, `camera ${r.id} still parses`);
  }
  db.close();
});
