// The held-out classes at the tabled layer: each method's hits and the five tokens nearest the
// mean of the class's predictions, its own token marked with ✓ (and in bold), never by colour alone.
// Texts come from the user's pairs: they go in as text only (dom.ts el()).
import { el } from '../shared/dom';
import type { CrossModalResult } from '../../src/protocol/crossModal';

export function renderHeldOutTable(r: CrossModalResult): HTMLElement {
  const methodName = { ridge: 'ridge', procrustes: 'Procrustes' } as const;
  const head = el('tr', {}, [
    el('th', {}, ['class']),
    el('th', {}, ['token(s)']),
    el('th', { className: 'num' }, ['samples']),
    ...r.methods.flatMap((m) => [el('th', { className: 'num', title: 'samples whose own token is the nearest of all tokens / of the held-out tokens' }, [`${methodName[m]} hits@1 all / held-out`]), el('th', {}, [`${methodName[m]}: 5 nearest tokens`])]),
  ]);
  const rows = r.heldOut.map((h) =>
    el('tr', { 'data-class': h.label }, [
      el('td', { className: 'token' }, [JSON.stringify(h.text)]),
      el('td', { className: 'token' }, [h.tokens.map((t) => `${JSON.stringify(t.text)} #${t.id}`).join(' + ')]),
      el('td', { className: 'rank' }, [String(h.samples)]),
      ...r.methods.flatMap((m) => {
        const x = h.results[m];
        if (!x) return [el('td'), el('td')];
        const top = x.top5.flatMap((t, i) => {
          const own = t.text === h.text;
          const chip = own ? el('strong', { title: 'its own token' }, [`✓ ${t.label}`]) : el('span', {}, [t.label]);
          return i === 0 ? [chip] : [' · ', chip];
        });
        return [el('td', { className: 'rank' }, [`${x.hitsAt1} / ${x.heldOutHitsAt1}`]), el('td', { className: 'token', title: x.top5.map((t) => `${t.label}: cosine ${t.cosine.toFixed(3)}`).join('\n') }, top)];
      }),
    ]),
  );
  return el('table', { id: 'held-out' }, [el('thead', {}, [head]), el('tbody', {}, rows)]);
}
