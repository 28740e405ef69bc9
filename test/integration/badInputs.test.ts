/** The bad-input corpus (test/fixtures/bad/cases.json) through the real CLI: every case ends with
 * exit code 1 and one line on stderr naming the file or option, never a crash or a hang. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILDERS } from '../fixtures/bad/build';
import { builtEnginePath, CODE_LM, ROOT } from '../helpers/paths';
import { runCli } from '../helpers/cli';
import { EngineClient } from '../../src/host/engineClient';
import type { RpcError } from '../../src/protocol/rpc';

interface BadCase {
  name: string;
  build: string;
  args: string[];
  expect: string;
  names: string;
  env?: Record<string, string>;
}

const { cases } = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'bad', 'cases.json'), 'utf8')) as { cases: BadCase[] };

test('the corpus holds at least 30 cases, each with a builder', () => {
  assert.ok(cases.length >= 30, `${cases.length} cases`);
  for (const c of cases) assert.ok(BUILDERS[c.build], `${c.name}: no builder ${c.build}`);
});

builtEnginePath(); // builds dist/ when this file runs on its own
for (const c of cases) {
  test(`bad input: ${c.name}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-bad-'));
    const fill = (s: string) => s.replaceAll('{dir}', dir).replaceAll('{lm}', CODE_LM);
    try {
      BUILDERS[c.build](dir);
      // a private cache per case, so one case's instrumented copy cannot hide another's error
      const env = { XDG_CACHE_HOME: join(dir, '.cache'), ...Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, fill(v)])) };
      const r = await runCli(c.args.map(fill), { env });
      assert.equal(r.hung, false, 'hung (killed after 60 s)');
      assert.equal(r.signal, null, `crashed with ${r.signal}`);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      assert.equal(r.code, 1, `exit code ${r.code}; stderr: ${r.stderr}`);
      assert.equal(lines.length, 1, `one line on stderr, got ${lines.length}:\n${r.stderr}`);
      assert.match(lines[0], /^tensorloupe: /);
      assert.match(lines[0], new RegExp(c.expect, 'i'));
      assert.ok(lines[0].includes(fill(c.names)), `names ${fill(c.names)}: ${lines[0]}`);
      assert.doesNotMatch(lines[0], /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/, 'control characters escaped');
      assert.doesNotMatch(lines[0], /onnxruntime_src|\.cc:\d+|at .*\.js:\d+/, 'no source paths or stacks');
      assert.equal(r.stdout.length, 0, 'nothing on stdout');
      const out = c.args.indexOf('--out');
      if (out >= 0 && out + 1 < c.args.length) assert.equal(existsSync(fill(c.args[out + 1])), false, 'no output file written');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

// The same bad models through the engine process, as the extension meets them: the error crosses
// the RPC channel with its message on one line, escaped.
const modelCases = cases.filter((c) => c.args[0] === 'next-token' && c.args[1] === '--model' && !c.env);
test(`bad models through the engine process (${modelCases.length} cases)`, async () => {
  const client = new EngineClient({ enginePath: builtEnginePath(), settings: { provider: 'cpu', threads: 1 } });
  try {
    for (const c of modelCases) {
      const dir = mkdtempSync(join(tmpdir(), 'tl-bad-'));
      const fill = (s: string) => s.replaceAll('{dir}', dir).replaceAll('{lm}', CODE_LM);
      try {
        BUILDERS[c.build](dir);
        const call = client.call('lm/nextToken', { model: fill(c.args[2]), text: c.args[c.args.length - 1], topK: 5, maxTokens: 64 });
        await assert.rejects(call, (e: RpcError) => {
          assert.match(e.message, new RegExp(c.expect, 'i'), c.name);
          assert.ok(e.message.includes(fill(c.names)), `${c.name}: names ${fill(c.names)}: ${e.message}`);
          assert.doesNotMatch(e.message, /[\u0000-\u001f\u007f-\u009f]/, `${c.name}: one line, control characters escaped`);
          return true;
        }, c.name);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    client.dispose();
  }
});
