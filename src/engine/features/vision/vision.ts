import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { rename } from 'node:fs/promises';
import { rmSync, statSync } from 'node:fs';
import { InputError } from '../../errors';
import { RunStore } from '../../runStore';
import { RequestProgress } from '../../progress';
import { attentionRollout, clsPatchMap } from '../../analyses/rollout';
import { topClasses } from '../../runners/visionClassifier';
import { resolveHooks } from '../../instrument/hookNames';
import { createInstrumentedSession, fetchActivations } from '../../instrument/fetchActivations';
import { writeSafetensors } from '../export/safetensors';
import { namePatterns } from '../export/exportActivations';
import { fileSha256 } from '../../models/fileSha256';
import { Tensor } from 'onnxruntime-node';
import { imageOf } from './imageInput';
import { clsLens, clsMaps, lensMatchesLogits, runInternals, tokenAttention, type ImageRun } from './imageInternals';
import type { VisionModels } from './visionModels';
import { patchProjection } from './patchProjection';
import type { FeatureContext, FeatureHandlers } from '../context';
import type { InspectImageResult } from '../../../protocol/vision';

interface KeptRun {
  run: ImageRun;
  prefix: number;
  model: string;
  grid: InspectImageResult['grid'];
}

/** Patches in rows × cols from config.json's patch_size (ViT, DeiT, BEiT); the tokens before them are CLS (and DeiT's distillation token). */
function gridOf(config: Record<string, unknown>, height: number, width: number, tokens: number): InspectImageResult['grid'] {
  const patch = typeof config.patch_size === 'number' ? config.patch_size : undefined;
  if (patch && height % patch === 0 && width % patch === 0) {
    const rows = height / patch;
    const cols = width / patch;
    if (tokens - rows * cols >= 0 && tokens - rows * cols <= 8) return { rows, cols, prefix: tokens - rows * cols };
  }
  for (const prefix of [1, 2, 0]) {
    const side = Math.round(Math.sqrt(tokens - prefix));
    if (side * side === tokens - prefix) return { rows: side, cols: side, prefix };
  }
  return { rows: 1, cols: tokens - 1, prefix: 1 };
}

/**
 * Inspect Image and the image CLI commands: classify, the internals a panel draws (rollout, CLS →
 * patch maps per layer and head, the CLS logit lens), a patch's attention, and activation export.
 */
