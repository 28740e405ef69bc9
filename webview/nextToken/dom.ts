// DOM helpers for the next-token panel. Token text is only ever set with textContent.
import { panelToken } from '../shared/tokenGlyphs';
import { el } from '../shared/dom';
import { bucketOf } from '../../src/util/surprisalBuckets';
import type { Candidate, GenerateResult, NextTokenResult, SamplingDistribution } from '../../src/protocol/engine';

export interface Row extends Candidate {
  highlighted: boolean;
}

export function renderTable(tbody: HTMLElement, rows: Row[]): void {
  tbody.replaceChildren(
    ...rows.map((r) => {
      const tr = el('tr', { className: r.highlighted ? 'topk-row actual' : 'topk-row' }, [
        el('td', { className: 'rank' }, [String(r.rank)]),
        el('td', { className: 'token', title: JSON.stringify(r.text) }, [panelToken(r.text)]),
        el('td', { className: 'prob' }, [r.prob.toFixed(4)]),
        el('td', { className: 'logit' }, [r.logit.toFixed(3)]),
        el('td', { className: 'id muted' }, [String(r.id)]),
      ]);
      tr.dataset.tokenId = String(r.id);
      return tr;
    }),
  );
}

/**
 * One chip per token, shaded by how surprising it was (bits from the previous position).
 * Keyboard: the list is focusable; ← → move the selection, Home/End jump.
 */
export function renderChips(box: HTMLElement, r: NextTokenResult, select: (i: number) => void): void {
  box.replaceChildren(
    ...r.tokens.map((t, i) => {
      const bits = i > 0 ? r.stats.nextBits[i - 1] : undefined;
      const chip = el('span', { className: t.special ? 'chip special' : 'chip', role: 'option', title: chipTitle(t.text, t.id, bits) }, [panelToken(t.text)]);
      chip.dataset.index = String(i);
      chip.dataset.tokenId = String(t.id);
      if (bits !== undefined) chip.dataset.bucket = String(bucketOf(bits));
      chip.addEventListener('click', () => select(i));
      return chip;
    }),
  );
  box.onkeydown = (e: KeyboardEvent) => {
    const current = Number(document.body.dataset.position ?? r.tokens.length - 1);
    const next = e.key === 'ArrowLeft' ? current - 1 : e.key === 'ArrowRight' ? current + 1 : e.key === 'Home' ? 0 : e.key === 'End' ? r.tokens.length - 1 : NaN;
    if (Number.isNaN(next)) return;
    e.preventDefault();
    const i = Math.max(0, Math.min(r.tokens.length - 1, next));
    select(i);
    box.querySelector<HTMLElement>(`[data-index="${i}"]`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  };
}

function chipTitle(text: string, id: number, bits: number | undefined): string {
  return `${JSON.stringify(text)} · id ${id}${bits !== undefined ? ` · ${bits.toFixed(2)} bits` : ''}`;
}

/** What a continuation's log-probabilities are under, in words the controls use. */
export function samplingLabel(sampling: SamplingDistribution): string {
  if (sampling.mode === 'greedy') return 'greedy: the most probable token each step';
  const parts = [`T = ${sampling.temperature.toFixed(2)}`, sampling.topK > 0 ? `top ${sampling.topK}` : 'all tokens', sampling.topP < 1 ? `top-p ${sampling.topP.toFixed(2)}` : 'no top-p'];
  return `sampled with ${parts.join(', ')}`;
}

/**
 * Each continuation with its log₂ p under the model's own distribution; sampled ones also under
 * the distribution they were drawn from (greedy's is one token with p = 1, so it is not shown).
 */
export function renderContinuations(list: HTMLElement, result: GenerateResult): void {
  const sampled = result.sampling.mode === 'sample';
  list.replaceChildren(
    ...result.continuations.map((c) => {
      const li = el('li', { className: 'continuation' });
      for (const t of c.tokens) {
        const title = `p = ${t.prob.toFixed(4)} under the model` + (sampled ? ` · ${t.sampleProb.toFixed(4)} under the sampling distribution` : '');
        li.append(el('span', { className: 'gen-token', title }, [t.text]));
      }
      const score = `log₂ p = ${c.log2Prob.toFixed(2)} under the model` + (sampled ? ` · ${c.sampleLog2Prob.toFixed(2)} under the sampling distribution` : '');
      li.append(el('span', { className: 'muted log-prob' }, [`  (${score})`]));
      return li;
    }),
  );
  list.dataset.sampling = samplingLabel(result.sampling);
}
