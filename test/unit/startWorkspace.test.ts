// npm start opens a copy of the sample workspace in the cache, never the test fixtures themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareWorkspace } from '../../scripts/startWorkspace.mjs';
import { ROOT } from '../helpers/paths';

const sample = join(ROOT, 'test', 'fixtures', 'workspace');

test('npm start: the sample workspace is copied into the cache when missing, and the copy is what opens', () => {
  const cache = mkdtempSync(join(tmpdir(), 'tl-start-'));
  const before = readFileSync(join(sample, 'stats.py'), 'utf8');
  const ws = prepareWorkspace(cache, sample);
  assert.equal(ws.path, join(cache, 'workspace'));
  assert.equal(ws.copied, true);
  assert.notEqual(ws.path, sample);
  assert.deepEqual(readdirSync(ws.path).sort(), readdirSync(sample).sort());
  // what the user does there (edit a file, export activations) stays out of the fixtures
  writeFileSync(join(ws.path, 'stats.py'), '# edited\n');
  writeFileSync(join(ws.path, 'stats-activations.safetensors'), 'x');
  assert.equal(readFileSync(join(sample, 'stats.py'), 'utf8'), before);
  assert.equal(existsSync(join(sample, 'stats-activations.safetensors')), false);
  // the next start keeps the copy, edits included
  const again = prepareWorkspace(cache, sample);
  assert.deepEqual(again, { path: ws.path, copied: false });
  assert.equal(readFileSync(join(ws.path, 'stats.py'), 'utf8'), '# edited\n');
});
