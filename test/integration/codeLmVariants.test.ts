// The fp16 and int8 variants of the bundled code LM (onnx/model_fp16.onnx, onnx/model_int8.onnx,
// built by models/train/build_variants.py in `npm run models`) are picked by the engine's variant
// setting and give the same next-token top-1 as fp32 on the reference prompts; a variant the
// folder lacks is a one-line error listing the ones it has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { parseVariant, variantsPresent } from '../../src/engine/models/variants';
import { CODE_LM, ROOT } from '../helpers/paths';
import { runCli } from '../helpers/cli';

const never = { cancelled: false, onCancel: () => undefined };
const prompts = (JSON.parse(readFileSync(join(CODE_LM, 'reference.json'), 'utf8')) as { inputs: { text: string }[] }).inputs.map((i) => i.text);
const engines = {
  fp32: createEngineHandlers({ provider: 'cpu', threads: 1, variant: 'fp32' }),
  fp16: createEngineHandlers({ provider: 'cpu', threads: 1, variant: 'fp16' }),
  int8: createEngineHandlers({ provider: 'cpu', threads: 1, variant: 'int8' }),
};
/** measured on these prompts (README "Variants"): fp16 0.011, int8 0.38; twice that is a broken variant */
const MAX_LOGIT_DIFF = { fp16: 0.03, int8: 0.8 };

test('fp16 and int8 variants: the same next-token top-1 as fp32 on every reference prompt, logits close', async () => {
  assert.ok(prompts.length >= 3);
  for (const text of prompts) {
    const base = await engines.fp32['lm/nextToken']({ model: CODE_LM, text, topK: 1, maxTokens: 2048 }, never);
    assert.equal(base.model.dtype, 'float32');
    for (const v of ['fp16', 'int8'] as const) {
      const r = await engines[v]['lm/nextToken']({ model: CODE_LM, text, topK: 1, maxTokens: 2048 }, never);
      assert.equal(r.model.dtype, v === 'fp16' ? 'float16' : 'float32', `${v} reads its own file`);
      assert.equal(r.next[0].id, base.next[0].id, `${v} top-1 after ${JSON.stringify(text.slice(0, 30))}`);
      let diff = 0;
      for (let i = 0; i < base.lastLogits.length; i++) diff = Math.max(diff, Math.abs(base.lastLogits[i] - r.lastLogits[i]));
      assert.ok(diff > 0, `${v} is not the fp32 file`);
      assert.ok(diff < MAX_LOGIT_DIFF[v], `${v} max logit difference ${diff}`);
    }
  }
});

test('a missing variant is one line listing the variants present; names parse as transformers.js dtypes', async () => {
  const engine = createEngineHandlers({ provider: 'cpu', threads: 1, variant: 'q4' });
  await assert.rejects(async () => engine['model/load']({ model: CODE_LM }, never), (e: Error) => {
    assert.equal(e.message, 'tensorloupe-code-lm has no q4 variant (model_q4.onnx); it has fp32 (onnx/model.onnx), fp16 (onnx/model_fp16.onnx), int8 (onnx/model_int8.onnx). Choose one with tensorloupe.variant or --variant.');
    return true;
  });
  assert.deepEqual(variantsPresent(CODE_LM).map((v) => v.variant), ['fp32', 'fp16', 'int8']);
  assert.equal(parseVariant('quantized', '--variant'), 'q8');
  assert.equal(parseVariant('Q4F16', '--variant'), 'q4f16');
  assert.throws(() => parseVariant('int4', '--variant'), (e: Error & { code?: string }) => {
    assert.equal(e.message, '--variant must be one of fp32, fp16, q8, int8, uint8, q4, q4f16, bnb4 (got "int4").');
    assert.equal(e.code, 'InputError');
    return true;
  });
  // a folder with no variant file names (a bare export's own .onnx) still loads with the default
  const bare = mkdtempSync(join(tmpdir(), 'tl-bare-'));
  const ner = join(ROOT, 'test', 'fixtures', 'models', 'bert-ner');
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(ner, f), join(bare, f));
  mkdirSync(join(bare, 'onnx'));
  copyFileSync(join(ner, 'onnx', 'model.onnx'), join(bare, 'onnx', 'ner.onnx'));
  assert.equal((await engines.fp32['model/load']({ model: bare }, never)).kind, 'token-classifier');
  await assert.rejects(async () => engines.fp16['model/load']({ model: bare }, never), /has no fp16 variant \(model_fp16\.onnx\); it has none of the transformers\.js variant files\./);
});

test('the CLI: --variant reaches the engine on every model-taking command; a bad one is one line naming the flag', async () => {
  const text = prompts[0];
  const base = JSON.parse((await runCli(['next-token', '--json', '--top-k', '1', text])).stdout.toString()) as { next: { id: number; prob: number }[] };
  const fp16 = await runCli(['next-token', '--variant', 'fp16', '--json', '--top-k', '1', text]);
  assert.equal(fp16.code, 0, fp16.stderr);
  const r = JSON.parse(fp16.stdout.toString()) as { objective: string; next: { id: number; prob: number }[] };
  assert.equal(r.objective, 'causal');
  assert.equal(r.next[0].id, base.next[0].id);
  assert.notEqual(r.next[0].prob, base.next[0].prob, 'the fp16 file ran, not model.onnx');
  const bad = await runCli(['surprisal', '--variant', 'int4', '-'], { stdin: 'x = 1\n' });
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'tensorloupe: InputError: --variant must be one of fp32, fp16, q8, int8, uint8, q4, q4f16, bnb4 (got "int4").\n');
  const missing = await runCli(['lens', '--variant', 'bnb4', 'x'], {});
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^tensorloupe: ModelLoadError: tensorloupe-code-lm has no bnb4 variant \(model_bnb4\.onnx\); it has fp32 \(onnx\/model\.onnx\), fp16 \(onnx\/model_fp16\.onnx\), int8 \(onnx\/model_int8\.onnx\)\. Choose one with tensorloupe\.variant or --variant\.\n$/);
});
