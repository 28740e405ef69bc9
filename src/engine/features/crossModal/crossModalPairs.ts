// The (sample, text) pairs a cross-modal map is fitted on. A class is one text; its samples are
// the images or sounds paired with it.
//   bundled: the source model's samples/crossmodal/<label>_<anything>.<ext>; the label (one of the
//            model's id2label names) gives the text: a one-character label as it is ("A"), a word
//            after a space (" left"), the form a word takes inside a sentence, which BPE
//            vocabularies keep as one token more often (12 of the speech model's 20 keywords in the
//            code LM's vocabulary, against 8 without the space).
//   JSONL:   one object a line, {"image": "a.png", "text": "A"} or {"audio": "a.wav", "text": " left"};
//            paths relative to the file; every line the same modality as the source model; the text is
//            used exactly as written (so say " left" to get the space).
import { readdirSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../../errors';
import { existsOrLink, readBounded } from '../../../util/readBounded';
import { escapeControl } from '../../../util/escape';
import type { ModelFolder } from '../../modelFolder';

export type Modality = 'image' | 'audio';

export interface PairSet {
  modality: Modality;
  /** absolute path per sample */
  files: string[];
  /** [samples] class index */
  classOf: Int32Array;
  classes: { label: string; text: string }[];
  /** where the pairs came from, for the result */
  origin: string;
}

export const SAMPLE_EXTENSIONS: Record<Modality, readonly string[]> = {
  image: ['.png', '.jpg', '.jpeg', '.bmp'],
  audio: ['.wav', '.flac', '.mp3', '.ogg'],
};
const MAX_PAIRS_BYTES = 4 * 2 ** 20;
export const MAX_PAIRS = 5000;
const MAX_TEXT = 200;

/** The text a class label is paired with (see the top of this file). */
export function labelText(label: string): string {
  return [...label].length === 1 ? label : ` ${label}`;
}

function build(modality: Modality, items: { file: string; label: string; text: string }[], origin: string): PairSet {
  const index = new Map<string, number>();
  const classes: PairSet['classes'] = [];
  const classOf = new Int32Array(items.length);
  items.forEach((it, i) => {
    let c = index.get(it.text);
    if (c === undefined) {
      c = classes.length;
      index.set(it.text, c);
      classes.push({ label: it.label, text: it.text });
    }
    classOf[i] = c;
  });
  return { modality, files: items.map((it) => it.file), classOf, classes, origin };
}

/** The bundled samples of a model folder, labelled by file name. */
export function bundledPairs(folder: ModelFolder, modality: Modality): PairSet {
  const dir = join(folder.dir, 'samples', 'crossmodal');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new InputError(`${folder.name} has no samples/crossmodal/ folder of labelled ${modality === 'image' ? 'images' : 'sounds'}; give your own pairs as a JSONL file (--pairs F.jsonl, lines {"${modality}": path, "text": "..."}).`);
  }
  const id2label = folder.config.id2label ?? {};
  const order = new Map(Object.entries(id2label).map(([id, label]) => [label, Number(id)]));
  const items: { file: string; label: string; text: string; id: number }[] = [];
  for (const name of names.sort()) {
    if (!SAMPLE_EXTENSIONS[modality].includes(extname(name).toLowerCase())) continue;
    const label = basename(name, extname(name)).split('_')[0];
    const id = order.get(label);
    if (id === undefined) throw new InputError(`${join(dir, name)}: "${escapeControl(label.slice(0, 40))}" (the name up to the first "_") is not one of ${folder.name}'s labels (config.json id2label).`);
    items.push({ file: join(dir, name), label, text: labelText(label), id });
  }
  if (items.length === 0) throw new InputError(`${dir} holds no ${SAMPLE_EXTENSIONS[modality].join(' ')} files.`);
  items.sort((a, b) => a.id - b.id || (a.file < b.file ? -1 : 1)); // classes in the model's label order
  return build(modality, items, `${folder.name}/samples/crossmodal (label from each file name)`);
}

/** A user's JSONL of pairs; every mistake is one line naming the file and line. */
export function readPairsFile(path: string, modality: Modality, sourceName: string): PairSet {
  if (extname(path).toLowerCase() !== '.jsonl') throw new InputError(`${path}: pairs are a .jsonl file, one {"image" or "audio": path, "text": "..."} a line.`);
  const bytes = readBounded(path, MAX_PAIRS_BYTES, (m) => new InputError(m));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${path} is not UTF-8 text.`);
  }
  const base = dirname(resolve(path));
  const other: Modality = modality === 'image' ? 'audio' : 'image';
  const items: { file: string; label: string; text: string }[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const at = `${path}:${i + 1}`;
    if (items.length === MAX_PAIRS) throw new InputError(`${at}: more than ${MAX_PAIRS.toLocaleString('en-US')} pairs; use a sample of them.`);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InputError(`${at}: not JSON (${(error as Error).message.split('\n')[0]}).`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(`${at}: a line is a JSON object {"${modality}": path, "text": "..."}.`);
    const o = value as Record<string, unknown>;
    if (o[other] !== undefined && o[modality] === undefined) throw new InputError(`${at}: an "${other}" pair, but ${sourceName} is an ${modality} model (every line needs "${modality}").`);
    const file = o[modality];
    if (typeof file !== 'string' || file === '') throw new InputError(`${at}: "${modality}" must be a file path (relative to the JSONL file's folder).`);
    if (typeof o.text !== 'string' || o.text.trim() === '') throw new InputError(`${at}: "text" must be non-empty text.`);
    if (o.text.length > MAX_TEXT) throw new InputError(`${at}: "text" has ${o.text.length} characters; at most ${MAX_TEXT}.`);
    const abs = isAbsolute(file) ? file : join(base, file);
    if (!existsOrLink(abs)) throw new InputError(`${at}: ${escapeControl(file.slice(0, 200))} does not exist.`);
    if (!SAMPLE_EXTENSIONS[modality].includes(extname(abs).toLowerCase())) throw new InputError(`${at}: ${escapeControl(file.slice(0, 200))} is not a ${SAMPLE_EXTENSIONS[modality].join(' ')} file.`);
    items.push({ file: abs, label: o.text.trim(), text: o.text });
  }
  if (items.length === 0) throw new InputError(`${path} holds no pairs.`);
  return build(modality, items, path);
}
