// The vocabulary (what induction draws its random tokens from, what token ids are checked against
// before a run) comes from config.json, else the logits' last dimension in the graph, else the
// tokenizer. On the bare-.onnx layout (onnxruntime's GPT-2 export: no config.json) it is the
// logits' 512 rows even beside a 4,096-token tokenizer; with a symbolic logits dimension too, the
// tokenizer's size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { CODE_LM, ROOT } from '../helpers/paths';

const never = { cancelled: false, onCancel: () => undefined };
const GPT2 = join(ROOT, 'test', 'fixtures', 'models', 'ort-gpt2');
const engine = createEngineHandlers({ provider: 'cpu', threads: 1, cacheDir: mkdtempSync(join(tmpdir(), 'tl-vocab-')) });

/** the bare gpt2.onnx in a fresh folder with `tokenizerFrom`'s tokenizer, its logits' vocabulary dim fixed or symbolic */
function bare(tokenizerFrom: string, symbolicLogits: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'tl-bare-'));
  const model = onnx.ModelProto.decode(readFileSync(join(GPT2, 'gpt2.onnx')));
  if (symbolicLogits) {
    const logits = model.graph?.output?.find((o) => o.name === 'logits');
    const dims = logits?.type?.tensorType?.shape?.dim ?? [];
    dims[dims.length - 1] = { dimParam: 'vocab_size' };
  }
  writeFileSync(join(dir, 'gpt2.onnx'), onnx.ModelProto.encode(model).finish());
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(tokenizerFrom, f), join(dir, f));
  return join(dir, 'gpt2.onnx');
}

test('bare .onnx, no config.json: induction draws from the logits\' 512 rows, not the 4,096-token tokenizer', async () => {
  const r = await engine['induction/scan']({ model: bare(CODE_LM, false), seqLen: 24, batch: 4, seed: 7 }, never);
  assert.equal(r.model.vocabSize, 512);
  assert.ok(Number.isFinite(r.lossSecondHalf));
});

test('bare .onnx with a symbolic logits dimension: the vocabulary is the tokenizer\'s', async () => {
  const r = await engine['induction/scan']({ model: bare(GPT2, true), seqLen: 24, batch: 2, seed: 7 }, never);
  assert.equal(r.model.vocabSize, 512);
});

test('token ids at or above the logits\' rows are refused before the run, in one line naming the vocabulary', async () => {
  const model = bare(CODE_LM, false);
  // "    return" is one token of the 4,096-token tokenizer, past the model's 512
  for (const run of [
    async () => engine['lm/nextToken']({ model, text: 'def f():\n    return 1\n', topK: 5, maxTokens: 64 }, never),
    async () => engine['lens/get']({ model, text: 'def f():\n    return 1\n', topK: 5, maxTokens: 64 }, never),
  ]) {
    await assert.rejects(run, (e: Error) => /^Token id \d+ is outside [^\n]+ vocabulary of 512\b[^\n]*$/.test(e.message));
  }
});
