// `tensorloupe classify-audio` and `activations --audio` as a user runs them (dist/cli.js):
// the --json shape {"model", "input", "top", "windows"?}, FLAC decoded like its WAV, and bad files
// refused in one line naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/paths';
import { decodeSafetensors } from '../../src/engine/features/export/safetensors';

const CLI = join(ROOT, 'dist', 'cli.js');
const CLIPS = join(ROOT, 'test', 'fixtures', 'audio');
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });

test('classify-audio --json: the image shape plus windows for a long clip; FLAC equals its WAV', () => {
  const one = cli('classify-audio', '--top-k', '3', '--json', join(ROOT, 'models', 'tensorloupe-speech-kws', 'samples', 'seven_en-gb_anika.wav'));
  assert.equal(one.status, 0, one.stderr);
  const r = JSON.parse(one.stdout) as Record<string, unknown> & { top: { id: number; label: string; prob: number; logit: number }[]; input: Record<string, unknown> };
  assert.deepEqual(Object.keys(r), ['model', 'input', 'top']);
  assert.equal(r.model, 'tensorloupe-speech-kws');
  assert.deepEqual(Object.keys(r.top[0]), ['id', 'label', 'prob', 'logit']);
  assert.equal(r.top[0].label, 'seven');
  assert.equal(r.input.sampleRate, 16000);
  assert.equal(r.input.channels, 1);
  const long = JSON.parse(cli('classify-audio', '--json', join(CLIPS, 'long_16k_mono_pcm16.wav')).stdout) as { windows: { start: number; end: number; top: unknown[] }[] };
  assert.deepEqual(Object.keys(long), ['model', 'input', 'top', 'windows']);
  assert.deepEqual(long.windows.map((w) => w.start), [0, 0.5, 1]);
  type Top = { top: { id: number; prob: number }[]; input: Record<string, unknown> };
  const wav = JSON.parse(cli('classify-audio', '--json', join(CLIPS, 'tone_44k_stereo_pcm24.wav')).stdout) as Top;
  const flac = JSON.parse(cli('classify-audio', '--json', join(CLIPS, 'tone_44k_stereo_pcm24.flac')).stdout) as Top;
  // libFLAC's float output differs from samples / 2^23 in the last bits of float32
  assert.deepEqual(flac.top.map((t) => t.id), wav.top.map((t) => t.id));
  flac.top.forEach((t, i) => assert.ok(Math.abs(t.prob - wav.top[i].prob) < 1e-5));
  assert.deepEqual([flac.input.format, flac.input.sampleRate, flac.input.channels], ['FLAC 24-bit', 44100, 2]);
});

test('activations --audio writes every hook per window; bad files are one line naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-audio-'));
  const out = join(dir, 'a.safetensors');
  const r = cli('activations', '--audio', join(CLIPS, 'long_16k_mono_pcm16.wav'), '--names', 'blocks.*.attn.hook_pattern,hook_embed', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const { tensors, metadata } = decodeSafetensors(new Uint8Array(readFileSync(out)));
  assert.deepEqual(tensors.get('blocks.2.attn.hook_pattern')?.dims, [3, 4, 50, 50]);
  assert.deepEqual(tensors.get('hook_embed')?.dims, [3, 50, 96]);
  assert.equal(metadata.window_starts, '[0,8000,16000]');
  const bad = join(dir, 'broken.wav');
  writeFileSync(bad, Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt '), Buffer.alloc(3)]));
  for (const [file, message] of [[bad, /broken\.wav: the WAV file has no fmt chunk \(truncated or corrupt\)\./], [join(ROOT, 'package.json'), /package\.json: not a WAV, FLAC, MP3 or Ogg Vorbis file/]] as const) {
    const e = cli('classify-audio', file);
    assert.equal(e.status, 1);
    assert.match(e.stderr, message);
    assert.equal(e.stderr.trim().split('\n').length, 1, e.stderr);
  }
});
