import { basename } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { TokenizerError } from '../errors';
import { gitLfsPointerMessage, isGitLfsPointer } from '../../util/gitLfs';
import { MAX_CONFIG_BYTES, MAX_TOKENIZER_BYTES, readBoundedText } from '../../util/readBounded';
import type { TokenInfo } from '../../protocol/engine';

interface TokenizerJson {
  decoder?: { type?: string } | null;
  added_tokens?: { id: number; content: string; special?: boolean }[];
}

/**
 * A Hugging Face tokenizer.json, encoded exactly as the file says (post-processor specials such
 * as BOS included), plus the UTF-16 offset of every token in the input text so the editor can
 * decorate it. @huggingface/tokenizers returns no offsets, so they are derived here.
 */
export class TextTokenizer {
  private readonly tokenizer: Tokenizer;
  private readonly byteLevel: boolean;
  private readonly specialIds: Set<number>;
  private readonly addedContent = new Map<number, string>();
  readonly bosId: number | undefined;
  private readonly path: string;
  /** one past the largest token id the tokenizer knows */
  readonly vocabSize: number;

  constructor(tokenizerPath: string, tokenizerConfigPath?: string) {
    const json = readJsonObject(tokenizerPath, MAX_TOKENIZER_BYTES) as TokenizerJson;
    const config = tokenizerConfigPath ? readJsonObject(tokenizerConfigPath, MAX_CONFIG_BYTES) : {};
    checkAddedTokens(tokenizerPath, json.added_tokens);
    if (tokenizerConfigPath) checkAddedTokensDecoder(tokenizerConfigPath, config.added_tokens_decoder);
    checkModelSection(tokenizerPath, (json as { model?: unknown }).model);
    this.path = tokenizerPath;
    try {
      this.tokenizer = new Tokenizer(json, config);
      this.tokenizer.encode(''); // some broken sections (post_processor) fail only when used
    } catch (error) {
      // the library reads both files; its message says which key, we say which files
      const files = tokenizerConfigPath ? `${tokenizerPath} (with ${basename(tokenizerConfigPath)})` : tokenizerPath;
      throw new TokenizerError(`${files} could not be loaded as a tokenizer (${(error as Error).message}).`);
    }
    this.byteLevel = json.decoder?.type === 'ByteLevel';
    this.specialIds = new Set((json.added_tokens ?? []).filter((t) => t.special).map((t) => t.id));
    for (const t of json.added_tokens ?? []) this.addedContent.set(t.id, t.content);
    // ids run 0..n-1 with added tokens; the largest id bounds what encode can return
    let maxId = -1;
    for (const id of this.tokenizer.get_vocab(true).values()) if (id > maxId) maxId = id;
    for (const id of this.addedContent.keys()) if (id > maxId) maxId = id;
    this.vocabSize = maxId + 1;
    const probe = this.tokenizer.encode('');
    this.bosId = probe.ids.length > 0 && this.specialIds.has(probe.ids[0]) ? probe.ids[0] : undefined;
  }

  encode(text: string): TokenInfo[] {
    let enc: ReturnType<Tokenizer['encode']>;
    try {
      enc = this.tokenizer.encode(text);
    } catch (error) {
      throw new TokenizerError(`${this.path} could not encode the text (${(error as Error).message}).`);
    }
    const offsets = this.byteLevel ? this.byteLevelOffsets(text, enc.ids, enc.tokens) : this.decodeOffsets(text, enc.ids);
    return enc.ids.map((id, i) => ({
      id,
      text: this.tokenText(id),
      start: offsets[i][0],
      end: offsets[i][1],
      special: offsets[i][0] < 0,
    }));
  }

  /** Token ids only (no offsets: indexing a corpus needs none, and they cost as much again). */
  ids(text: string): number[] {
    try {
      return this.tokenizer.encode(text).ids;
    } catch (error) {
      throw new TokenizerError(`${this.path} could not encode the text (${(error as Error).message}).`);
    }
  }

