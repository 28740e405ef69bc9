// Scores of a classifier on held-out examples: accuracy, macro-F1, the confusion matrix.

/** [k, k] row-major counts: row = true class, column = predicted class. */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, k: number): Int32Array {
  const m = new Int32Array(k * k);
  for (let i = 0; i < truth.length; i++) m[truth[i] * k + predicted[i]]++;
  return m;
}

export function accuracyOf(confusion: Int32Array, k: number): number {
  let right = 0;
  let all = 0;
  for (let t = 0; t < k; t++) for (let p = 0; p < k; p++) {
    all += confusion[t * k + p];
    if (t === p) right += confusion[t * k + p];
  }
  return all === 0 ? 0 : right / all;
}

/**
 * The mean F1 over the classes that occur in the held-out truth or the predictions (a class
 * absent from both says nothing about this split); a class never predicted scores 0.
 */
export function macroF1Of(confusion: Int32Array, k: number): number {
  let sum = 0;
  let classes = 0;
  for (let c = 0; c < k; c++) {
    let tp = 0;
    let truthCount = 0;
    let predictedCount = 0;
    for (let o = 0; o < k; o++) {
      truthCount += confusion[c * k + o];
      predictedCount += confusion[o * k + c];
    }
    tp = confusion[c * k + c];
    if (truthCount === 0 && predictedCount === 0) continue;
    classes++;
    sum += (2 * tp) / (truthCount + predictedCount);
  }
  return classes === 0 ? 0 : sum / classes;
}
