// onnxruntime's messages carry the reason at the end of long C++ prefixes
// ("/onnxruntime_src/onnxruntime/core/framework/bfc_arena.cc:360 void* onnxruntime::BFCArena::…
// Failed to allocate memory …"); cutting them at a fixed length hid the reason. Here the source
// paths and function signatures go and the reason stays, on one line.

/** A source location and the C++ signature after it: `/onnxruntime_src/…/x.cc:74 ns::Cls::fn(args) [const]`. */
const SOURCE_PREFIX = /(?:\/[\w.+-]+)+\.(?:cc|cpp|cu|h|hpp):\d+\s+(?:(?:[\w:~<>*&,]+\s+)*[\w:~<>]+\([^()]*(?:\([^()]*\)[^()]*)*\)(?:\s+const)?\s*)?/g;
const LONGEST = 600;

/** onnxruntime's reason without source paths, signatures or log colours, on one line and bounded. */
export function ortReason(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const text = raw
    .replace(/\u001b\[[0-9;]*m/g, '')
    .replace(SOURCE_PREFIX, '')
    .replace(/Load model from .*? failed:\s*/g, '')
    .replace(/\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.+$/, ''); // callers end the sentence
  // keep the end too: onnxruntime puts the reason last
  return text.length > LONGEST ? `${text.slice(0, 200)} … ${text.slice(-(LONGEST - 203))}` : text;
}

/**
 * One sentence (without its full stop) for a failed run or load: what it means for the user when
 * onnxruntime's own words do not say it (an allocation no machine can satisfy, a token id past
 * the embedding), else "onnxruntime could not <doing>: <reason>".
 */
export function explainOrtError(error: unknown, model: string, doing = `run ${model}`): string {
  const reason = ortReason(error);
  const alloc = /Failed to allocate memory for requested buffer of size (\d+)/.exec(reason);
  if (alloc || /BFCArena|bad_alloc|Failed to allocate/i.test(reason)) {
    const size = alloc ? ` (${formatGiB(Number(alloc[1]))} in one buffer)` : '';
    return `${model} tried to allocate too much memory${size}; the graph asks for a tensor larger than this machine can hold (onnxruntime: ${reason})`;
  }
  const gather = /indices element out of data bounds, idx=(-?\d+) must be within the inclusive range \[-?\d+,(\d+)\]/.exec(reason);
  if (gather) {
    return `token id ${gather[1]} is outside ${model}'s embedding of ${Number(gather[2]) + 1} rows: the tokenizer and the model do not belong together`;
  }
  return `onnxruntime could not ${doing}: ${reason}`;
}

function formatGiB(bytes: number): string {
  return bytes >= 2 ** 40 ? `${(bytes / 2 ** 40).toFixed(1)} TB` : bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GB` : `${(bytes / 2 ** 20).toFixed(0)} MB`;
}
