// The attention panel's hover read-out: a small box that floats next to the pointer (or the focused
// token), kept inside the viewport. It used to be a line under the heatmap, which a 600-px map
// pushed below the fold exactly while the user was hovering the map.

/** Gap between the pointer and the box, px. */
const GAP = 14;
/** Margin kept from the viewport's edges, px. */
const EDGE = 4;

export class Readout {
  /** the token the box stands beside, if it is not at the pointer */
  private anchor: HTMLElement | undefined;

  constructor(private readonly box: HTMLElement) {
    // what it points at moves on a scroll (the page's or the lines box's), without a mouseleave:
    // a box beside a token follows it; one at the pointer goes until the pointer moves again
    window.addEventListener('scroll', () => {
      if (this.box.hidden) return;
      if (this.anchor) this.place(this.anchor);
      else this.hide();
    }, { capture: true, passive: true });
  }

  /** Shows `text` next to the point (x, y) in viewport coordinates: below-right, flipped when it would not fit. */
  showAt(text: string, x: number, y: number): void {
    this.anchor = undefined;
    this.show(text, x, y);
  }

  /** Shows `text` beside an element (a token of the lines view), e.g. when it is hovered or focused. */
  showBeside(text: string, anchor: HTMLElement): void {
    this.anchor = anchor;
    this.box.textContent = text;
    this.place(anchor);
  }

  hide(): void {
    this.anchor = undefined;
    this.box.hidden = true;
  }

  private place(anchor: HTMLElement): void {
    const r = anchor.getBoundingClientRect();
    this.show(this.box.textContent ?? '', r.right, r.top + r.height / 2);
  }

  private show(text: string, x: number, y: number): void {
    this.box.textContent = text;
    this.box.hidden = false;
    const w = this.box.offsetWidth;
    const h = this.box.offsetHeight;
    let left = x + GAP;
    if (left + w > window.innerWidth - EDGE) left = x - GAP - w;
    let top = y + GAP;
    if (top + h > window.innerHeight - EDGE) top = y - GAP - h;
    this.box.style.left = `${Math.max(EDGE, Math.min(left, window.innerWidth - EDGE - w))}px`;
    this.box.style.top = `${Math.max(EDGE, Math.min(top, window.innerHeight - EDGE - h))}px`;
  }
}
