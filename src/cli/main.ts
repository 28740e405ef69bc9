// `tensorloupe` command line: the engine in-process, the same numbers as the panels.
import { createEngineHandlers } from '../engine/engineHandlers';
import { defaultModelDir, packageVersion } from '../util/paths';
import { escapeControl, escapeJsonControl } from '../util/escape';
import { RpcError } from '../protocol/rpc';
import { InputError } from '../engine/errors';
import { ortReason } from '../engine/ortErrors';
import { LIMITS, intOption, type CliCommand } from './context';
import { parseCli, providerOption } from './options';
import { progressLine } from './progressLine';
import { nextTokenCommand } from './commands/nextToken';
import { surprisalCommand } from './commands/surprisal';
import { activationsCommand } from './commands/activations';
import { lensCommand } from './commands/lens';
import { inductionCommand } from './commands/induction';
import { probeCommand } from './commands/probe';
import { projectCommand } from './commands/project';
import { neighboursCommand } from './commands/neighbours';
import { analogyCommand } from './commands/analogy';
import { infoCommand } from './commands/info';
import { futureCommand } from './commands/future';
import { checkpointsCommand } from './commands/checkpoints';
import { parseVariant } from '../engine/models/variants';
import { downloadCommand } from './commands/download';
import { baselineCommand } from './commands/baseline';
import { classifyImageCommand } from './commands/classifyImage';
import { rolloutCommand } from './commands/rollout';
import { defaultVisionModelDir } from '../engine/models/defaultModels';
import { classifyAudioCommand } from './commands/classifyAudio';
import { resolveModelArgument } from '../engine/hub/resolveModelArgument';
import { stderrProgress } from './hubProgress';
import { ablateCommand, attributeCommand, patchCommand } from './commands/interventions';
import { crossmapCommand } from './commands/crossmap';

const USAGE = `Usage:
  tensorloupe next-token  [--model DIR] [--variant V] [--top-k N] [--max-tokens N] [--json] "text"
  tensorloupe surprisal   [--model DIR] [--max-tokens N] [--json] <file | ->
  tensorloupe activations [--model DIR] [--names 'blocks.*.attn.hook_pattern'] --out FILE.safetensors "text"
  tensorloupe lens        [--model DIR] [--top-k N] [--position P --target TOKEN|#ID] [--json] "text"
  tensorloupe induction   [--model DIR] [--seq-len N] [--batch N] [--seed N] [--json]
  tensorloupe probe       [--model DIR] --dataset F.jsonl|F.csv|builtin:category|builtin:in-string|builtin:depth [--files GLOB] [--layer all|N] [--pool mean|last] [--seed N] [--json]
  tensorloupe project     [--model DIR] --source embeddings|unembedding|resid [--layer L] [--files GLOB] [--text FILE] --method pca|umap [--seed N] --out points.json
  tensorloupe neighbours  [--model DIR] [--k 10] [--json] TOKEN
  tensorloupe analogy     [--model DIR] [--k 10] [--json] A B C
  tensorloupe ablate      [--model DIR] --heads L.H[,L.H…] [--mode zero|mean] [--top-k N] [--json] "text"
  tensorloupe patch       [--model DIR] --clean TEXT --corrupt TEXT --answer TOKEN --wrong TOKEN [--hook resid_pre|attn_out|mlp_out|z] [--json]
  tensorloupe attribute   [--model DIR] --target TOKEN [--vs TOKEN] [--json] "text"
  tensorloupe future      [--model DIR] --corpus GLOB [--k 4] [--seed N] [--json]
  tensorloupe checkpoints [--model DIR] [--json]
  tensorloupe info        [--model DIR] [--provider auto|cpu|cuda|dml|coreml] [--json]
  tensorloupe download    <org/name> [--revision R] [--variant V]
  tensorloupe baseline    [--model DIR] --corpus GLOB [--order N] [--min-match N] [--json] <file | ->
  tensorloupe classify-image [--model DIR] [--top-k N] [--json] FILE.png|.jpg|.bmp
  tensorloupe rollout     [--model DIR] [--fusion mean|max|min] [--discard-ratio R] FILE --out map.png
  tensorloupe activations --image FILE [--model DIR] [--names GLOB] --out FILE.safetensors
  tensorloupe classify-audio [--model DIR] [--top-k N] [--json] FILE.wav|.flac|.mp3|.ogg
  tensorloupe activations [--model DIR] --audio FILE [--names GLOB] --out FILE.safetensors
  tensorloupe crossmap    [--from DIR] [--to DIR] [--pairs F.jsonl] [--layer N] [--method ridge|procrustes|both] [--seed N] [--json]
  tensorloupe --version

Options:
  --model DIR       model folder in Hugging Face layout, or a Hub repo id org/name (from the HF cache,
                    downloaded when missing; --revision/--variant choose it) (default: the bundled tensorloupe-code-lm)
  --variant V       which transformers.js file of the folder: fp32 (onnx/model.onnx), fp16, q8 (model_quantized), int8, uint8, q4, q4f16, bnb4
  --top-k N         candidates to print (default 10)
  --max-tokens N    longest input read (default 2048, at most 32768)
  --json            machine-readable output
  --threads N       onnxruntime intra-op threads, 0 to 64 (default 0: onnxruntime's choice)
  --provider P      execution provider: auto, cpu (default), cuda, dml, coreml; a fallback to CPU is noted with its reason
  --dataset F       probe: a .jsonl/.csv of {"text", "label"} or {"text", "spans"}, or a builtin task
  --files GLOB      probe: the TS/JS files a builtin task labels (quote it: "src/**/*.ts")
  --layer all|N     probe: every layer (default) or one; 0 = embedding, N = blocks.N-1.hook_resid_post
  --pool mean|last  probe: a sequence-level text's feature (default mean)
  --corpus GLOB     baseline: the files the n-gram, bag-of-tokens and verbatim-match baselines index;
                    future: the files the probes train and are scored on (split by file); quote it
  --order N         baseline: n-gram order 1-5 (default 3)
  --min-match N     baseline: shortest verbatim corpus match listed as likely memorised, in tokens (default 16)
  --image FILE      activations: an image (PNG, JPEG, BMP) for a vision model (default model: the bundled tensorloupe-glyph-vit)
  --fusion F        rollout: how a layer's heads are fused, mean (default), max or min
  --discard-ratio R rollout: share of each layer's lowest attention weights dropped, 0 (default) to below 1
  --audio FILE      activations: a sound instead of text (every window of the clip as the batch);
                    classify-audio and --audio default to the bundled tensorloupe-speech-kws
  --from DIR        crossmap: the image or audio model mapped from (default: the bundled tensorloupe-glyph-vit)
  --to DIR          crossmap: the text LM mapped to, its input embeddings (default: the bundled tensorloupe-code-lm)
  --pairs F.jsonl   crossmap: {"image"|"audio": path, "text": "..."} a line, paths relative to the file
                    (default: the source model's samples/crossmodal/, labelled by file name)
  --method M        crossmap: ridge, procrustes or both (default both); --layer N: the layer tabled
  --k N             future: probe t+1 … t+N (default 4, at most 8); neighbours/analogy: how many (default 10)`;

