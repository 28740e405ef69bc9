import { InputError } from './errors';
import { asObject, intIn, listOf, nonEmptyString, numberIn, oneOf, optional, shortString } from '../util/validate';
import { MAX_TEXT_CHARS } from '../util/limits';
import type { EngineApi } from '../protocol/engine';
import { projectorValidators } from './features/projector/validateProjector';
import type { CancelSignal, Handlers } from '../protocol/rpc';
import { probeValidators } from './features/probes/validateProbeParams';
import { futureValidators } from './features/futureTokens/validateFutureParams';
import { checkpointValidators } from './features/checkpoints/validateCheckpointParams';
import { VARIANTS } from './models/variants';
import { baselineValidators } from './features/baselines/validateBaselineParams';
import { interventionValidators } from './features/interventions/validateInterventions';
import { visionValidators } from './features/vision/validateVision';
import { audioValidators } from './features/audio/validateAudioParams';
import { crossModalValidators } from './features/crossModal/validateCrossModal';

// The engine's boundary: every message from the host (or anything else holding the IPC channel)
// is checked here, field by field, before a handler sees it. A bad message gets a one-line
// InputError naming the method and the field, and changes nothing (a bad `engine/configure`
// keeps the old settings). The handlers behind this keep their own checks of meaning (a
// position inside the run, a length inside the selection); these are checks of shape and
// bounds that keep a handler from looping, allocating or reading `null`.

/** Most intra-op threads a setting may ask for (the host's setting allows 64). */
export const MAX_THREADS = 256;
// counts and positions: far past any model here, short of an endless loop; the handlers say what
// range means something (a block that fits the context, a batch of 1–64) in their own words
const BIG = 1_000_000;
const PATH_CHARS = 4096;
const RUN_ID_CHARS = 64;

type Validators = { [M in keyof EngineApi]: (raw: unknown) => EngineApi[M][0] };

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new InputError(`${what} must be text.`);
  if (value.length > MAX_TEXT_CHARS) {
    throw new InputError(`${what} has ${value.length.toLocaleString('en-US')} characters; Tensorloupe reads at most ${MAX_TEXT_CHARS.toLocaleString('en-US')}.`);
  }
  return value;
}

const model = (o: Record<string, unknown>, m: string) => nonEmptyString(o.model, PATH_CHARS, `${m}: model`);
const maxTokens = (o: Record<string, unknown>, m: string) => intIn(o.maxTokens, 1, BIG, `${m}: maxTokens`);
const runId = (o: Record<string, unknown>, m: string) => nonEmptyString(o.runId, RUN_ID_CHARS, `${m}: runId`);
const paramsOf = (raw: unknown, m: string) => asObject(raw, `${m} params`);

