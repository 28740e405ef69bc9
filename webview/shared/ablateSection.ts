// The "Ablate heads" section a panel with heads offers (attention panel): the heads as L.H pairs
// (the open head added with a button), zero or mean, and the next-token distribution and loss before
// vs after; the host highlights the tokens whose loss moved most in the editor. Native controls only,
// so every part is reachable by Tab.
import { el } from './dom';
import type { AblationRequest, AblationSummary } from '../../src/protocol/ablationPanel';

const visible = (t: string) => JSON.stringify(t).slice(1, -1);

export function ablateSection(ablate: (req: AblationRequest) => Promise<AblationSummary>, currentHead: () => { layer: number; head: number } | undefined): HTMLElement {
  const heads = el('input', { id: 'ablate-heads', type: 'text', placeholder: 'e.g. 1.0, 2.3', 'aria-label': 'heads to ablate, layer.head' }) as HTMLInputElement;
  const mode = el('select', { id: 'ablate-mode', 'aria-label': 'ablation mode' }, [el('option', { value: 'zero' }, ['zero']), el('option', { value: 'mean' }, ['mean over positions'])]) as HTMLSelectElement;
  const add = el('vscode-button', { id: 'ablate-add', secondary: true }, ['Add open head']);
  const go = el('vscode-button', { id: 'ablate-run' }, ['Ablate']);
  const out = el('div', { id: 'ablate-result', role: 'status' });
  add.addEventListener('click', () => {
    const h = currentHead();
    if (!h) return;
    const list = heads.value.split(',').map((s) => s.trim()).filter(Boolean);
    if (!list.includes(`${h.layer}.${h.head}`)) list.push(`${h.layer}.${h.head}`);
    heads.value = list.join(', ');
  });
  go.addEventListener('click', async () => {
    const parsed = heads.value.split(',').map((s) => s.trim()).filter(Boolean).map((s) => /^(\d+)\.(\d+)$/.exec(s));
    if (!parsed.length || parsed.some((m) => !m)) {
      out.replaceChildren(el('p', { className: 'error-line' }, ['Type heads as layer.head, separated by commas (e.g. 1.0, 2.3), or add the open head.']));
      return;
    }
    out.replaceChildren(el('p', { className: 'muted' }, ['Ablating…']));
    try {
      const r = await ablate({ heads: parsed.map((m) => ({ layer: Number(m![1]), head: Number(m![2]) })), mode: mode.value === 'mean' ? 'mean' : 'zero' });
      render(out, r);
    } catch (error) {
      out.replaceChildren(el('p', { className: 'error-line' }, [(error as Error).message]));
    }
  });
  return el('section', { id: 'ablate-section', 'aria-label': 'Ablate heads' }, [
    el('h2', {}, ['Ablate heads ', el('span', { className: 'muted' }, ['(their z set to zero or to its mean; the tokens whose loss moved most are highlighted in the editor)'])]),
    el('div', { className: 'row' }, [heads, add, mode, go]),
    out,
  ]);
}

function render(out: HTMLElement, r: AblationSummary): void {
  const rows = Array.from({ length: Math.max(r.next.length, r.cleanNext.length) }, (_, i) => el('tr', {}, [
    el('td', {}, [r.cleanNext[i] ? `${visible(r.cleanNext[i].text)}` : '']), el('td', { className: 'num' }, [r.cleanNext[i] ? r.cleanNext[i].prob.toFixed(4) : '']),
    el('td', {}, [r.next[i] ? `${visible(r.next[i].text)}` : '']), el('td', { className: 'num' }, [r.next[i] ? r.next[i].prob.toFixed(4) : '']),
  ]));
  out.replaceChildren(
    el('p', { id: 'ablate-loss' }, [`heads ${r.heads.map((h) => `${h.layer}.${h.head}`).join(', ')} (${r.mode}): mean next-token loss ${r.lossClean.toFixed(4)} → ${r.lossAblated.toFixed(4)} nats (${r.lossAblated - r.lossClean >= 0 ? '+' : ''}${(r.lossAblated - r.lossClean).toFixed(4)})`]),
    el('table', { id: 'ablate-next' }, [
      el('caption', {}, ['next token after the text, before vs after']),
      el('thead', {}, [el('tr', {}, ['before', 'p', 'after', 'p'].map((h) => el('th', { scope: 'col' }, [h])))]),
      el('tbody', {}, rows),
    ]),
    el('p', { className: 'muted' }, ['Loss moved most at: ', r.moved.map((m) => `${visible(m.text)} (${m.before.toFixed(2)} → ${m.after.toFixed(2)})`).join(' · ')]),
  );
}
