import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MAX_ORDER, type NgramIndex } from '../../analyses/ngramIndex';

// A corpus index on disk: one file, a JSON header then the typed arrays, each at an 8-byte
// boundary, so loading is one read and views on it (no parsing, no copy). Written to a temporary
// name and renamed, so a crash mid-write never leaves a half file under the real name.

const MAGIC = 'TLBASE1\n';

export interface StoredCorpus {
  index: NgramIndex;
  /** corpus files as the user named them, in stream order */
  files: string[];
  /** starts[i] = stream position of file i's first token */
  starts: Int32Array;
  /** files left out (binary, too big, unreadable) */
  skipped: number;
}

type Named = [string, Int32Array | Float64Array];

function arraysOf(c: StoredCorpus): Named[] {
  const ix = c.index;
  const out: Named[] = [['tokens', ix.tokens], ['sa', ix.sa], ['starts', c.starts]];
  for (let d = 1; d <= MAX_ORDER; d++) out.push([`lo${d}`, ix.lo[d]]);
  for (let d = 1; d < MAX_ORDER; d++) out.push([`cont${d}`, ix.cont[d]]);
  for (let d = 0; d <= MAX_ORDER - 2; d++) out.push([`contSum${d}`, ix.contSum[d]]);
  return out;
}

export function writeCorpusIndex(path: string, c: StoredCorpus): void {
  const arrays = arraysOf(c);
  const header = JSON.stringify({
    vocab: c.index.vocab,
    files: c.files,
    skipped: c.skipped,
    discountRaw: c.index.discountRaw,
    discountCont: c.index.discountCont,
    arrays: arrays.map(([name, a]) => ({ name, length: a.length })),
  });
  const head = Buffer.from(header, 'utf8');
  let offset = Math.ceil((MAGIC.length + 4 + head.length) / 8) * 8;
  const start = offset;
  for (const [, a] of arrays) offset += Math.ceil(a.byteLength / 8) * 8;
  const out = Buffer.alloc(offset);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(head.length, MAGIC.length);
  head.copy(out, MAGIC.length + 4);
  offset = start;
  for (const [, a] of arrays) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, offset);
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, out);
  renameSync(tmp, path);
}

/** The index stored at `path`, or undefined when there is none (or it is not one this version reads). */
export function readCorpusIndex(path: string): StoredCorpus | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch {
    return undefined;
  }
  if (buf.length < MAGIC.length + 4 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
  try {
    const len = buf.readUInt32LE(MAGIC.length);
    const h = JSON.parse(buf.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + len)) as {
      vocab: number; files: string[]; skipped: number; discountRaw: number[]; discountCont: number[]; arrays: { name: string; length: number }[];
    };
    // views need 8-byte alignment of the whole buffer; a pooled small read may not have it
    const bytes = buf.byteOffset % 8 === 0 ? buf : Buffer.from(new Uint8Array(buf));
    let offset = Math.ceil((MAGIC.length + 4 + len) / 8) * 8;
    const got = new Map<string, Int32Array | Float64Array>();
    for (const { name, length } of h.arrays) {
      const a = new Int32Array(bytes.buffer, bytes.byteOffset + offset, length);
      got.set(name, a);
      offset += Math.ceil(a.byteLength / 8) * 8;
    }
    if (offset > bytes.length) return undefined;
    const arr = (name: string) => {
      const a = got.get(name);
      if (!a) throw new Error(`no ${name}`);
      return a as Int32Array;
    };
    const index: NgramIndex = {
      vocab: h.vocab,
      tokens: arr('tokens'),
      sa: arr('sa'),
      lo: [new Int32Array(0), ...Array.from({ length: MAX_ORDER }, (_, i) => arr(`lo${i + 1}`))],
      cont: [new Int32Array(0), ...Array.from({ length: MAX_ORDER - 1 }, (_, i) => arr(`cont${i + 1}`))],
      contSum: Array.from({ length: MAX_ORDER - 1 }, (_, i) => arr(`contSum${i}`)),
      discountRaw: h.discountRaw,
      discountCont: h.discountCont,
    };
    return { index, files: h.files, starts: arr('starts'), skipped: h.skipped };
  } catch {
    return undefined; // a damaged file is rebuilt, not trusted
  }
}
