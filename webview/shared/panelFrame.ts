// What every panel shares: title, loading ring, error box with Retry, notice line, and the
// body[data-state] the tests and users' eyes rely on (loading | drawn | error).
import { el } from './dom';
import type { PanelError } from '../../src/protocol/panel';

export type PanelState = 'loading' | 'drawn' | 'error';

/** The elements above a panel's own content. `retry` runs when the user asks to try again. */
export function panelChrome(title: string, retry: () => void): HTMLElement[] {
  const retryButton = el('vscode-button', { id: 'retry' }, ['Retry']);
  retryButton.addEventListener('click', retry);
  return [
    el('header', {}, [el('h1', { id: 'title' }, [title]), el('p', { id: 'subtitle', className: 'muted' })]),
    el('div', { id: 'loading', role: 'status' }, [el('vscode-progress-ring'), el('span', { id: 'loading-text' })]),
    el('div', { id: 'error', role: 'alert', hidden: true }, [el('p', { id: 'error-text' }), retryButton]),
    el('div', { id: 'notice', className: 'notice', hidden: true }),
  ];
}

/** Shows one state; `content` is the panel's own container, visible only when drawn. */
export function setPanelState(state: PanelState, content: HTMLElement): void {
  document.body.dataset.state = state;
  document.getElementById('loading')!.hidden = state !== 'loading';
  document.getElementById('error')!.hidden = state !== 'error';
  content.hidden = state !== 'drawn';
}

/**
 * The subtitle and notices describe one result (its model, file, truncation): once that result is
 * gone, a failed or new run must not show them under its own state.
 */
function clearResultHeader(): void {
  setSubtitle('');
  setNotices([]);
}

export function showLoading(message: string, content: HTMLElement): void {
  setPanelState('loading', content);
  clearResultHeader();
  document.getElementById('loading-text')!.textContent = message;
}

/** The host's message already says what to do next (e.g. that the engine restarts). */
export function showError(error: PanelError, content: HTMLElement): void {
  setPanelState('error', content);
  clearResultHeader();
  // a panel VS Code restored after a reload has not failed: say what to do, without the alarm
  const restored = error.code === 'Restored';
  const box = document.getElementById('error')!;
  box.classList.toggle('info', restored);
  box.setAttribute('role', restored ? 'status' : 'alert');
  document.getElementById('error-text')!.textContent = restored ? error.message : `${error.code}: ${error.message}`;
}

export function setSubtitle(text: string): void {
  document.getElementById('subtitle')!.textContent = text;
}

/** The notice line: truncation, provider fallbacks, what could not be shown. Empty hides it. */
export function setNotices(notes: string[]): void {
  const notice = document.getElementById('notice')!;
  notice.hidden = notes.length === 0;
  notice.textContent = notes.join(' ');
}

/** The loading and error calls every panel serves, bound to its content container. */
export function frameHandlers(content: () => HTMLElement): { loading: (p: { message: string }) => null; error: (e: PanelError) => null } {
  return {
    loading: ({ message }) => {
      showLoading(message, content());
      return null;
    },
    error: (e) => {
      showError(e, content());
      return null;
    },
  };
}
