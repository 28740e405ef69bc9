// The linux-x64 VSIX that `npm run package` writes: it holds what the extension loads at run time
// and nothing else, and the engine packed in it runs the packed model on its own, with the packed
// onnxruntime, outside the checkout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EngineClient } from '../../src/host/engineClient';
import { DEFAULT_MODEL_NAME } from '../../src/util/paths';
import { builtEnginePath, ROOT } from '../helpers/paths';
import { linuxX64Vsix } from '../helpers/vsix';
import { extractZip, zipEntries, zipEntryData } from '../helpers/zip';

const vsix = linuxX64Vsix();
const zip = readFileSync(vsix);
const entries = zipEntries(zip);
const names = new Set(entries.map((e) => e.name));
const ext = (path: string): string => `extension/${path}`;
const ORT = 'node_modules/onnxruntime-node';

/** The files the checkout's build makes for the extension (dist/ less the CLI and source maps). */
function builtBundles(): string[] {
  builtEnginePath(); // builds dist/ when this file runs on its own
  const found: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(ROOT, rel), { withFileTypes: true })) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (!path.endsWith('.map') && path !== 'dist/cli.js') found.push(path);
    }
  };
  walk('dist');
  return found;
}

/** Bundled model folders the Select Model command offers (a tokenizer and onnx/model.onnx). */
function bundledTextModels(): string[] {
  return readdirSync(join(ROOT, 'models')).filter((name) => existsSync(join(ROOT, 'models', name, 'tokenizer.json')) && existsSync(join(ROOT, 'models', name, 'onnx', 'model.onnx')));
}

/** a bundled model's checkpoints/step-N folders */
function bundledCheckpoints(name: string): string[] {
  const dir = join(ROOT, 'models', name, 'checkpoints');
  return existsSync(dir) ? readdirSync(dir).filter((n) => /^step-\d+$/.test(n)) : [];
}

test('the linux-x64 VSIX holds what the extension loads at run time', () => {
  const manifest = JSON.parse(zipEntryData(zip, entries.find((e) => e.name === ext('package.json'))!).toString('utf8')) as { main: string; scripts?: unknown };
  const required = [
    'extension.vsixmanifest',
    ext('package.json'),
    ext('readme.md'),
    ext('LICENSE.txt'),
    ext(manifest.main.replace(/^\.\//, '')),
    ext('dist/extension.js'),
    ext('dist/engine.js'),
    ...builtBundles().map(ext),
    ...['panel.css', 'internals.css', 'icon.svg'].map((f) => ext(`media/${f}`)),
    ...bundledTextModels().flatMap((name) => ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'].map((f) => ext(`models/${name}/${f}`))),
    // the checkpoints Compare Checkpoints offers (tensorloupe-attn2 and its Zipf / uniform variants)
    ...bundledTextModels().flatMap((name) => bundledCheckpoints(name).flatMap((step) => ['config.json', 'tokenizer.json', 'onnx/model.onnx'].map((f) => ext(`models/${name}/checkpoints/${step}/${f}`)))),
    ...['package.json', 'dist/index.js', 'dist/binding.js', 'dist/backend.js', 'dist/version.js'].map((f) => ext(`${ORT}/${f}`)),
    ext(`${ORT}/bin/napi-v6/linux/x64/onnxruntime_binding.node`),
    ext(`${ORT}/bin/napi-v6/linux/x64/libonnxruntime.so.1`),
    ext('node_modules/onnxruntime-common/package.json'),
    ext('node_modules/onnxruntime-common/dist/cjs/index.js'),
  ];
  assert.ok(bundledTextModels().includes(DEFAULT_MODEL_NAME), `the default model ${DEFAULT_MODEL_NAME} is bundled`);
  assert.ok(bundledCheckpoints('tensorloupe-attn2').length >= 2, 'tensorloupe-attn2 is bundled with its checkpoints');
  const missing = required.filter((name) => !names.has(name));
  assert.deepEqual(missing, [], `missing from ${vsix}`);
  assert.equal(manifest.scripts, undefined, 'the packed package.json carries no npm scripts');
  assert.match(zipEntryData(zip, entries.find((e) => e.name === 'extension.vsixmanifest')!).toString('utf8'), /TargetPlatform="linux-x64"/);
  // VS Code's extension page loads no files of the extension: the packed README carries its
  // screenshots as data: URIs, the same bytes as the checkout's media files.
  const readme = zipEntryData(zip, entries.find((e) => e.name === ext('readme.md'))!).toString('utf8');
  const shots = [...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/!\[([^\]]*)\]\((media\/[^)]+\.png)\)/g)];
  assert.ok(shots.length >= 3, 'the checkout README shows screenshots');
  for (const [, alt, file] of shots) {
    const inlined = readme.match(new RegExp(`!\\[${alt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\]\\(data:image/png;base64,([A-Za-z0-9+/=]+)\\)`));
    assert.ok(inlined, `packed README inlines ${file}`);
    assert.ok(Buffer.from(inlined[1], 'base64').equals(readFileSync(join(ROOT, file))), `${file}: inlined bytes are the file's`);
  }
  assert.doesNotMatch(readme, /!\[[^\]]*\]\((?!data:|https:)/, 'no image link the extension page cannot load');
  // The packed binaries are the checkout's, byte for byte.
  for (const file of ['onnxruntime_binding.node', 'libonnxruntime.so.1']) {
    const entry = entries.find((e) => e.name === ext(`${ORT}/bin/napi-v6/linux/x64/${file}`))!;
    assert.ok(zipEntryData(zip, entry).equals(readFileSync(join(ROOT, ORT, 'bin/napi-v6/linux/x64', file))), `${file} is the installed one`);
  }
});

