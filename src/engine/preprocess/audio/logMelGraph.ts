// A clip's own frames (those whose n_fft window lies inside the clip) → log10 mel energies, in
// batches through one onnxruntime graph: the frames times a real DFT matrix with the window folded
// in ([n_fft, 2 · bins]: windowed cos and sin columns), squared and summed into the power spectrum, times the Slaney
// mel filters, floored at 1e-10, log10. Both products are MLAS matrix multiplies on the engine's
// threads: a 30-s clip's 2,998 frames take ~6 ms, against ~17–22 ms through the JavaScript FFT
// (a Whisper-tiny-shaped encoder's forward over them is ~160–190 ms on the same 2 cores).
// float32 is enough: a DFT error is ~1e-7 of its frame's peak, 130 dB down, while the extractor
// clamps every value more than 80 dB under the example's maximum. Over the test clips (8–48 kHz,
// test/acceptance/audioFeatures.test.ts, held to numpy within 1e-4) the worst feature moved from
// 3.1e-6 (float64 FFT) to 2.0e-5.
// Frames that touch a window's padding keep the float64 JavaScript path (whisperFeatures.ts).
import { Tensor } from 'onnxruntime-node';
import { encodeGraph, floatInitializer as floats, INT64, sessionsPerShape, valueInfo as vi } from '../../smallGraphs/smallGraphs';
import { melFilters } from './melFilters';

/** the periodic Hann window of length n at t, as numpy's / torch's hann_window(periodic=True) */
export function hannWindow(n: number, t: number): number {
  return 0.5 - 0.5 * Math.cos((2 * Math.PI * t) / n);
}

/** log10's argument is floored here, as WhisperFeatureExtractor's log10(max(x, 1e-10)) */
export const LOG_MEL_FLOOR = 1e-10;

export interface LogMelShape {
  sampleRate: number;
  nFft: number;
  nMels: number;
}

function graph({ sampleRate, nFft, nMels }: LogMelShape): Uint8Array {
  const bins = (nFft >> 1) + 1;
  // [t, k] = w(t)·cos(2πtk/n), [t, bins + k] = w(t)·sin(2πtk/n), w the periodic Hann window: the
  // frames go in as they are (copying 2.5× overlapping windowed frames in JavaScript took 5 ms a 30-s clip)
  const dft = new Float32Array(nFft * 2 * bins);
  for (let t = 0; t < nFft; t++) {
    const w = hannWindow(nFft, t);
    for (let k = 0; k < bins; k++) {
      const a = (2 * Math.PI * ((t * k) % nFft)) / nFft;
      dft[t * 2 * bins + k] = w * Math.cos(a);
      dft[t * 2 * bins + bins + k] = w * Math.sin(a);
    }
  }
  const mel = new Float32Array(bins * nMels); // [bin, m]
  melFilters(sampleRate, nFft, nMels).forEach((f, m) => f.weights.forEach((w, i) => (mel[(f.start + i) * nMels + m] = w)));
  return encodeGraph({
    name: 'tensorloupe_log_mel',
    initializer: [
      floats('dft', [nFft, 2 * bins], dft),
      floats('mel', [bins, nMels], mel),
      floats('floor', [], Float32Array.of(LOG_MEL_FLOOR)),
      floats('log10e', [], Float32Array.of(Math.LOG10E)),
      { name: 'halves', dims: [2], dataType: INT64, int64Data: [bins, bins] },
    ],
    input: [vi('frames', ['F', nFft])],
    output: [vi('log_mel', ['F', nMels])],
    node: [
      { opType: 'MatMul', input: ['frames', 'dft'], output: ['spectrum'] }, // [F, 2·bins]: Re, −Im
      { opType: 'Mul', input: ['spectrum', 'spectrum'], output: ['squares'] },
      { opType: 'Split', input: ['squares', 'halves'], output: ['re2', 'im2'], attribute: [{ name: 'axis', type: 2, i: 1 }] },
      { opType: 'Add', input: ['re2', 'im2'], output: ['power'] },
      { opType: 'MatMul', input: ['power', 'mel'], output: ['energies'] },
      { opType: 'Max', input: ['energies', 'floor'], output: ['floored'] },
      { opType: 'Log', input: ['floored'], output: ['ln'] },
      { opType: 'Mul', input: ['ln', 'log10e'], output: ['log_mel'] },
    ],
  });
}

const sessionFor = sessionsPerShape((shape: LogMelShape) => `${shape.sampleRate}|${shape.nFft}|${shape.nMels}`, graph);

/** frames: [count, nFft] samples (not windowed) → [count, nMels] log10 mel energies. */
export async function logMelOfFrames(frames: Float32Array, count: number, shape: LogMelShape, threads: number): Promise<Float32Array> {
  const s = await sessionFor(shape, threads);
  const out = await s.run({ frames: new Tensor('float32', frames, [count, shape.nFft]) });
  return out.log_mel.data as Float32Array;
}