  /** Readable text of one token (byte-level symbols decoded; partial UTF-8 shown as �). */
  tokenText(id: number): string {
    const added = this.addedContent.get(id);
    if (added !== undefined) return added;
    return this.tokenizer.decode([id], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  }

  decode(ids: number[]): string {
    if (ids.length === 0) return '';
    return this.tokenizer.decode(ids, { skip_special_tokens: true, clean_up_tokenization_spaces: false });
  }

  /** the id of a token by its text ("[MASK]"), or undefined when the vocabulary lacks it */
  tokenId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  isSpecial(id: number): boolean {
    return this.specialIds.has(id);
  }

  /** Byte-level BPE: each token's symbols map 1:1 to UTF-8 bytes of the input. */
  private byteLevelOffsets(text: string, ids: number[], tokens: string[]): [number, number][] {
    const bytes = Buffer.from(text, 'utf8');
    const { startOf, endOf } = utf16IndexOfBytes(text);
    const out: [number, number][] = [];
    let cursor = 0;
    for (let i = 0; i < ids.length; i++) {
      const added = this.addedContent.get(ids[i]);
      let tokenBytes: Buffer;
      if (added !== undefined) {
        tokenBytes = Buffer.from(added, 'utf8');
        // an lstrip token (RoBERTa's <mask>) takes the spaces before it
        let at = cursor;
        while (at < bytes.length && isSpaceByte(bytes[at]) && !bytes.subarray(at, at + tokenBytes.length).equals(tokenBytes)) at++;
        if (!bytes.subarray(at, at + tokenBytes.length).equals(tokenBytes)) {
          out.push([-1, -1]); // added by the post-processor (BOS/EOS), not in the text
          continue;
        }
        const end = at + tokenBytes.length;
        out.push([startOf(cursor), endOf(end)]);
        cursor = end;
        continue;
      } else {
        tokenBytes = byteLevelSymbolsToBytes(tokens[i]);
      }
      const end = Math.min(bytes.length, cursor + tokenBytes.length);
      out.push([startOf(cursor), endOf(end)]);
      cursor = end;
    }
    return out;
  }

  /** Other tokenizers: grow the decoded prefix one token at a time (approximate under normalisers). */
  private decodeOffsets(text: string, ids: number[]): [number, number][] {
    const out: [number, number][] = [];
    let prevLen = 0;
    for (let i = 0; i < ids.length; i++) {
      if (this.specialIds.has(ids[i]) && !text.includes(this.addedContent.get(ids[i]) ?? '\u0000')) {
        out.push([-1, -1]);
        continue;
      }
      const prefix = this.decode(ids.slice(0, i + 1)).replace(/\uFFFD+$/, '');
      const len = Math.min(text.length, Math.max(prevLen, prefix.length));
      out.push([prevLen, len]);
      prevLen = len;
    }
    return out;
  }
}

function isSpaceByte(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/** A JSON file that must hold an object, read with a size bound; errors name the file. */
function readJsonObject(path: string, maxBytes: number): Record<string, unknown> {
  const text = readBoundedText(path, maxBytes, (m) => new TokenizerError(m));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    if (isGitLfsPointer(path)) throw new TokenizerError(gitLfsPointerMessage(path, 'the tokenizer'));
    throw new TokenizerError(`${path} is not valid JSON (${(error as Error).message}).`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TokenizerError(`${path} must hold a JSON object.`);
  return parsed as Record<string, unknown>;
}

/** Special tokens' ids index the logits: −1 would read the last row, 1.5 nothing. */
function checkAddedTokens(path: string, added: unknown): void {
  if (added === undefined) return;
  if (!Array.isArray(added)) throw new TokenizerError(`${path}: added_tokens must be a list.`);
  for (const t of added as { id?: unknown; content?: unknown }[]) {
    const id = t?.id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= 2 ** 24) {
      const content = typeof t?.content === 'string' ? ` "${t.content.slice(0, 40)}"` : '';
      throw new TokenizerError(`${path}: added token${content} has id ${JSON.stringify(id) ?? 'missing'}; ids must be whole numbers ≥ 0.`);
    }
    if (typeof t.content !== 'string') throw new TokenizerError(`${path}: added token ${id} has no text (its content is not a string).`);
  }
}

/** tokenizer_config.json keys its added tokens by id: "-1" would name the last logits row. */
function checkAddedTokensDecoder(path: string, decoder: unknown): void {
  if (decoder === undefined || decoder === null) return;
  if (typeof decoder !== 'object' || Array.isArray(decoder)) throw new TokenizerError(`${path}: added_tokens_decoder must map ids to tokens.`);
  for (const key of Object.keys(decoder)) {
    if (!/^\d+$/.test(key) || Number(key) >= 2 ** 24) throw new TokenizerError(`${path}: added_tokens_decoder has the id "${key.slice(0, 40)}"; ids must be whole numbers ≥ 0.`);
  }
}

/**
 * The parts of the model section the tokenizer library trusts without checking: a BPE or
 * WordPiece vocabulary maps strings to whole-number ids, and merges are "a b" strings or [a, b]
 * pairs (anything else failed inside the library as "x.split is not a function").
 */
function checkModelSection(path: string, model: unknown): void {
  if (typeof model !== 'object' || model === null) throw new TokenizerError(`${path} has no "model" section.`);
  const m = model as { type?: unknown; vocab?: unknown; merges?: unknown };
  if (m.type === 'BPE' || m.type === 'WordPiece' || m.type === 'WordLevel') {
    if (typeof m.vocab !== 'object' || m.vocab === null || Array.isArray(m.vocab)) throw new TokenizerError(`${path}: model.vocab must map token texts to ids.`);
    for (const [text, id] of Object.entries(m.vocab)) {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw new TokenizerError(`${path}: model.vocab gives "${text.slice(0, 40)}" the id ${JSON.stringify(id)?.slice(0, 40)}; ids must be whole numbers ≥ 0.`);
    }
  }
  if (m.type === 'BPE' && m.merges !== undefined) {
    if (!Array.isArray(m.merges)) throw new TokenizerError(`${path}: model.merges must be a list.`);
    const bad = m.merges.findIndex((x) => !(typeof x === 'string' || (Array.isArray(x) && x.length === 2 && x.every((p) => typeof p === 'string'))));
    if (bad >= 0) throw new TokenizerError(`${path}: model.merges[${bad}] must be "a b" or ["a", "b"] (got ${JSON.stringify(m.merges[bad])?.slice(0, 40)}).`);
  }
}

let byteDecoder: Map<string, number> | undefined;

/** GPT-2's bytes_to_unicode, inverted: printable stand-in character → byte. */
function byteLevelDecoder(): Map<string, number> {
  if (byteDecoder) return byteDecoder;
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  byteDecoder = new Map(bs.map((b, i) => [String.fromCodePoint(cs[i]), b]));
  return byteDecoder;
}

function byteLevelSymbolsToBytes(token: string): Buffer {
  const map = byteLevelDecoder();
  const out: number[] = [];
  for (const ch of token) {
    const b = map.get(ch);
    if (b !== undefined) out.push(b);
    else out.push(...Buffer.from(ch, 'utf8'));
  }
  return Buffer.from(out);
}

/** Maps UTF-8 byte offsets of `text` to UTF-16 offsets, rounding inside a character outwards. */
function utf16IndexOfBytes(text: string): { startOf(b: number): number; endOf(b: number): number } {
  const byteToCharStart: number[] = [];
  const byteToCharEnd: number[] = [];
  let byte = 0;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) ?? 0;
    const units = cp > 0xffff ? 2 : 1;
    const nBytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < nBytes; k++) {
      byteToCharStart[byte + k] = i;
      byteToCharEnd[byte + k] = k === 0 ? i : i + units;
    }
    byte += nBytes;
    i += units;
  }
  byteToCharStart[byte] = text.length;
  byteToCharEnd[byte] = text.length;
  return {
    startOf: (b) => byteToCharStart[Math.min(b, byte)],
    endOf: (b) => byteToCharEnd[Math.min(b, byte)],
  };
}
