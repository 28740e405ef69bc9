// A Hub model with external data (onnx/model.onnx + model.onnx_data, as Optimum and
// transformers.js publish models over 2 GB) downloaded into the HF cache, where both files are
// links into ../../../blobs/: onnxruntime must still find the data beside the graph, plain and
// instrumented (the instrumented copy opens with the snapshot as its external-data folder), and
// the activations must match PyTorch's within 1e-4. onnxruntime 1.30 follows a symlinked
// external-data file and refuses it when it lands in blobs/ ("escapes model directory"), so the
// data is hard-linked, and a symlink huggingface_hub left there is turned into a hard link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoopbackHub } from '../helpers/loopbackHub';
import { ROOT } from '../helpers/paths';
import { downloadModel } from '../../src/engine/hub/downloadModel';
import { resolveModelArgument } from '../../src/engine/hub/resolveModelArgument';
import { hubEnv } from '../../src/engine/hub/hubEnv';
import { instrumentModel } from '../../src/engine/instrument/instrumentModel';
import { createInstrumentedSession, fetchActivations } from '../../src/engine/instrument/fetchActivations';
import { textFeeds } from '../../src/engine/instrument/textFeeds';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'models', 'llama-gqa-extdata');
const hub = new LoopbackHub();
const home = mkdtempSync(join(tmpdir(), 'tl-hub-ext-'));

before(async () => {
  await hub.start();
  hub.addRepo('fixtures/llama-gqa-extdata', FIXTURE, (p) => p !== 'reference.json');
});
after(async () => {
  await hub.stop();
  rmSync(home, { recursive: true, force: true });
});

interface RefTensor { shape: number[]; data: number[] }

const env = () => hubEnv({ HF_HOME: home, HF_ENDPOINT: hub.url });

async function matchesPyTorch(graph: string): Promise<void> {
  const ref = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')) as { inputs: { ids: number[] }[]; activations: Record<string, RefTensor | number> & { activations_input: number } };
  const cache = mkdtempSync(join(tmpdir(), 'tl-hub-ext-instr-'));
  try {
    const result = await instrumentModel(graph, cache);
    const session = await createInstrumentedSession(result);
    const names = Object.keys(ref.activations).filter((k) => k !== 'activations_input');
    const acts = await fetchActivations(session, result, textFeeds(result.inputs, ref.inputs[ref.activations.activations_input].ids), names);
    for (const name of names) {
      const want = ref.activations[name] as RefTensor;
      const got = acts.get(name);
      assert.ok(got, `${name} missing`);
      let max = 0;
      for (let i = 0; i < want.data.length; i++) max = Math.max(max, Math.abs(got.data[i] - want.data[i]));
      assert.ok(max <= 1e-4, `${name}: max abs diff ${max}`);
    }
    await session.release();
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

test('graph + external data from the Hub run from the cache and match PyTorch within 1e-4', async () => {
  const r = await downloadModel({ repo: 'fixtures/llama-gqa-extdata', env: env() });
  assert.deepEqual([...r.files].sort(), ['config.json', 'onnx/model.onnx', 'onnx/model.onnx_data']);
  const graph = join(r.snapshot, 'onnx', 'model.onnx');
  assert.ok(lstatSync(graph).isSymbolicLink(), 'the graph is a symlink into blobs/, as huggingface_hub makes it');
  assert.ok(!lstatSync(`${graph}_data`).isSymbolicLink() && statSync(`${graph}_data`).nlink >= 2, 'the data is a hard link to its blob');
  await matchesPyTorch(graph);
});

test('a huggingface_hub snapshot whose external data is a symlink into blobs/ is made loadable', async () => {
  const first = await downloadModel({ repo: 'fixtures/llama-gqa-extdata', env: env() });
  const data = join(first.snapshot, 'onnx', 'model.onnx_data');
  const blob = readlinkSync(join(first.snapshot, 'onnx', 'model.onnx')).replace(/[0-9a-f]{64}$/, '');
  const sha = (await import('node:crypto')).createHash('sha256').update(readFileSync(data)).digest('hex');
  rmSync(data);
  symlinkSync(`${blob}${sha}`, data); // what huggingface_hub leaves
  assert.ok(lstatSync(data).isSymbolicLink());
  // given as a path into the snapshot (--model ~/.cache/huggingface/hub/models--…/snapshots/<commit>)
  assert.equal(await resolveModelArgument(first.snapshot), first.snapshot);
  assert.ok(!lstatSync(data).isSymbolicLink(), 'a snapshot path is prepared too');
  rmSync(data);
  symlinkSync(`${blob}${sha}`, data);
  hub.requests.length = 0;
  const again = await downloadModel({ repo: 'fixtures/llama-gqa-extdata', env: env() });
  assert.equal(again.fromCache, true);
  assert.deepEqual(hub.requests.map((r) => r.url), ['/api/models/fixtures/llama-gqa-extdata'], 'only main’s commit was asked, no file');
  assert.ok(!lstatSync(data).isSymbolicLink(), 'the symlink became a hard link');
  await matchesPyTorch(join(again.snapshot, 'onnx', 'model.onnx'));
});
