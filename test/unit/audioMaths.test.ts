// The pieces of audio preprocessing against their definitions: the mixed-radix FFT against a
// direct DFT at several lengths, window starts, the resampler's length and DC gain, mel filters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fft, fftPlan } from '../../src/engine/preprocess/audio/fft';
import { windowStarts } from '../../src/engine/preprocess/audio/audioExamples';
import { resample, resampledLength } from '../../src/engine/preprocess/audio/resample';
import { hzToMel, melFilters, melToHz } from '../../src/engine/preprocess/audio/melFilters';

test('FFT equals a direct DFT at lengths 400, 64, 45, 7, 12 and 1', () => {
  for (const n of [400, 64, 45, 7, 12, 1]) {
    const plan = fftPlan(n);
    const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) + 0.1 * i);
    const im = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.7));
    const [outRe, outIm] = [new Float64Array(n), new Float64Array(n)];
    fft(plan, re, im, outRe, outIm);
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let t = 0; t < n; t++) {
        const a = (-2 * Math.PI * k * t) / n;
        sr += re[t] * Math.cos(a) - im[t] * Math.sin(a);
        si += re[t] * Math.sin(a) + im[t] * Math.cos(a);
      }
      assert.ok(Math.abs(sr - outRe[k]) < 1e-9 && Math.abs(si - outIm[k]) < 1e-9, `n ${n} bin ${k}`);
    }
  }
});

test('windows: one for a clip that fits, then every half window (a multiple of hop) until the end is covered', () => {
  assert.deepEqual(windowStarts(100, 16000, 160), [0]);
  assert.deepEqual(windowStarts(16000, 16000, 160), [0]);
  assert.deepEqual(windowStarts(16001, 16000, 160), [0, 8000]);
  assert.deepEqual(windowStarts(40000, 16000, 160), [0, 8000, 16000, 24000]);
  assert.deepEqual(windowStarts(3000, 1000, 160), [0, 480, 960, 1440, 1920, 2400]);
});

test('resampler: librosa length, unit gain at DC, identity at equal rates', () => {
  assert.equal(resampledLength(44100, 44100, 16000), 16000);
  assert.equal(resampledLength(1001, 48000, 16000), 334);
  const dc = new Float32Array(4000).fill(0.5);
  const y = resample(dc, 48000, 16000);
  assert.equal(y.length, 1334);
  for (let i = 200; i < y.length - 200; i++) assert.ok(Math.abs(y[i] - 0.5) < 1e-4, `sample ${i}: ${y[i]}`);
  assert.equal(resample(dc, 16000, 16000), dc);
});

test('mel scale round-trips and the 80 filters cover 0-8 kHz with Slaney area normalisation', () => {
  for (const f of [0, 440, 1000, 4000, 8000]) assert.ok(Math.abs(melToHz(hzToMel(f)) - f) < 1e-9);
  const filters = melFilters(16000, 400, 80);
  assert.equal(filters.length, 80);
  for (const f of filters) assert.ok(f.weights.length > 0 && f.start >= 0 && f.start + f.weights.length <= 201);
});
