// The Hub's pure rules: which names are safe, where the cache is, which files a variant needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { checkRepoFilePath, isRepoId, checkRevision } from '../../src/engine/hub/hubNames';
import { hubEnv } from '../../src/engine/hub/hubEnv';
import { checkHubVariant, filesForVariant, variantOnnxCandidates } from '../../src/engine/hub/hubVariants';
import { repoIdOfSnapshot } from '../../src/engine/hub/resolveModelArgument';

test('repo ids are org/name; paths and URLs are not', () => {
  for (const ok of ['onnx-community/gpt2', 'Xenova/distilbert-base-uncased', 'a/b.c_d-1']) assert.ok(isRepoId(ok), ok);
  for (const bad of ['gpt2', './models/x', '/abs/x', 'a/b/c', '../x', 'a/..', 'a/.b', 'a/b.', 'https://x/y', 'a\\b', 'a/b c', '']) assert.ok(!isRepoId(bad), bad);
});

test('file names from the Hub that are not safe relative paths are refused', () => {
  for (const ok of ['config.json', 'onnx/model.onnx', 'onnx/model.onnx_data', 'cpu/int4/genai_config.json', 'a..b/c']) assert.equal(checkRepoFilePath(ok, 'r/x'), ok);
  for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a\\b', 'C:/x', 'a//b', 'a/./b', '.', 'x\u0000', 'x\u001b[2J', 'x\u202e', '']) {
    assert.throws(() => checkRepoFilePath(bad, 'r/x'), /not a safe relative path/, JSON.stringify(bad));
  }
  assert.throws(() => checkRevision('main/../x'), /not a branch, tag or commit/);
  assert.equal(checkRevision('refs/pr/1'), 'refs/pr/1');
});

test('the cache and endpoint come from the same variables huggingface_hub reads', () => {
  assert.equal(hubEnv({ HF_HOME: '/h' }).cacheDir, join('/h', 'hub'));
  assert.equal(hubEnv({ HF_HOME: '/h', HF_HUB_CACHE: '/c' }).cacheDir, '/c');
  assert.equal(hubEnv({ XDG_CACHE_HOME: '/x' }).cacheDir, join('/x', 'huggingface', 'hub'));
  assert.equal(hubEnv({}).cacheDir, join(homedir(), '.cache', 'huggingface', 'hub'));
  assert.equal(hubEnv({}).endpoint, 'https://huggingface.co');
  assert.equal(hubEnv({ HF_ENDPOINT: 'http://127.0.0.1:8080/' }).endpoint, 'http://127.0.0.1:8080');
  assert.equal(hubEnv({ HF_HUB_OFFLINE: '1' }).offline, true);
  assert.equal(hubEnv({ HF_HUB_OFFLINE: '0' }).offline, false);
  assert.equal(hubEnv({ HF_HOME: '/nonexistent', HF_TOKEN: 'hf_env' }, 'hf_secret').token, 'hf_secret', 'SecretStorage wins');
  assert.equal(hubEnv({ HF_HOME: '/nonexistent', HF_TOKEN: 'hf_env' }).token, 'hf_env');
});

test('a variant fetches its graph, that graph’s external data and the side files, nothing else', () => {
  const tree = ['README.md', 'config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model.onnx_data', 'onnx/model_fp16.onnx', 'onnx/model_fp16.onnx_data', 'onnx/model_q4.onnx', 'pytorch_model.bin', 'model.safetensors'];
  assert.deepEqual(filesForVariant(tree, 'fp32', 'r/x').sort(), ['config.json', 'onnx/model.onnx', 'onnx/model.onnx_data', 'tokenizer.json', 'tokenizer_config.json']);
  assert.deepEqual(filesForVariant(tree, 'fp16', 'r/x').sort(), ['config.json', 'onnx/model_fp16.onnx', 'onnx/model_fp16.onnx_data', 'tokenizer.json', 'tokenizer_config.json']);
  assert.deepEqual(filesForVariant(tree, 'q4', 'r/x').sort(), ['config.json', 'onnx/model_q4.onnx', 'tokenizer.json', 'tokenizer_config.json']);
  assert.throws(() => filesForVariant(tree, 'bnb4', 'r/x'), /r\/x has no bnb4 ONNX graph/);
  // an onnxruntime-genai folder: model.onnx + model.onnx.data + genai_config.json at the root
  assert.deepEqual(filesForVariant(['genai_config.json', 'model.onnx', 'model.onnx.data', 'tokenizer.json'], 'fp32', 'r/g').sort(), ['genai_config.json', 'model.onnx', 'model.onnx.data', 'tokenizer.json']);
  // the Hub and local folders share one table of names: transformers.js's q8 is model_quantized.onnx, 'quantized' accepted
  assert.equal(checkHubVariant('quantized'), 'q8');
  assert.equal(variantOnnxCandidates('q8')[0], 'onnx/model_quantized.onnx');
  assert.throws(() => checkHubVariant('q3'), /--variant must be one of fp32, fp16, q8/);
});

test('a snapshot folder is named by its repo id', () => {
  assert.equal(repoIdOfSnapshot(`/c/hub/models--onnx-community--gpt2/snapshots/${'a'.repeat(40)}`), 'onnx-community/gpt2');
  assert.equal(repoIdOfSnapshot(`/c/hub/models--onnx-community--gpt2/snapshots/${'a'.repeat(40)}/onnx/model.onnx`), 'onnx-community/gpt2');
  assert.equal(repoIdOfSnapshot('/models/tensorloupe-code-lm'), undefined);
  assert.equal(repoIdOfSnapshot('/c/models--x--y/snapshots/main'), undefined);
});
