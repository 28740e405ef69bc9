// The probes panel as the e2e tests drive it: Train Probe… on a builtin task over the workspace's
// TS/JS files opens it on the dataset preview; Train moves it to the trained phase.
import type { FrameLocator } from 'playwright-core';
import { panelFrame } from './panelFrame';
import type { Session } from './session';

const long = 240_000;

/** Waits for body[data-phase=phase] (or an error, which it throws with the panel's message). */
export async function waitProbesPhase(frame: FrameLocator, phase: 'preview' | 'trained'): Promise<void> {
  await frame.locator(`body[data-phase="${phase}"], body[data-state="error"]`).waitFor({ state: 'attached', timeout: long });
  if ((await frame.locator('body').getAttribute('data-state')) === 'error') throw new Error(`probes panel shows an error: ${await frame.locator('#error-text').textContent()}`);
}

/** tokenize.ts open, Train Probe… → `task`: the panel's frame once it shows the dataset's preview. */
export async function openProbePreview(session: Session, task = 'builtin:category'): Promise<FrameLocator> {
  await session.workbench.openFile('tokenize.ts');
  await session.workbench.runPaletteCommandAndPick('Tensorloupe: Train Probe…', task);
  const frame = panelFrame(session.page);
  await waitProbesPhase(frame, 'preview');
  return frame;
}