/** Only the fields each method knows travel on: an extra field is dropped, not passed along. */
export const validators: Validators = {
  'engine/info': (raw) => {
    paramsOf(raw, 'engine/info');
    return {};
  },
  'engine/configure': (raw) => {
    const m = 'engine/configure';
    const o = paramsOf(raw, m);
    const cacheDir = optional(o.cacheDir, `${m}: cacheDir`, (v, w) => nonEmptyString(v, PATH_CHARS, w));
    return {
      provider: oneOf(o.provider, ['auto', 'cpu', 'cuda', 'dml', 'coreml'] as const, `${m}: provider`),
      threads: intIn(o.threads, 0, MAX_THREADS, `${m}: threads`),
      ...(cacheDir === undefined ? {} : { cacheDir }),
      ...(o.variant === undefined ? {} : { variant: oneOf(o.variant, VARIANTS, `${m}: variant`) }),
    };
  },
  'model/load': (raw) => ({ model: model(paramsOf(raw, 'model/load'), 'model/load') }),
  'model/info': (raw) => ({ model: model(paramsOf(raw, 'model/info'), 'model/info') }),
  'lm/nextToken': (raw) => {
    const m = 'lm/nextToken';
    const o = paramsOf(raw, m);
    const positionTopK = optional(o.positionTopK, `${m}: positionTopK`, (v, w) => intIn(v, 0, 1024, w));
    return {
      model: model(o, m),
      text: text(o.text, `${m}: text`),
      topK: intIn(o.topK, 0, BIG, `${m}: topK`),
      maxTokens: maxTokens(o, m),
      ...(positionTopK === undefined ? {} : { positionTopK }),
      ...(o.stats === undefined ? {} : { stats: oneOf(o.stats, ['surprisal', 'full'] as const, `${m}: stats`) }),
    };
  },
  'lm/position': (raw) => {
    const m = 'lm/position';
    const o = paramsOf(raw, m);
    return { runId: runId(o, m), position: intIn(o.position, 0, BIG, `${m}: position`), topK: intIn(o.topK, 0, BIG, `${m}: topK`) };
  },
  'lm/generate': (raw) => {
    const m = 'lm/generate';
    const o = paramsOf(raw, m);
    return {
      runId: runId(o, m),
      mode: oneOf(o.mode, ['greedy', 'sample'] as const, `${m}: mode`),
      count: intIn(o.count, 1, 16, `${m}: count`),
      maxNewTokens: intIn(o.maxNewTokens, 1, BIG, `${m}: maxNewTokens`),
      temperature: numberIn(o.temperature, 0.001, 1000, `${m}: temperature`),
      topK: intIn(o.topK, 0, BIG, `${m}: topK`),
      topP: numberIn(o.topP, 0.001, 1, `${m}: topP`),
      seed: intIn(o.seed, 0, 2 ** 32 - 1, `${m}: seed`),
    };
  },
  'lm/surprisal': (raw) => {
    const m = 'lm/surprisal';
    const o = paramsOf(raw, m);
    return { model: model(o, m), text: text(o.text, `${m}: text`), maxTokens: maxTokens(o, m), alternatives: intIn(o.alternatives, 0, 1024, `${m}: alternatives`) };
  },
  'attention/summary': (raw) => {
    const m = 'attention/summary';
    const o = paramsOf(raw, m);
    return { model: model(o, m), text: text(o.text, `${m}: text`), maxTokens: maxTokens(o, m) };
  },
  'attention/head': (raw) => {
    const m = 'attention/head';
    const o = paramsOf(raw, m);
    return { runId: runId(o, m), layer: intIn(o.layer, 0, BIG, `${m}: layer`), head: intIn(o.head, 0, BIG, `${m}: head`) };
  },
  'lens/get': (raw) => {
    const m = 'lens/get';
    const o = paramsOf(raw, m);
    const positions = optional(o.positions, `${m}: positions`, (v, what) => {
      const r = asObject(v, what);
      return { from: intIn(r.from, -BIG, BIG, `${what}.from`), to: intIn(r.to, -BIG, BIG, `${what}.to`) };
    });
    return { model: model(o, m), text: text(o.text, `${m}: text`), maxTokens: maxTokens(o, m), topK: intIn(o.topK, 1, 1024, `${m}: topK`), ...(positions ? { positions } : {}) };
  },
  'lens/page': (raw) => {
    const m = 'lens/page';
    const o = paramsOf(raw, m);
    return { runId: runId(o, m), from: intIn(o.from, 0, BIG, `${m}: from`), to: intIn(o.to, 0, BIG, `${m}: to`), topK: intIn(o.topK, 1, 1024, `${m}: topK`) };
  },
  'lens/target': (raw) => {
    const m = 'lens/target';
    const o = paramsOf(raw, m);
    const target = typeof o.target === 'number' ? intIn(o.target, 0, 2 ** 31 - 1, `${m}: target`) : shortString(o.target, 1000, `${m}: target`);
    return { runId: runId(o, m), position: intIn(o.position, 0, BIG, `${m}: position`), target };
  },
  'induction/scan': (raw) => {
    const m = 'induction/scan';
    const o = paramsOf(raw, m);
    return { model: model(o, m), seqLen: intIn(o.seqLen, 0, BIG, `${m}: seqLen`), batch: intIn(o.batch, 0, BIG, `${m}: batch`), seed: intIn(o.seed, 0, 2 ** 32 - 1, `${m}: seed`) };
  },
  'dilution/get': (raw) => {
    const m = 'dilution/get';
    const o = paramsOf(raw, m);
    const planIndex = optional(o.planIndex, `${m}: planIndex`, (v, w) => intIn(v, 0, 1024, w));
    return {
      model: model(o, m),
      text: text(o.text, `${m}: text`),
      maxTokens: maxTokens(o, m),
      lengths: listOf(o.lengths, 1024, `${m}: lengths`, (v, w) => intIn(v, 1, BIG, w)),
      ...(planIndex === undefined ? {} : { planIndex }),
    };
  },
  'activations/export': (raw) => {
    const m = 'activations/export';
    const o = paramsOf(raw, m);
    return {
      model: model(o, m),
      text: text(o.text, `${m}: text`),
      maxTokens: maxTokens(o, m),
      names: listOf(o.names, 4096, `${m}: names`, (v, w) => nonEmptyString(v, 1000, w)),
      out: nonEmptyString(o.out, PATH_CHARS, `${m}: out`),
    };
  },
  ...probeValidators,
  ...projectorValidators,
  ...baselineValidators,
  ...interventionValidators,
  ...visionValidators,
  ...audioValidators,
  ...futureValidators,
  ...checkpointValidators,
  ...crossModalValidators,
};

/** Wraps every handler so it only ever sees params that passed its method's validator. */
export function withValidation(handlers: Handlers<EngineApi>): Handlers<EngineApi> {
  const checked: Record<string, (raw: unknown, signal: CancelSignal) => Promise<unknown>> = {};
  for (const method of Object.keys(validators) as (keyof EngineApi)[]) {
    const validate = validators[method] as (raw: unknown) => unknown;
    const handler = handlers[method] as (params: unknown, signal: CancelSignal) => unknown;
    // async, so a bad message rejects like any other failure instead of throwing at the caller
    checked[method] = async (raw, signal) => handler(validate(raw), signal);
  }
  return checked as unknown as Handlers<EngineApi>;
}
