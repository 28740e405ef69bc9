// Model Info over the real engine: the engine process over RPC and `tensorloupe info --json` in
// its own process, on the bundled models and the fixtures (fused attention, external data,
// If/Loop/Scan subgraphs), checked against figures the onnx python package counted on its own
// (models/train/model_info_reference.py → test/fixtures/modelInfo/reference.json).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClient } from '../../src/host/engineClient';
import { builtEnginePath, ROOT } from '../helpers/paths';
import { runCli } from '../helpers/cli';
import type { ModelInfoReport } from '../../src/protocol/modelInfo';

interface Reference {
  model: string;
  irVersion: number;
  opsets: { domain: string; version: number }[];
  parameters: number;
  weightDtypes: Record<string, { tensors: number; elements: number; bytes: number }>;
  ops: Record<string, number>;
  nodes: number;
  subgraphNodes: number;
  inputs: ModelInfoReport['inputs'];
  outputs: ModelInfoReport['outputs'];
  files: { modelBytes: number; externalDataBytes: number };
  config: { layers: number | null; heads: number | null; kvHeads: number | null; hiddenSize: number | null; vocabSize: number | null; contextLength: number | null; labels: number | null };
}

const REFERENCE = (JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'modelInfo', 'reference.json'), 'utf8')) as { models: Reference[] }).models;
const byName = (name: string) => REFERENCE.find((r) => r.model.endsWith(`/${name}`)) as Reference;

/** Every figure the reference has, against the engine's report. */
function assertMatchesReference(r: ModelInfoReport, ref: Reference): void {
  const what = ref.model;
  assert.equal(r.parameters, ref.parameters, `${what}: parameters`);
  assert.deepEqual(r.weightDtypes, ref.weightDtypes, `${what}: weights per type (elements and bytes)`);
  assert.deepEqual(Object.fromEntries(r.ops.map((o) => [o.op, o.count])), ref.ops, `${what}: op histogram`);
  assert.deepEqual(r.ops.map((o) => o.count), [...r.ops.map((o) => o.count)].sort((a, b) => b - a), `${what}: most frequent op first`);
  assert.equal(r.nodes, ref.nodes, `${what}: nodes`);
  assert.equal(r.subgraphNodes, ref.subgraphNodes, `${what}: nodes in subgraphs`);
  assert.equal(r.irVersion, ref.irVersion);
  assert.deepEqual(r.opsets, ref.opsets, `${what}: opsets`);
  assert.deepEqual(r.inputs, ref.inputs, `${what}: inputs`);
  assert.deepEqual(r.outputs, ref.outputs, `${what}: outputs`);
  assert.equal(r.files.model.bytes, ref.files.modelBytes, `${what}: model file size`);
  assert.equal(r.files.externalData.reduce((s, e) => s + e.bytes, 0), ref.files.externalDataBytes, `${what}: external data size`);
  assert.equal(r.files.totalBytes, ref.files.modelBytes + ref.files.externalDataBytes);
  // the engine reads these from the graph where it can; config.json (python's source) must agree
  const c = ref.config;
  assert.equal(r.layers, c.layers, `${what}: layers`);
  assert.equal(r.heads.query, c.heads, `${what}: query heads`);
  assert.equal(r.heads.keyValue, c.kvHeads, `${what}: key/value heads`);
  assert.equal(r.hiddenSize, c.hiddenSize, `${what}: hidden size`);
  assert.equal(r.vocabSize, c.vocabSize, `${what}: vocabulary`);
  assert.equal(r.contextLength, c.contextLength, `${what}: context`);
  assert.equal(r.labels, c.labels, `${what}: labels`);
  assert.equal(r.provider, 'cpu');
  assert.ok(r.loadMs > 0, 'load time measured');
}

const client = new EngineClient({ enginePath: builtEnginePath(), settings: { provider: 'cpu', threads: 1 } });
after(() => client.dispose());

for (const ref of REFERENCE) {
  test(`model/info over RPC on ${ref.model} matches the onnx package's counts`, async () => {
    const r = await client.call('model/info', { model: join(ROOT, ref.model) });
    assertMatchesReference(r, ref);
  });
}

