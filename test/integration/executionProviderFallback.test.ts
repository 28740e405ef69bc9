// Execution-provider fallback with real onnxruntime sessions on this machine: asking for CUDA
// where its libraries are absent (or for DirectML on Linux) loads the model on the CPU and says why,
// in the ModelInfo the status bar shows and in Model Info; 'auto' picks the CPU and names the
// folder where it looked for CUDA's libraries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LanguageModels } from '../../src/engine/languageModels';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { bindingDir, findCudaLibraries } from '../../src/engine/executionProviders';
import { CODE_LM } from '../helpers/paths';
import type { DecoderLm } from '../../src/engine/runners/decoderLm';

const here = `${process.platform}-${process.arch}`;
const cudaMissing = `CUDA libraries not found at ${bindingDir()} (libonnxruntime_providers_cuda.so, libonnxruntime_providers_shared.so missing; onnxruntime-node's CUDA 12 binaries are a separate install: see the README, "Execution providers")`;
const skip = (here !== 'linux-x64' && `written for linux-x64, this is ${here}`) || (findCudaLibraries().missing.length === 0 && 'the CUDA provider libraries are installed here');
const signal = { cancelled: false, onCancel: () => undefined };

test("'cuda' without its libraries: the model runs on the CPU and the note says why, naming the folder", { skip }, async () => {
  const info = (await new LanguageModels({ provider: 'cuda', threads: 1 }).load(CODE_LM)).info;
  assert.equal(info.provider, 'cpu');
  assert.equal(info.providerNote, `Running on cpu; cuda: ${cudaMissing}.`);
  assert.equal(info.providerFallback, true, 'a provider the user named and did not get is a notice in panels');
});

test("'auto' on linux-x64 without CUDA's libraries: CPU, with the reason", { skip }, async () => {
  const info = (await new LanguageModels({ provider: 'auto', threads: 1 }).load(CODE_LM)).info;
  assert.equal(info.provider, 'cpu');
  assert.equal(info.providerNote, `Running on cpu; cuda: ${cudaMissing}.`);
  assert.equal(info.providerFallback, false, "auto on a CPU-only machine explains itself in the tooltip, not as a notice on every run");
});

test("'dml' on Linux: CPU, naming the platform", { skip: here !== 'linux-x64' && `written for linux-x64, this is ${here}` }, async () => {
  const info = (await new LanguageModels({ provider: 'dml', threads: 1 }).load(CODE_LM)).info;
  assert.equal(info.provider, 'cpu');
  assert.equal(info.providerNote, 'Running on cpu; dml: dml is not available on linux-x64.');
});

test("'cpu' has no note, and 'auto' (on the CPU here) gives the same logits", { skip }, async () => {
  const auto = await new LanguageModels({ provider: 'auto', threads: 1 }).load(CODE_LM);
  const cpu = await new LanguageModels({ provider: 'cpu', threads: 1 }).load(CODE_LM);
  assert.equal(cpu.info.provider, 'cpu');
  assert.equal(cpu.info.providerNote, undefined);
  const ids = [0, 312, 1000, 42];
  const [a, c] = [await (auto.lm as DecoderLm).forward(ids), await (cpu.lm as DecoderLm).forward(ids)];
  assert.deepEqual(Array.from(a.logits), Array.from(c.logits));
});

test('Model Info reports the provider its session runs on and the fallback, per setting', { skip }, async () => {
  for (const [provider, note] of [['cuda', `Running on cpu; cuda: ${cudaMissing}.`], ['coreml', 'Running on cpu; coreml: coreml is not available on linux-x64.'], ['cpu', null]] as const) {
    const engine = createEngineHandlers({ provider, threads: 1 });
    const r = await engine['model/info']({ model: CODE_LM }, signal);
    assert.equal(r.provider, 'cpu', provider);
    assert.equal(r.providerNote, note, provider);
    assert.ok(r.loadMs > 0, 'the load is timed');
  }
});
