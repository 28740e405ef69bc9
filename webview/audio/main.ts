// Inspect Audio panel: the clip's waveform, spectrogram, player and strip of top classes per
// window; the predictions of the selected window; its encoder self-attention (model view, head
// view, rollout over time), asked from the engine one window at a time.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { connectToHost } from '../shared/rpcClient';
import { el } from '../shared/dom';
import { frameHandlers, panelChrome, setNotices, setPanelState, setSubtitle } from '../shared/panelFrame';
import { onThemeChange } from '../shared/theme';
import { Timeline, resetLuts } from './timeline';
import { AttentionView } from './attentionView';
import type { AudioHostApi, AudioPanelApi } from '../../src/protocol/audioPanel';
import type { AudioInspectResult, ClassScore } from '../../src/protocol/audio';

const predictions = el('table', { id: 'predictions', className: 'info-table' });
const predictionsTitle = el('h2', { id: 'predictions-title' }, ['Predictions']);
const attention = new AttentionView(() => void loadWindow(current));
const timeline = new Timeline((i) => void loadWindow(i));
timeline.rowAt = (s) => attention.rowAt(s);
const content = el('div', { id: 'content', hidden: true }, [timeline.root, predictionsTitle, predictions, attention.root]);
document.getElementById('app')!.replaceChildren(...panelChrome('Audio', () => void host.call('retry', {})), content);

let result: AudioInspectResult | undefined;
let current = 0;
let asked = 0;

const host = connectToHost<AudioPanelApi, AudioHostApi>({
  ...frameHandlers(() => content),
  show: ({ result: r }) => {
    result = r;
    const i = r.input;
    setSubtitle(`${i.file} · ${i.format}, ${i.sampleRate} Hz, ${i.channels} ch, ${i.duration.toFixed(2)} s · ${r.model} (${i.modelSampleRate} Hz, ${i.windowSeconds} s windows)`);
    setNotices([
      ...(r.input.duration > r.playback.length / r.playbackRate + 0.01 ? [`The player and spectrogram cover the first ${(r.playback.length / r.playbackRate / 60).toFixed(0)} minutes.`] : []),
      ...(r.layers === 0 ? [`No encoder self-attention was found: ${r.unavailable.map((u) => u.reason).join('; ')}`] : []),
    ]);
    setPanelState('drawn', content);
    timeline.show(r);
    predictionsTitle.textContent = r.strip.length > 1 ? `Predictions · mean over ${r.strip.length} windows` : 'Predictions';
    drawPredictions(r.top);
    void loadWindow(0);
    return null;
  },
});

function drawPredictions(top: ClassScore[]): void {
  predictions.replaceChildren(
    el('thead', {}, [el('tr', {}, ['class', 'probability', 'logit'].map((h) => el('th', { scope: 'col' }, [h])))]),
    el('tbody', {}, top.map((t) => el('tr', {}, [el('th', { scope: 'row' }, [t.label]), el('td', { className: 'num' }, [`${(t.prob * 100).toFixed(2)}%`]), el('td', { className: 'num' }, [t.logit.toFixed(3)])]))),
  );
}

async function loadWindow(i: number): Promise<void> {
  const r = result;
  if (!r || r.layers === 0) return;
  current = i;
  timeline.select(i);
  if (r.strip.length > 1) {
    predictionsTitle.textContent = `Predictions · window ${i + 1} of ${r.strip.length} (${r.strip[i].start.toFixed(2)}-${r.strip[i].end.toFixed(2)} s)`;
    drawPredictions(r.strip[i].top);
  }
  const ticket = ++asked;
  try {
    const a = await host.call('attention', { runId: r.runId, window: i, fusion: attention.fusion.value as 'mean' | 'max' | 'min', discardRatio: Number(attention.discard.value) });
    if (ticket === asked) {
      attention.show(a);
      document.body.dataset.attention = 'drawn';
    }
  } catch (error) {
    setNotices([`Attention of window ${i + 1}: ${(error as Error).message}`]);
  }
}

onThemeChange(() => {
  resetLuts();
  timeline.draw();
  if (attention.a) attention.show(attention.a);
});