test('kinds, sources and what instrumentation found, per model', async () => {
  const info = (name: string, dir = 'test/fixtures/models') => client.call('model/info', { model: join(ROOT, dir, name) });
  const lm = await info('tensorloupe-code-lm', 'models');
  assert.equal(lm.kind, 'decoder-lm');
  assert.equal(lm.sources.layers, 'graph', 'layers counted from the residual stream');
  assert.equal(lm.sources.keyValueHeads, 'graph', 'kv heads from the KV cache inputs');
  assert.equal(lm.instrumentation.found.filter((h) => /attn\.hook_pattern$/.test(h.name)).length, 4, 'one pattern per layer');
  assert.deepEqual(lm.instrumentation.recomputed, []);
  assert.deepEqual(lm.instrumentation.unavailable, []);

  const fused = await info('fused-attention');
  assert.deepEqual(fused.instrumentation.recomputed.map((h) => h.op), ['Attention', 'MultiHeadAttention', 'GroupQueryAttention']);
  assert.equal(fused.sources.heads, 'graph', 'heads from the fused ops');
  assert.ok(fused.notes.some((n) => /heads differ between layers.*GroupQueryAttention 4\/2/.test(n)), fused.notes.join(' | '));

  const ext = await info('llama-gqa-extdata');
  assert.deepEqual(ext.files.externalData.map((e) => e.path), [join(ROOT, 'test/fixtures/models/llama-gqa-extdata/onnx/model.onnx_data')]);

  const sub = await info('info-subgraphs');
  assert.ok(sub.ops.some((o) => o.op === 'Tanh'), 'an op found only inside the Loop inside the If');
  assert.ok(sub.instrumentation.unavailable.length > 0 && sub.instrumentation.unavailable.every((u) => u.reason.length > 10), 'each missing hook with its reason');

  const vit = await info('tensorloupe-glyph-vit', 'models');
  assert.equal(vit.kind, 'image-classifier');
  assert.equal(vit.vocabSize, null);
  assert.equal(vit.labels, 36);
});

test('a bad model is one line naming the file; the engine answers the next call', async () => {
  await assert.rejects(client.call('model/info', { model: join(ROOT, 'no-such-model') }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'ModelLoadError');
    assert.match(e.message, /no-such-model/);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
  await assert.rejects(client.call('model/info', { model: 42 } as unknown as { model: string }), /model\/info: model/);
  assert.equal((await client.call('model/info', { model: join(ROOT, 'test/fixtures/models/info-subgraphs') })).parameters, byName('info-subgraphs').parameters);
});

test('tensorloupe info --json prints the same report; the text table names the figures', async () => {
  for (const name of ['fused-attention', 'llama-gqa-extdata']) {
    const dir = join(ROOT, 'test/fixtures/models', name);
    const run = await runCli(['info', '--model', dir, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const r = JSON.parse(run.stdout.toString('utf8')) as ModelInfoReport;
    assertMatchesReference(r, byName(name));
  }
  const text = await runCli(['info', '--model', join(ROOT, 'test/fixtures/models/info-subgraphs')]);
  assert.equal(text.code, 0, text.stderr);
  const out = text.stdout.toString('utf8');
  assert.match(out, /^parameters +397$/m);
  assert.match(out, /^ops \(20 nodes, 13 of them inside If\/Loop\/Scan bodies\)$/m);
  assert.match(out, /^ +1 +Scan$/m);
  assert.match(out, /^ +in +use_cache_branch +bool \[1\]$/m);
  assert.match(out, /^provider +cpu$/m);
});

test('external data that is missing: the report still comes, naming the file, with why onnxruntime cannot load it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-info-'));
  try {
    copyFileSync(join(ROOT, 'test/fixtures/models/llama-gqa-extdata/onnx/model.onnx'), join(dir, 'model.onnx'));
    const r = await client.call('model/info', { model: join(dir, 'model.onnx') });
    assert.equal(r.parameters, byName('llama-gqa-extdata').parameters, 'counted from the graph, without the weights');
    assert.deepEqual(r.files.externalData, [{ path: join(dir, 'model.onnx_data'), bytes: -1 }]);
    assert.equal(r.provider, 'none');
    assert.match(r.providerNote ?? '', /External data path does not exist.*model\.onnx_data/);
    assert.ok(r.notes.some((n) => n.includes(`${join(dir, 'model.onnx_data')} is missing`)), r.notes.join(' | '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
