// Raw waveform input for wav2vec2-style models (Wav2Vec2FeatureExtractor with do_normalize):
// each example made zero-mean, unit-variance, (x − mean) / sqrt(var + 1e-7), padded after that.

/** x [samples] → float32 [nSamples]: normalised, then zero-padded or cut to nSamples */
export function inputValues(x: Float32Array, nSamples: number = x.length): Float32Array {
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length || 1;
  let variance = 0;
  for (const v of x) variance += (v - mean) ** 2;
  variance /= x.length || 1;
  const scale = 1 / Math.sqrt(variance + 1e-7);
  const out = new Float32Array(nSamples);
  const n = Math.min(nSamples, x.length);
  for (let i = 0; i < n; i++) out[i] = (x[i] - mean) * scale;
  return out;
}
