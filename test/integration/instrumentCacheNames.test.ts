// The instrumentation cache is keyed by content, but the graph it writes names the files its
// weights are read from. The same bytes under other names must still run: a renamed copy, and the
// Hugging Face cache layout where model.onnx and model.onnx_data are links into ../blobs/<sha256>
// (onnxruntime refuses external data whose path resolves outside the folder it is given, so the
// instrumented copy has to name the blobs themselves). Activations are compared with the fixture's
// PyTorch reference within 1e-4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { instrumentModel } from '../../src/engine/instrument/instrumentModel';
import { createInstrumentedSession, fetchActivations } from '../../src/engine/instrument/fetchActivations';
import { textFeeds } from '../../src/engine/instrument/textFeeds';
import { ROOT } from '../helpers/paths';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'models', 'llama-gqa-extdata');
const ref = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')) as {
  inputs: { ids: number[] }[];
  activations: Record<string, { shape: number[]; data: number[] }>;
};
const NAMES = ['blocks.0.attn.hook_pattern', 'blocks.1.hook_resid_post', 'ln_final.hook_normalized'];

async function matchesReference(modelPath: string, cache: string): Promise<boolean> {
  const result = await instrumentModel(modelPath, cache);
  const session = await createInstrumentedSession(result);
  try {
    const acts = await fetchActivations(session, result, textFeeds(result.inputs, ref.inputs[0].ids), NAMES);
    for (const name of NAMES) {
      const want = ref.activations[name];
      const got = acts.get(name);
      assert.ok(got, name);
      for (let i = 0; i < want.data.length; i++) assert.ok(Math.abs(got.data[i] - want.data[i]) <= 1e-4, `${name}[${i}]`);
    }
    return result.timing.cached;
  } finally {
    await session.release();
  }
}

/** snapshots/<rev>/onnx/{model.onnx, model.onnx_data} → ../../../blobs/<sha-like name> */
function hubLayout(root: string): string {
  const blobs = join(root, 'models--org--llama', 'blobs');
  const onnxDir = join(root, 'models--org--llama', 'snapshots', '0123abc', 'onnx');
  mkdirSync(blobs, { recursive: true });
  mkdirSync(onnxDir, { recursive: true });
  for (const [file, sha] of [['model.onnx', 'a1b2c3'], ['model.onnx_data', 'd4e5f6']]) {
    copyFileSync(join(FIXTURE, 'onnx', file), join(blobs, sha));
    symlinkSync(relative(onnxDir, join(blobs, sha)), join(onnxDir, file));
  }
  return join(onnxDir, 'model.onnx');
}

test('a model with external data in the Hugging Face cache layout (links into ../blobs) instruments and runs', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'tl-names-cache-'));
  const path = hubLayout(mkdtempSync(join(tmpdir(), 'tl-hub-')));
  assert.equal(await matchesReference(path, cache), false);
  assert.equal(await matchesReference(path, cache), true, 'the second open is served from the cache');
});

test('the same bytes under another name, and the plain folder beside a hub copy, each run from one shared cache', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'tl-names-cache-'));
  const plain = mkdtempSync(join(tmpdir(), 'tl-plain-'));
  copyFileSync(join(FIXTURE, 'onnx', 'model.onnx'), join(plain, 'model.onnx'));
  copyFileSync(join(FIXTURE, 'onnx', 'model.onnx_data'), join(plain, 'model.onnx_data'));
  copyFileSync(join(FIXTURE, 'onnx', 'model.onnx'), join(plain, 'renamed.onnx')); // its graph still names model.onnx_data
  await matchesReference(hubLayout(mkdtempSync(join(tmpdir(), 'tl-hub-'))), cache);
  await matchesReference(join(plain, 'model.onnx'), cache);
  await matchesReference(join(plain, 'renamed.onnx'), cache);
  await matchesReference(join(FIXTURE, 'onnx', 'model.onnx'), cache);
});