const COMMANDS: Record<string, CliCommand> = {
  'next-token': nextTokenCommand,
  surprisal: surprisalCommand,
  activations: activationsCommand,
  lens: lensCommand,
  induction: inductionCommand,
  probe: probeCommand,
  project: projectCommand,
  neighbours: neighboursCommand,
  analogy: analogyCommand,
  info: infoCommand,
  future: futureCommand,
  checkpoints: checkpointsCommand,
  download: downloadCommand,
  baseline: baselineCommand,
  ablate: ablateCommand,
  patch: patchCommand,
  attribute: attributeCommand,
  'classify-image': classifyImageCommand,
  rollout: rolloutCommand,
  'classify-audio': classifyAudioCommand,
  crossmap: crossmapCommand,
};
/** commands on images default to the bundled vision model, not the code LM */
const IMAGE_COMMANDS = new Set(['classify-image', 'rollout']);

async function main(argv: string[]): Promise<number> {
  const { options, positionals } = parseCli(argv);
  if (options.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const [command, ...args] = positionals;
  if (options.help || !command) {
    (command || options.help ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return command || options.help ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) throw new InputError(`Unknown command "${command.slice(0, 40)}"; commands: ${Object.keys(COMMANDS).join(', ')} (see tensorloupe --help).`);
  const threads = intOption(options.threads, '--threads', LIMITS['--threads'].min, LIMITS['--threads'].max);
  const progress = progressLine(process.stderr); // stderr only, and only on a terminal
  try {
    return await run({
      // a Hub repo id becomes its cache snapshot here, the one place --model is read
      model: options.model ? await resolveModelArgument(options.model, { revision: options.revision, variant: options.variant, onProgress: stderrProgress(options.model), onNote: (t) => process.stderr.write(`note: ${escapeControl(t)}\n`) }) : IMAGE_COMMANDS.has(command) || options.image !== undefined ? defaultVisionModelDir() : defaultModelDir(),
      options,
      args,
      engine: createEngineHandlers({ provider: providerOption(options.provider), threads, ...(options.variant === undefined ? {} : { variant: parseVariant(options.variant, '--variant') }) }),
      signal: { cancelled: false, onCancel: () => undefined, progress: progress.report },
      // model and token names reach the terminal escaped (a crafted vocabulary cannot clear the screen)
      out: (text) => {
        progress.clear();
        process.stdout.write(`${options.json ? escapeJsonControl(text) : escapeControl(text)}\n`);
      },
      note: (text) => {
        progress.clear();
        process.stderr.write(`note: ${escapeControl(text)}\n`);
      },
    });
  } finally {
    progress.close();
  }
}

/** One line a user can act on, whatever was thrown; names from models and files escaped. */
function errorLine(error: unknown): string {
  // anything not ours (a bug, a raw onnxruntime error) still loses its source paths and line breaks
  const message = error instanceof RpcError ? `${error.code}: ${error.message}` : ortReason(error);
  return escapeControl(message.trim());
}

/**
 * Exits once stdout and stderr have drained. process.exit() right after a large write to a pipe
 * dropped everything past the pipe's buffer (64 or 128 KiB of --json, with exit code 0); an empty
 * write's callback runs after every earlier write has been handed to the OS. The explicit exit
 * after that keeps the CLI from lingering on a handle left open (a stdin read cut short).
 */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  let waiting = 2;
  const done = () => {
    if (--waiting === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

// a reader that goes away early (`| head`) is not an error of ours
process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));

main(process.argv.slice(2)).then(exitAfterFlush, (error: unknown) => {
  process.stderr.write(`tensorloupe: ${errorLine(error)}\n`);
  exitAfterFlush(1);
});
