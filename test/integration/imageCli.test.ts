// The image CLI commands end to end (dist/cli.js, a real process): classify-image --json prints
// exactly {model, input {width, height}, top [{id, label, prob, logit}]} with PyTorch's probabilities,
// rollout writes a PNG of the map over the model's view, activations --image writes the patterns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const MODEL = join(ROOT, 'models', 'tensorloupe-glyph-vit');
const SAMPLE = join(MODEL, 'samples', 'A_LiberationMono-Bold.png');
const ref = JSON.parse(readFileSync(join(MODEL, 'reference.json'), 'utf8')) as { inputs: { top10: { ids: number[]; probs: number[] }[] }[]; activations: Record<string, { data: number[] }> };
const cli = (...args: string[]): string => execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'tl-imgcli-')) } });

test('classify-image --json, rollout --out map.png, activations --image', () => {
  const out = JSON.parse(cli('classify-image', '--model', MODEL, '--top-k', '3', '--json', SAMPLE)) as Record<string, unknown>;
  assert.deepEqual(Object.keys(out), ['model', 'input', 'top']);
  assert.deepEqual(out.input, { width: 32, height: 32 });
  assert.equal(out.model, 'tensorloupe-glyph-vit');
  const top = out.top as { id: number; label: string; prob: number; logit: number }[];
  assert.equal(top.length, 3);
  top.forEach((t, k) => {
    assert.deepEqual(Object.keys(t), ['id', 'label', 'prob', 'logit']);
    assert.equal(t.id, ref.inputs[0].top10[0].ids[k]);
    assert.ok(Math.abs(t.prob - ref.inputs[0].top10[0].probs[k]) <= 1e-4);
  });
  assert.equal(top[0].label, 'A');

  const dir = mkdtempSync(join(tmpdir(), 'tl-imgcli-out-'));
  cli('rollout', '--fusion', 'min', '--discard-ratio', '0.5', SAMPLE, '--out', join(dir, 'map.png'));
  const png = PNG.sync.read(readFileSync(join(dir, 'map.png')));
  assert.deepEqual([png.width, png.height], [256, 256]);

  const listed = cli('activations', '--image', SAMPLE, '--names', 'blocks.1.attn.hook_pattern', '--out', join(dir, 'a.safetensors'));
  assert.match(listed, /blocks\.1\.attn\.hook_pattern\s+\[1, 4, 65, 65\]/);
  const file = readFileSync(join(dir, 'a.safetensors'));
  const headerLength = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { data_offsets: [number, number] }>;
  const [start] = header['blocks.1.attn.hook_pattern'].data_offsets;
  const data = new Float32Array(file.buffer.slice(file.byteOffset + 8 + headerLength + start, file.byteOffset + 8 + headerLength + start + 65 * 65 * 4 * 4));
  const want = ref.activations['blocks.1.attn.hook_pattern'].data;
  let max = 0;
  for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(data[i] - want[i]));
  assert.ok(max <= 1e-4, `pattern max diff ${max}`);
});