test('the linux-x64 VSIX holds nothing from test/, no sources, no training, no other platform', () => {
  const unwanted = [...names].filter((name) =>
    /^extension\/(test|src|webview|bench|scripts|docs|notes|test-results|\.cache|\.ci)\//.test(name) ||
    name.startsWith(ext('models/train/')) ||
    /\.(ts|map)$/.test(name) ||
    /^extension\/models\/[^/]+\/(checkpoints\/step-\d+\/)?(reference[^/]*|metrics\.json)$/.test(name) ||
    name === ext('dist/cli.js') ||
    (name.startsWith(ext(`${ORT}/bin/`)) && !name.startsWith(ext(`${ORT}/bin/napi-v6/linux/x64/`))),
  );
  assert.deepEqual(unwanted, [], `unwanted in ${vsix}`);
  const packages = new Set([...names].filter((n) => n.startsWith(ext('node_modules/'))).map((n) => n.split('/')[2]));
  assert.deepEqual([...packages].sort(), ['onnxruntime-common', 'onnxruntime-node'], 'only the packages the engine requires at run time');
});

test('the engine packed in the VSIX runs the packed model with the packed onnxruntime, outside the checkout', {
  skip: !(process.platform === 'linux' && process.arch === 'x64') && 'runs linux-x64 binaries',
}, async () => {
  // Outside the checkout (no node_modules above it): Node must find onnxruntime-node in the VSIX.
  const dir = mkdtempSync(join(tmpdir(), 'tensorloupe-vsix-unpacked-'));
  for (let up = dir; up !== dirname(up); up = dirname(up)) assert.ok(!existsSync(join(up, 'node_modules')), `no node_modules above ${dir}`);
  const settings = { provider: 'cpu' as const, threads: 1 };
  const packed = new EngineClient({ enginePath: join(dir, 'extension', 'dist', 'engine.js'), settings, env: { NODE_PATH: '' } });
  const checkout = new EngineClient({ enginePath: builtEnginePath(), settings });
  try {
    extractZip(vsix, dir);
    const text = 'export function tokenize(text: string): string[] {\n  return text.';
    const got = await packed.call('lm/nextToken', { model: join(dir, 'extension', 'models', DEFAULT_MODEL_NAME), text, topK: 10, maxTokens: 2048 });
    const want = await checkout.call('lm/nextToken', { model: join(ROOT, 'models', DEFAULT_MODEL_NAME), text, topK: 10, maxTokens: 2048 });
    assert.deepEqual(got.tokens.map((t) => t.id), want.tokens.map((t) => t.id), 'same tokens');
    assert.deepEqual(got.next.map((c) => c.id), want.next.map((c) => c.id), 'same top-10 ids');
    let maxDiff = 0;
    for (let i = 0; i < want.lastLogits.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got.lastLogits[i] - want.lastLogits[i]));
    assert.ok(maxDiff <= 1e-5, `last-position logits differ by up to ${maxDiff}`);
    // The library the packed engine mapped is the packed one.
    const maps = readFileSync(`/proc/${packed.pid}/maps`, 'utf8');
    assert.ok(maps.includes(join(dir, 'extension', ORT, 'bin/napi-v6/linux/x64/libonnxruntime.so.1')), 'the engine runs the packed libonnxruntime.so.1');
  } finally {
    packed.dispose();
    checkout.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
