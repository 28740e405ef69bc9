/** Small facts about a model besides its graph: declared inputs, and hints from config.json. */
import { MAX_CONFIG_BYTES, readBoundedText } from '../../util/readBounded';
import { dirname, join } from 'node:path';
import type { GraphIndex } from './graphIndex.js';
import { toNumber } from './graphIndex.js';
import type { GraphInputInfo } from './types.js';

export function graphInputsOf(g: GraphIndex): GraphInputInfo[] {
  return (g.graph.input ?? []).filter((v) => g.graphInputs.has(v.name ?? '')).map((v) => ({
    name: v.name ?? '',
    elemType: v.type?.tensorType?.elemType ?? 0,
    dims: (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue !== null && d.dimValue !== undefined ? toNumber(d.dimValue) : '?')),
  }));
}

export interface ConfigHints {
  nHeads?: number;
  dModel?: number;
}

/** config.json beside the .onnx or one folder up (the Hugging Face layout keeps it above onnx/) */
export async function readConfigHints(modelPath: string): Promise<ConfigHints> {
  for (const dir of [dirname(modelPath), dirname(dirname(modelPath))]) {
    let text: string | undefined;
    try {
      text = readBoundedText(join(dir, 'config.json'), MAX_CONFIG_BYTES, (m) => new Error(m)); // hints only: a bad file gives none
    } catch {
      text = undefined;
    }
    if (!text) continue;
    try {
      const c = JSON.parse(text) as Record<string, unknown>;
      const num = (...keys: string[]): number | undefined => keys.map((k) => c[k]).find((v): v is number => typeof v === 'number');
      return { nHeads: num('num_attention_heads', 'n_head', 'num_heads'), dModel: num('hidden_size', 'n_embd', 'd_model') };
    } catch {
      return {};
    }
  }
  return {};
}
