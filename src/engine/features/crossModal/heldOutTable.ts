// The held-out classes at one layer: how many of each class's samples put their own token first,
// and the five tokens nearest the mean of the class's predictions.
import { predictRow, type FittedMap } from '../../analyses/linearMap';
import { cosines, unitCandidates } from './crossModalFit';
import type { CrossModalMethod, HeldOutClass } from '../../../protocol/crossModal';

export interface TableInput {
  x: Float32Array;
  classOf: Int32Array;
  targets: Float64Array;
  dTgt: number;
  test: number[];
  classes: { label: string; text: string }[];
  tokens: { id: number; text: string }[][];
  maps: Partial<Record<CrossModalMethod, FittedMap>>;
  targetMean: Float64Array;
}

export function heldOutTable(t: TableInput): HeldOutClass[] {
  const unit = unitCandidates(t.targets, t.dTgt, t.targetMean);
  return t.test.map((c) => {
    const rows: number[] = [];
    t.classOf.forEach((k, i) => k === c && rows.push(i));
    const results: HeldOutClass['results'] = {};
    for (const [method, map] of Object.entries(t.maps) as [CrossModalMethod, FittedMap][]) {
      let hitsAt1 = 0;
      let heldOutHitsAt1 = 0;
      const mean = new Float64Array(t.dTgt);
      for (const r of rows) {
        const p = predictRow(map, t.x, r);
        const cos = cosines(p, unit, t.dTgt);
        let best = 0;
        for (let k = 1; k < cos.length; k++) if (cos[k] > cos[best]) best = k;
        if (best === c) hitsAt1++;
        if (t.test.every((k) => k === c || cos[k] < cos[c])) heldOutHitsAt1++;
        for (let j = 0; j < t.dTgt; j++) mean[j] += p[j] / rows.length;
      }
      const cos = cosines(mean, unit, t.dTgt);
      const top5 = Array.from(cos.keys()).sort((a, b) => cos[b] - cos[a] || a - b).slice(0, 5)
        .map((k) => ({ label: t.classes[k].label, text: t.classes[k].text, cosine: cos[k] }));
      results[method] = { hitsAt1, heldOutHitsAt1, top5 };
    }
    return { label: t.classes[c].label, text: t.classes[c].text, tokens: t.tokens[c], samples: rows.length, results };
  });
}
