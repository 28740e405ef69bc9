import type { ClassScore } from '../../../protocol/audio';

/** logits [classes] → the k most probable classes, softmax in float64, best first. */
export function topClasses(logits: Float32Array, labels: string[], k: number): ClassScore[] {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  const e = Array.from(logits, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e
    .map((v, id) => ({ id, label: labels[id] ?? `LABEL_${id}`, prob: v / sum, logit: logits[id] }))
    .sort((a, b) => b.prob - a.prob || a.id - b.id)
    .slice(0, k);
}

/** the mean over windows of each class's prob and logit, best first (a long clip's overall answer) */
export function meanClasses(logits: Float32Array, windows: number, labels: string[], k: number): ClassScore[] {
  const classes = logits.length / windows;
  const prob = new Float64Array(classes);
  const logit = new Float64Array(classes);
  for (let w = 0; w < windows; w++) {
    const row = logits.subarray(w * classes, (w + 1) * classes);
    for (const s of topClasses(row, labels, classes)) {
      prob[s.id] += s.prob / windows;
      logit[s.id] += s.logit / windows;
    }
  }
  return Array.from(prob, (p, id) => ({ id, label: labels[id] ?? `LABEL_${id}`, prob: p, logit: logit[id] }))
    .sort((a, b) => b.prob - a.prob || a.id - b.id)
    .slice(0, k);
}
