import { performance } from 'node:perf_hooks';
import { InputError } from '../../errors';
import { tokenText, type LoadedLm } from '../../languageModels';
import type { KvCache } from '../../runners/decoderLm';
import { requireDecoder } from '../../models/kindGuard';
import { checkpoint } from '../../cancellation';
import { filterDistribution, logSumExp, sampleIndex, seededRandom, topKIndices } from '../../../util/distribution';
import type { CancelSignal } from '../../../protocol/rpc';
import type { Continuation, GenerateParams, GenerateResult, SamplingDistribution } from '../../../protocol/engine';

/** Greedy or seeded sampled continuations of a kept run's tokens, reusing the prompt's KV cache for every one. */
export async function generate(model: LoadedLm, promptIds: number[], p: GenerateParams, signal?: CancelSignal): Promise<GenerateResult> {
  const t0 = performance.now();
  const lm = requireDecoder(model, 'Generation', 'a continuation is drawn one next token at a time');
  const room = lm.contextLength - promptIds.length;
  const maxNew = Math.max(0, Math.min(p.maxNewTokens, room));
  if (maxNew === 0) throw new InputError(`The selection already fills the model's context of ${lm.contextLength} tokens.`);
  const prompt = await lm.forwardCached(promptIds);
  const lastPrompt = prompt.logits.slice((promptIds.length - 1) * prompt.vocab);
  const count = p.mode === 'greedy' ? 1 : Math.max(1, Math.min(p.count, 16));
  const sampling: SamplingDistribution = p.mode === 'greedy' ? { mode: 'greedy' } : { mode: 'sample', temperature: p.temperature, topK: p.topK, topP: p.topP };
  const continuations: Continuation[] = [];
  for (let c = 0; c < count; c++) {
    const random = seededRandom(p.seed + c);
    let row: Float32Array = lastPrompt;
    let past: KvCache = prompt.present;
    let pastLength = promptIds.length;
    const chosen: Continuation['tokens'] = [];
    let log2Prob = 0;
    let sampleLog2Prob = 0;
    for (let step = 0; step < maxNew; step++) {
      await checkpoint(signal); // each step filters the whole vocabulary
      const token = pickToken(row, sampling, random);
      log2Prob += token.logProb / Math.LN2;
      sampleLog2Prob += Math.log2(token.sampleProb);
      chosen.push({ ...token, text: tokenText(model, token.id) });
      if (step + 1 === maxNew || model.tokenizer.isSpecial(token.id)) break;
      const next = await lm.forwardCached([token.id], past, pastLength);
      past = next.present;
      pastLength += 1;
      row = next.logits;
    }
    continuations.push({ text: model.tokenizer.decode(chosen.map((t) => t.id)), tokens: chosen, log2Prob, sampleLog2Prob });
  }
  return { continuations, sampling, ms: performance.now() - t0 };
}

/**
 * One generation step. The token's log p is always read from the model's own distribution
 * (log-softmax of the raw logits): under greedy's top-1 filter every token would have p = 1, and
 * a sampled token's filtered p says how the sampler saw it, not how likely the model finds it.
 */
function pickToken(row: Float32Array, sampling: SamplingDistribution, random: () => number): { id: number; prob: number; logProb: number; sampleProb: number } {
  let id: number;
  let sampleProb = 1;
  if (sampling.mode === 'greedy') {
    id = topKIndices(row, 1)[0];
  } else {
    const dist = filterDistribution(row, sampling);
    id = sampleIndex(dist.probs, random());
    sampleProb = dist.probs[id];
  }
  const logProb = row[id] - logSumExp(row);
  return { id, prob: Math.exp(logProb), logProb, sampleProb };
}
