// Per-head statistics as a sortable table: click (or Enter on) a column header to sort by it,
// click a row to open that head.
import { el } from '../shared/dom';
import type { HeadStats } from '../../src/protocol/internals';

type Key = 'layer' | 'head' | 'entropyBits' | 'prevToken' | 'firstToken' | 'induction';

const COLUMNS: { key: Key; label: string; title: string }[] = [
  { key: 'layer', label: 'layer', title: 'Layer' },
  { key: 'head', label: 'head', title: 'Head' },
  { key: 'entropyBits', label: 'entropy (bits)', title: 'Mean entropy of each query row' },
  { key: 'prevToken', label: 'previous token', title: 'Mean attention to the token just before' },
  { key: 'firstToken', label: 'first token (sink)', title: 'Mean attention to position 0' },
  { key: 'induction', label: 'induction', title: 'Mean attention from a repeated token to the token after its previous occurrence (— when the text repeats no token)' },
];

export class StatsTable {
  private sortKey: Key = 'layer';
  private descending = false;
  private stats: HeadStats[] = [];

  constructor(
    private readonly table: HTMLTableElement,
    private readonly open: (layer: number, head: number) => void,
  ) {}

  render(stats: HeadStats[]): void {
    this.stats = stats;
    this.draw();
  }

  private draw(): void {
    const value = (s: HeadStats) => s[this.sortKey] ?? -1;
    const rows = [...this.stats].sort((a, b) => (value(a) - value(b)) * (this.descending ? -1 : 1) || a.layer - b.layer || a.head - b.head);
    const head = el(
      'tr',
      {},
      COLUMNS.map((c) => {
        // every column holds numbers: headers right-aligned over them, like the cells
        const th = el('th', { scope: 'col', className: 'num', tabIndex: 0, title: c.title, 'aria-sort': c.key === this.sortKey ? (this.descending ? 'descending' : 'ascending') : 'none' }, [
          c.label + (c.key === this.sortKey ? (this.descending ? '\u00a0▼' : '\u00a0▲') : ''), // the arrow stays with its label
        ]);
        const sort = () => {
          this.descending = this.sortKey === c.key ? !this.descending : c.key !== 'layer' && c.key !== 'head';
          this.sortKey = c.key;
          this.draw();
        };
        th.addEventListener('click', sort);
        th.addEventListener('keydown', (e: KeyboardEvent) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            sort();
          }
        });
        return th;
      }),
    );
    const body = rows.map((s) => {
      const tr = el('tr', { className: 'stat-row', tabIndex: 0 }, [
        el('td', { className: 'num' }, [String(s.layer)]),
        el('td', { className: 'num' }, [String(s.head)]),
        el('td', { className: 'num' }, [s.entropyBits.toFixed(2)]),
        el('td', { className: 'num' }, [s.prevToken.toFixed(3)]),
        el('td', { className: 'num' }, [s.firstToken.toFixed(3)]),
        el('td', { className: 'num' }, [s.induction === null ? '—' : s.induction.toFixed(3)]),
      ]);
      tr.dataset.layer = String(s.layer);
      tr.dataset.head = String(s.head);
      tr.addEventListener('click', () => this.open(s.layer, s.head));
      tr.addEventListener('keydown', (e: KeyboardEvent) => {
        if (e.key === 'Enter') this.open(s.layer, s.head);
      });
      return tr;
    });
    this.table.replaceChildren(el('thead', {}, [head]), el('tbody', {}, body));
  }
}