export function visionHandlers(ctx: FeatureContext, models: VisionModels): FeatureHandlers<'vision/classify' | 'vision/inspect' | 'vision/rollout' | 'vision/patch' | 'vision/activations' | 'vision/patchProjection'> {
  const runs = new RunStore<KeptRun>(4, 64 * 2 ** 20);
  ctx.whenIdle?.(() => runs.clear());
  const kept = (runId: string): KeptRun => {
    const k = runs.get(runId);
    if (!k) throw new InputError('This image run is no longer kept (the engine was idle or restarted); inspect the image again.');
    return k;
  };
  return {
    'vision/classify': async (p) => {
      const m = await models.load(p.model);
      const image = imageOf(p);
      const logits = await m.runner.logits(m.runner.preprocess(image));
      return { model: m.runner.name, input: { width: image.width, height: image.height }, top: topClasses(logits, m.runner.labels, p.topK) };
    },
    'vision/inspect': async (p, signal) => {
      const t0 = performance.now();
      const progress = new RequestProgress(signal, { load: 30, run: 70 });
      progress.report('load', 0, 1, 'loading the vision model');
      const m = await models.load(p.model);
      const image = imageOf(p);
      const pv = m.runner.preprocess(image);
      const t1 = performance.now();
      progress.report('run', 0, 1, 'forward pass with attention');
      const run = await runInternals(models, m, pv);
      const logits = await m.runner.logits(pv);
      const t2 = performance.now();
      const grid = gridOf(m.runner.folder.config as Record<string, unknown>, pv.height, pv.width, run.tokens);
      const found = await models.lens(m);
      const lens =
        typeof found === 'string' ? found
        : run.residPost.length !== run.patterns.length ? 'the residual stream after each block was not found'
        : lensMatchesLogits(run, found, logits) ? found
        : "the final norm and classifier found in the graph do not reproduce the model's logits from the CLS token (its head reads more than CLS, e.g. DeiT's distillation token or mean pooling)";
      const runId = randomUUID();
      runs.put(runId, { run, prefix: grid.prefix, model: m.runner.name, grid }, run.patterns.reduce((a, x) => a + x.byteLength, 0));
      const rollout = clsPatchMap(attentionRollout(run.patterns, run.heads, run.tokens, p.fusion, p.discardRatio), run.tokens, grid.prefix);
      progress.report('run', 1, 1, 'done');
      return {
        runId,
        model: m.runner.name,
        input: { width: image.width, height: image.height },
        top: topClasses(logits, m.runner.labels, p.topK),
        view: { width: pv.resized.width, height: pv.resized.height, rgb: pv.resized.data },
        grid,
        nLayers: run.patterns.length,
        nHeads: run.heads,
        rollout,
        clsMaps: clsMaps(run, grid.prefix),
        lens: typeof lens === 'string' ? [] : clsLens(run, lens, m.runner.labels, Math.min(p.topK, 5)),
        ...(typeof lens === 'string' ? { lensUnavailable: lens } : {}),
        ms: { preprocess: t1 - t0, forward: t2 - t1, total: performance.now() - t0 },
      };
    },
    'vision/rollout': (p) => {
      const k = kept(p.runId);
      return { rollout: clsPatchMap(attentionRollout(k.run.patterns, k.run.heads, k.run.tokens, p.fusion, p.discardRatio), k.run.tokens, k.prefix) };
    },
    'vision/patch': (p) => {
      const k = kept(p.runId);
      if (p.layer >= k.run.patterns.length) throw new InputError(`vision/patch: layer ${p.layer} is past the model's ${k.run.patterns.length} layers.`);
      if (p.head >= k.run.heads) throw new InputError(`vision/patch: head ${p.head} is past the model's ${k.run.heads} heads.`);
      if (p.token >= k.run.tokens) throw new InputError(`vision/patch: token ${p.token} is past the ${k.run.tokens} tokens.`);
      return { attention: tokenAttention(k.run, p.layer, p.head, p.token, k.prefix) };
    },
    'vision/patchProjection': (p, signal) => {
      const k = kept(p.runId);
      return patchProjection(k.model, k.run, k.grid, p, ctx.models.threads, signal);
    },
    'vision/activations': async (p) => {
      const t0 = performance.now();
      if (!p.out.endsWith('.safetensors')) throw new InputError(`The output file must end in .safetensors (got ${p.out}).`);
      const m = await models.load(p.model);
      const image = imageOf(p);
      const pv = m.runner.preprocess(image);
      const result = await models.instrumented(m);
      const names = p.names.length > 0 ? p.names : result.hooks.map((h) => h.name);
      if (resolveHooks(result, names).length === 0) throw new InputError(`No activation of ${m.runner.name} matches ${names.join(', ')}; available: ${namePatterns(result.hooks.map((h) => h.name))}.`);
      const session = await createInstrumentedSession(result, { executionProviders: [m.runner.loaded.provider] }, names);
      const acts = await fetchActivations(session, result, { [m.runner.inputName]: new Tensor('float32', pv.data, [1, 3, pv.height, pv.width]) }, names).finally(() => void session.release());
      const tmp = `${p.out}.${process.pid}.tmp`;
      await writeSafetensors(tmp, acts, { format: 'pt', model: m.runner.name, model_sha256: await fileSha256(m.runner.folder.onnxPath), image_width: String(image.width), image_height: String(image.height), producer: 'tensorloupe' })
        .then(() => rename(tmp, p.out))
        .catch((error: unknown) => {
          rmSync(tmp, { force: true });
          throw new InputError(`Could not write ${p.out} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
        });
      return { out: p.out, tensors: [...acts.entries()].map(([name, t]) => ({ name, shape: t.dims })), bytes: statSync(p.out).size, ms: performance.now() - t0 };
    },
  };
}
