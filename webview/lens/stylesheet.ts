// The internals panels' styles live in media/internals.css. The panel host links only
// media/panel.css, so this adds a <link> to the sibling file, resolved from this script's own
// webview URI (same origin, allowed by the CSP's style-src). Harmless if the host links it too.

export function linkInternalsCss(): void {
  const src = (document.currentScript as HTMLScriptElement | null)?.src;
  if (!src || document.querySelector('link[data-internals-css]')) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = new URL('../../media/internals.css', src).href;
  link.dataset.internalsCss = '';
  document.head.append(link);
}
