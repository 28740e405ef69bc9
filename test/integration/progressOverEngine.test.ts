// Progress from the engine process to the host (fork, as the extension runs it): a real UMAP and a
// real probe training report a non-decreasing figure that ends at its total, with messages that
// say the stage, at most ~10 a second; a cancelled request stops reporting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClient } from '../../src/host/engineClient';
import { RpcEndpoint, type Envelope } from '../../src/protocol/rpc';
import { PROGRESS_INTERVAL_MS, type ProgressUpdate } from '../../src/protocol/progress';
import { builtEnginePath, CODE_LM, ROOT } from '../helpers/paths';
import type { EngineApi, HostApi } from '../../src/protocol/engine';

const skip = !existsSync(join(CODE_LM, 'onnx', 'model.onnx')) && 'code-lm not built';
const cacheDir = mkdtempSync(join(tmpdir(), 'tl-progress-'));
const settings = { provider: 'cpu' as const, threads: 1, cacheDir };
const FILES = ['classificationMetrics', 'dilution', 'headStats', 'standardise'].map((n) => join(ROOT, 'src', 'engine', 'analyses', `${n}.ts`));

interface Heard extends ProgressUpdate {
  at: number;
}

function listener() {
  const heard: Heard[] = [];
  return { heard, token: { onCancel: () => undefined, progress: (u: ProgressUpdate) => heard.push({ ...u, at: performance.now() }) } };
}

function assertMonotoneToTotal(heard: Heard[], what: string): void {
  assert.ok(heard.length >= 3, `${what}: ${heard.length} progress updates`);
  for (let i = 1; i < heard.length; i++) {
    assert.ok(heard[i].done / heard[i].total >= heard[i - 1].done / heard[i - 1].total, `${what}: update ${i} (${heard[i].done}/${heard[i].total}) moved back from ${heard[i - 1].done}/${heard[i - 1].total}`);
  }
  const last = heard[heard.length - 1];
  assert.equal(last.done, last.total, `${what} ends at its total`);
  // throttled: besides the last, no two updates closer than the interval (a few ms of IPC jitter allowed)
  for (let i = 1; i < heard.length - 1; i++) assert.ok(heard[i].at - heard[i - 1].at >= PROGRESS_INTERVAL_MS - 30, `${what}: updates ${i - 1} and ${i} ${Math.round(heard[i].at - heard[i - 1].at)} ms apart`);
}

test('a UMAP in the engine process reports its epochs, non-decreasing, to its total', { skip }, async () => {
  const client = new EngineClient({ enginePath: builtEnginePath(), settings });
  try {
    const { heard, token } = listener();
    const r = await client.call('projector/project', { model: CODE_LM, source: 'embeddings', method: 'umap', seed: 3, maxPoints: 800 }, token);
    assert.equal(r.points.length, 800);
    assertMonotoneToTotal(heard, 'UMAP');
    const epochs = heard.map((u) => /UMAP epoch (\d+)\/(\d+)/.exec(u.message ?? '')).filter((m) => m !== null);
    assert.ok(epochs.length >= 2, `epoch messages: ${heard.map((u) => u.message).join(' | ')}`);
    assert.equal(Number(epochs.at(-1)![1]), Number(epochs.at(-1)![2]), 'the last epoch message is the last epoch');
  } finally {
    client.dispose();
  }
});

test('probe training in the engine process reports hidden states and each layer, non-decreasing, to its total', { skip }, async () => {
  const client = new EngineClient({ enginePath: builtEnginePath(), settings });
  try {
    const { heard, token } = listener();
    const r = await client.call('probe/train', { model: CODE_LM, dataset: 'builtin:category', files: FILES, layer: 'all', pool: 'mean', seed: 0 }, token);
    assertMonotoneToTotal(heard, 'probe/train');
    const nLayers = r.layers.length - 1;
    assert.ok(heard.some((u) => /^hidden states of layers 0-\d+: text \d+\/\d+, position [\d,]+\/[\d,]+$/.test(u.message ?? '')), heard.map((u) => u.message).join(' | '));
    const layerMessages = heard.map((u) => new RegExp(`^layer (\\d+)/${nLayers}: (probe|control|done)`).exec(u.message ?? '')).filter((m) => m !== null);
    assert.ok(layerMessages.length >= 2, heard.map((u) => u.message).join(' | '));
    assert.equal(heard.at(-1)!.message, `layer ${nLayers}/${nLayers}: done`);
  } finally {
    client.dispose();
  }
});

test('a cancelled probe training stops reporting; the engine then reports the next request as before', { skip }, async () => {
  // the bare channel, as EngineClient uses it, so the test sees every $/progress the engine sends
  const child = fork(builtEnginePath(), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] });
  const wire: { id: number; at: number }[] = [];
  const endpoint = new RpcEndpoint<HostApi, EngineApi>({ send: (m) => child.send(m) }, {});
  child.on('message', (m: Envelope) => {
    const b = m.body as { method?: string; params?: { id?: number } };
    if (b.method === '$/progress' && typeof b.params?.id === 'number') wire.push({ id: b.params.id, at: performance.now() });
    endpoint.receive(m);
  });
  try {
    await endpoint.call('engine/configure', settings);
    const heard: string[] = [];
    const params = { model: CODE_LM, dataset: 'builtin:depth', files: FILES, layer: 'all' as const, pool: 'mean' as const, seed: 0 };
    const first = endpoint.start('probe/train', params, (u) => heard.push(u.message ?? ''));
    // cancel once it is fitting layers (after the hidden states, inside the long part)
    const started = performance.now();
    while (!heard.some((m) => /^layer \d+\//.test(m)) && performance.now() - started < 120_000) await new Promise((r) => setTimeout(r, 20));
    assert.ok(heard.some((m) => /^layer \d+\//.test(m)), `fitting started: ${heard.join(' | ')}`);
    const cancelledAt = performance.now();
    endpoint.cancel(first.id);
    await assert.rejects(first.result, { code: 'Cancelled' });
    const answeredAt = performance.now();
    await new Promise((r) => setTimeout(r, 3 * PROGRESS_INTERVAL_MS));
    const after = wire.filter((w) => w.id === first.id && w.at > cancelledAt);
    // at most what was already on its way when the cancel was sent; none once answered
    assert.ok(after.length <= 1, `${after.length} updates after the cancel`);
    assert.equal(wire.filter((w) => w.id === first.id && w.at > answeredAt).length, 0);
    const next: ProgressUpdate[] = [];
    const again = endpoint.start('probe/train', { ...params, layer: 0 }, (u) => next.push(u));
    await again.result;
    assert.ok(next.length >= 1 && next.at(-1)!.done === next.at(-1)!.total, 'the next request reports to its end');
  } finally {
    child.kill('SIGKILL');
  }
});
