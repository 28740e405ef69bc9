// Baselines panel: mean bits/token of the model, the n-gram and the bag-of-tokens model on the
// selection, how often the model's top guess is the n-gram's, on how many tokens the model beats
// the n-gram by a bit or more, which decorations the editor shows (radio buttons: model, n-gram,
// model − n-gram), and the spans found verbatim in the corpus ("likely memorised"), each a button
// that opens its file at its line. Native controls only: Tab and arrows reach everything; colours
// are the theme's.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { connectToHost } from '../shared/rpcClient';
import { el } from '../shared/dom';
import { frameHandlers, panelChrome, setNotices, setPanelState, setSubtitle } from '../shared/panelFrame';
import { visibleToken } from '../../src/util/format';
import type { BaselineMode, BaselinesHostApi, BaselinesPanelApi, BaselinesView } from '../../src/protocol/baselinesPanel';

const MODE_LABELS: [BaselineMode, string][] = [['model', 'model'], ['ngram', 'n-gram'], ['difference', 'model − n-gram']];

const content = el('div', { id: 'content', hidden: true });
document.getElementById('app')!.replaceChildren(...panelChrome('Compare with baselines', () => void host.call('retry', {})), content);

const host = connectToHost<BaselinesPanelApi, BaselinesHostApi>({
  ...frameHandlers(() => content),
  show: (v) => {
    render(v);
    return null;
  },
});

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

function render(v: BaselinesView): void {
  const r = v.result;
  const s = r.summary;
  setSubtitle(`${r.model.name} · ${v.source.fileName}:${v.source.line} · ${r.tokens.length.toLocaleString('en-US')} tokens · corpus ${v.corpusLabel}: ${r.corpus.files.toLocaleString('en-US')} files, ${r.corpus.tokens.toLocaleString('en-US')} tokens${r.corpus.fromCache ? ' (index from cache)' : ''}`);
  const notes: string[] = [];
  if (r.truncated) notes.push(`Only the first ${r.tokens.length + 1} tokens were scored (tensorloupe.maxTokens).`);
  if (r.corpus.skipped) notes.push(`${r.corpus.skipped} corpus files were skipped (binary, unreadable or over 4 MiB).`);
  setNotices(notes);
  const row = (label: string, value: string, id: string) => el('tr', {}, [el('th', { scope: 'row' }, [label]), el('td', { className: 'num', id }, [value])]);
  const summary = el('table', { id: 'summary', className: 'info-table' }, [
    el('caption', {}, ['On the selection']),
    el('tbody', {}, [
      row('model, bits/token', s.modelBits.toFixed(3), 'model-bits'),
      row(`${r.order}-gram Kneser–Ney, bits/token`, s.ngramBits.toFixed(3), 'ngram-bits'),
      row('bag of tokens, bits/token', s.bagBits.toFixed(3), 'bag-bits'),
      row('top-1 agreement, model and n-gram', pct(s.top1Agreement), 'top1-agreement'),
      row('tokens where the model beats the n-gram by ≥ 1 bit', pct(s.modelBeatsNgram), 'model-beats'),
    ]),
  ]);
  const modes = el('fieldset', { id: 'modes', className: 'row' }, [
    el('legend', {}, ['Editor decorations']),
    ...MODE_LABELS.map(([mode, label]) => {
      const input = el('input', { type: 'radio', name: 'mode', value: mode, id: `mode-${mode}`, checked: mode === v.mode }) as HTMLInputElement;
      input.addEventListener('change', () => { if (input.checked) void host.call('mode', { mode }); });
      return el('label', { htmlFor: `mode-${mode}` }, [input, ` ${label} `]);
    }),
  ]);
  const legend = el('p', { className: 'muted', id: 'mode-legend' }, [
    v.mode === 'difference'
      ? 'Green (solid underline in high contrast): the model is at least 1 bit less surprised than the n-gram. Red (dashed): the n-gram is at least 1 bit better.'
      : `Each token shaded by its surprisal under the ${v.mode === 'model' ? 'model' : 'n-gram'}; hover a token for its bits.`,
  ]);
  const matchList = r.matches.length
    ? el('ol', { id: 'matches' }, r.matches.map((m, i) => {
      const text = r.tokens.slice(m.first, m.last + 1).map((t) => t.text).join('');
      const button = el('button', { className: 'link-button', type: 'button', title: `Open ${m.file} at line ${m.line}` }, [`${m.file.split(/[\\/]/).slice(-2).join('/')}:${m.line}`]);
      button.addEventListener('click', () => void host.call('openMatch', { index: i }));
      return el('li', {}, [button, ` — ${m.length} tokens verbatim: `, el('code', {}, [visibleToken(text.length > 120 ? `${text.slice(0, 120)}…` : text)])]);
    }))
    : el('p', { id: 'matches', className: 'muted' }, ['No span of 16 tokens or more occurs verbatim in the corpus.']);
  content.replaceChildren(
    summary,
    modes,
    legend,
    el('section', { 'aria-label': 'Likely memorised' }, [el('h2', {}, ['Likely memorised ', el('span', { className: 'muted' }, ['(spans of ≥ 16 tokens found verbatim in the corpus)'])]), matchList]),
  );
  setPanelState('drawn', content);
}
