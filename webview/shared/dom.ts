// DOM building for panels. Text always goes in as text nodes (never innerHTML), so token text
// such as `<img src=x onerror=...>` renders literally.

type Child = Node | string;

/** Creates an element; `props` are set as properties when the element has them, else as attributes. */
export function el(tag: string, props: Record<string, string | number | boolean> = {}, children: Child[] = []): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k in e && k !== 'secondary') (e as unknown as Record<string, unknown>)[k] = v;
    else if (v === true) e.setAttribute(k, '');
    else if (v !== false) e.setAttribute(k, String(v));
  }
  for (const c of children) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}
