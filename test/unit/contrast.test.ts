// The contrast maths the logit-lens cells use to keep their text readable, against WCAG's own figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contrastRatio, maxTintKeepingContrast, mixRgb, relativeLuminance, standingOut } from '../../src/util/contrast';

test('WCAG contrast: black on white is 21, a colour on itself 1, #777 on white 4.48', () => {
  assert.equal(relativeLuminance([0, 0, 0]), 0);
  assert.equal(relativeLuminance([255, 255, 255]), 1);
  assert.ok(Math.abs(contrastRatio([0, 0, 0], [255, 255, 255]) - 21) < 1e-9);
  assert.ok(Math.abs(contrastRatio([30, 30, 30], [30, 30, 30]) - 1) < 1e-9);
  // #777777 on white: the classic just-fails-AA grey, 4.48:1 (WebAIM's checker)
  assert.ok(Math.abs(contrastRatio([0x77, 0x77, 0x77], [255, 255, 255]) - 4.48) < 0.005);
  assert.equal(contrastRatio([255, 255, 255], [0x77, 0x77, 0x77]), contrastRatio([0x77, 0x77, 0x77], [255, 255, 255]), 'order does not matter');
});

test('mixRgb moves a fraction of the way, like color-mix(in srgb)', () => {
  assert.deepEqual(mixRgb([0, 0, 0], [255, 255, 255], 0.5), [128, 128, 128]);
  assert.deepEqual(mixRgb([10, 20, 30], [110, 220, 130], 0), [10, 20, 30]);
  assert.deepEqual(mixRgb([10, 20, 30], [110, 220, 130], 1), [110, 220, 130]);
});

test('maxTintKeepingContrast: the strongest tint that keeps text at 4.5:1, and no more', () => {
  const fg: [number, number, number] = [204, 204, 204]; // Dark Modern's foreground
  const bg: [number, number, number] = [31, 31, 31]; // its editor background
  const blue: [number, number, number] = [55, 148, 255]; // charts.blue
  const t = maxTintKeepingContrast(fg, bg, blue, 4.5, 0.65);
  assert.ok(t > 0.2 && t < 0.65, `t = ${t}`);
  assert.ok(contrastRatio(fg, mixRgb(bg, blue, t)) >= 4.5);
  assert.ok(contrastRatio(fg, mixRgb(bg, blue, t + 0.02)) < 4.5, 'a little more tint would fail');
  assert.equal(maxTintKeepingContrast([0, 0, 0], [255, 255, 255], [200, 200, 255], 4.5, 0.3), 0.3, 'a light tint under black text: the cap');
  assert.equal(maxTintKeepingContrast([120, 120, 120], [128, 128, 128], blue, 4.5), 0, 'unreadable to begin with: no tint');
});

test('standingOut: a chart colour kept where it stands 3:1 off the panel, nudged towards the text where it does not', () => {
  const white: [number, number, number] = [255, 255, 255];
  const lightText: [number, number, number] = [59, 59, 59]; // Light Modern's foreground
  const orange: [number, number, number] = [209, 134, 22]; // charts.orange, 2.9:1 on white
  assert.ok(contrastRatio(orange, white) < 3);
  const nudged = standingOut(orange, white, lightText, 3);
  assert.ok(contrastRatio(nudged, white) >= 3, `${nudged}`);
  assert.ok(contrastRatio(nudged, white) < 3.3, `no further than needed: ${contrastRatio(nudged, white)}`);
  assert.ok(nudged[0] > nudged[2], 'still orange, not grey');
  const blue: [number, number, number] = [55, 148, 255]; // charts.blue on Dark Modern's #1f1f1f: 5.4:1
  assert.deepEqual(standingOut(blue, [31, 31, 31], [204, 204, 204], 3), blue, 'a legible colour is kept as it is');
  assert.deepEqual(standingOut([250, 250, 250], white, [255, 255, 255], 3), [255, 255, 255], 'no mix passes: the text colour');
});
