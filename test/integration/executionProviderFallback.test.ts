// Execution-provider fallback with real onnxruntime sessions on this machine: asking for CUDA
// where its library is absent (or for DirectML on Linux) loads the model on the CPU and says why,
// in the ModelInfo the status bar shows; 'auto' picks the CPU without a note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LanguageModels } from '../../src/engine/languageModels';
import { CODE_LM } from '../helpers/paths';
import type { DecoderLm } from '../../src/engine/runners/decoderLm';

const here = `${process.platform}-${process.arch}`;
const cudaLib = join(dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so');
const skip = (here !== 'linux-x64' && `written for linux-x64, this is ${here}`) || (existsSync(cudaLib) && 'the CUDA provider library is installed here');

test("'cuda' without its library: the model runs on the CPU and the note says why", { skip }, async () => {
  const info = (await new LanguageModels({ provider: 'cuda', threads: 1 }).load(CODE_LM)).info;
  assert.equal(info.provider, 'cpu');
  assert.equal(info.providerNote, 'Running on cpu; cuda: the CUDA provider library is not installed (onnxruntime-node was installed without its CUDA download).');
});

test("'dml' on Linux: CPU, naming the platform", { skip: here !== 'linux-x64' && `written for linux-x64, this is ${here}` }, async () => {
  const info = (await new LanguageModels({ provider: 'dml', threads: 1 }).load(CODE_LM)).info;
  assert.equal(info.provider, 'cpu');
  assert.equal(info.providerNote, 'Running on cpu; dml: dml is not available on linux-x64.');
});

test("'auto' and 'cpu' run on the CPU with no note, and give the same logits as each other", { skip }, async () => {
  const auto = await new LanguageModels({ provider: 'auto', threads: 1 }).load(CODE_LM);
  const cpu = await new LanguageModels({ provider: 'cpu', threads: 1 }).load(CODE_LM);
  for (const m of [auto, cpu]) {
    assert.equal(m.info.provider, 'cpu');
    assert.equal(m.info.providerNote, undefined);
  }
  const ids = [0, 312, 1000, 42];
  const [a, c] = [await (auto.lm as DecoderLm).forward(ids), await (cpu.lm as DecoderLm).forward(ids)];
  assert.deepEqual(Array.from(a.logits), Array.from(c.logits));
});
