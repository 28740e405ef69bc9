import { join } from 'node:path';
import type * as TS from 'typescript';
import { InputError } from '../../errors';
import { TOKEN_CATEGORIES } from '../../../protocol/projector';
import type { LabelledSpan, TokenDataset } from './datasetTypes';

// Token-level tasks labelled from the workspace's own TS/JS code by the TypeScript compiler's
// scanner: each scanner token (trivia included) becomes a labelled character span, and a model
// token takes the label of the scanner token under its first non-space character (tokenLabels.ts).
// The scanner alone does not know template continuations or regular expressions (the parser
// tells it); a brace stack re-scans `}` inside `${…}` and the previous significant token decides
// whether `/` starts a regular expression, the same rule editors' tokenisers use.

export const BUILTIN_TASKS = ['builtin:category', 'builtin:in-string', 'builtin:depth'] as const;
export type BuiltinTask = (typeof BUILTIN_TASKS)[number];

/** the projector colours by these too, so they live in its protocol */
export const CATEGORY_LABELS = TOKEN_CATEGORIES;
export const IN_STRING_LABELS = ['string-or-comment', 'code'] as const;
/** Bracket depths above this share one label ("4+"). */
export const MAX_DEPTH_LABEL = 4;

/** The files the TypeScript scanner reads: TS and JS, JSX and the module variants. */
export const TS_JS_FILE = /\.(m|c)?[jt]sx?$/i;
/** JSX files scan in the JSX variant (a `<` can open an element). */
export const JSX_FILE = /\.[jt]sx$/i;

export function isBuiltinTask(name: string): name is BuiltinTask {
  return (BUILTIN_TASKS as readonly string[]).includes(name);
}

export interface SourceFile {
  path: string;
  text: string;
}

interface ScannedToken {
  kind: TS.SyntaxKind;
  start: number;
  end: number;
}

/** Set by esbuild.config.mjs in the engine and CLI bundles: the compiler's own bundle beside them. */
declare const TENSORLOUPE_TYPESCRIPT_BUNDLE: string | undefined;

/**
 * The compiler, loaded on first use: it is 3.4 MB minified, and evaluated at start-up it cost
 * every engine and CLI start ~0.3 s whether a probe ran or not. Bundled, it is dist/typescript.js
 * (a require of a computed name, so esbuild leaves it out of engine.js and cli.js); run from the
 * sources (tests), it is the typescript package.
 */
let loaded: { ts: typeof TS; kinds: ReturnType<typeof kindSets> } | undefined;
function compiler(): { ts: typeof TS; kinds: ReturnType<typeof kindSets> } {
  if (!loaded) {
    const name = typeof TENSORLOUPE_TYPESCRIPT_BUNDLE === 'string' ? join(__dirname, TENSORLOUPE_TYPESCRIPT_BUNDLE) : ['type', 'script'].join('');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require(name) as typeof TS;
    loaded = { ts, kinds: kindSets(ts) };
  }
  return loaded;
}

function kindSets(ts: typeof TS) {
  const K = ts.SyntaxKind;
  return {
    PUNCTUATION: new Set([K.OpenBraceToken, K.CloseBraceToken, K.OpenParenToken, K.CloseParenToken, K.OpenBracketToken, K.CloseBracketToken,
      K.SemicolonToken, K.CommaToken, K.DotToken, K.DotDotDotToken, K.ColonToken, K.AtToken, K.HashToken, K.BacktickToken]),
    OPENERS: new Set([K.OpenBraceToken, K.OpenParenToken, K.OpenBracketToken, K.TemplateHead]),
    CLOSERS: new Set([K.CloseBraceToken, K.CloseParenToken, K.CloseBracketToken, K.TemplateTail]),
    STRINGS: new Set([K.StringLiteral, K.NoSubstitutionTemplateLiteral, K.TemplateHead, K.TemplateMiddle, K.TemplateTail, K.RegularExpressionLiteral, K.JsxText]),
    TRIVIA: new Set([K.WhitespaceTrivia, K.NewLineTrivia, K.ShebangTrivia, K.ConflictMarkerTrivia]),
    COMMENTS: new Set([K.SingleLineCommentTrivia, K.MultiLineCommentTrivia]),
    /** after these, `/` divides; elsewhere it starts a regular expression */
    ENDS_EXPRESSION: new Set([K.Identifier, K.NumericLiteral, K.BigIntLiteral, K.StringLiteral, K.NoSubstitutionTemplateLiteral, K.TemplateTail,
      K.RegularExpressionLiteral, K.CloseParenToken, K.CloseBracketToken, K.CloseBraceToken, K.ThisKeyword, K.SuperKeyword, K.TrueKeyword,
      K.FalseKeyword, K.NullKeyword, K.PlusPlusToken, K.MinusMinusToken, K.ExclamationToken]),
  };
}

/** One scanner per language variant, reused: creating one per text cost more than scanning a vocabulary token (50,000 took 0.8 s). */
const scanners = new Map<boolean, TS.Scanner>();
function scannerFor(ts: typeof TS, jsx: boolean): TS.Scanner {
  let scanner = scanners.get(jsx);
  if (!scanner) {
    scanner = ts.createScanner(ts.ScriptTarget.Latest, false, jsx ? ts.LanguageVariant.JSX : ts.LanguageVariant.Standard);
    scanners.set(jsx, scanner);
  }
  return scanner;
}

/** Every token of a TS/JS text, trivia included, covering it end to end. */
export function scanTokens(text: string, jsx = false): ScannedToken[] {
  const { ts, kinds: { TRIVIA, COMMENTS, ENDS_EXPRESSION } } = compiler();
  const K = ts.SyntaxKind;
  const scanner = scannerFor(ts, jsx);
  scanner.setText(text);
  const out: ScannedToken[] = [];
  const braces: number[] = []; // per open `${`: the brace depth at which its `}` resumes the template
  let depth = 0;
  let previous: TS.SyntaxKind = K.Unknown;
  for (let kind = scanner.scan(); kind !== K.EndOfFileToken; kind = scanner.scan()) {
    if (kind === K.OpenBraceToken) depth++;
    if (kind === K.CloseBraceToken) {
      if (braces.length && braces[braces.length - 1] === depth) {
        braces.pop();
        kind = scanner.reScanTemplateToken(false);
      } else depth--;
    }
    if (kind === K.TemplateHead || kind === K.TemplateMiddle) braces.push(depth);
    if ((kind === K.SlashToken || kind === K.SlashEqualsToken) && !ENDS_EXPRESSION.has(previous)) kind = scanner.reScanSlashToken();
    out.push({ kind, start: scanner.getTokenStart(), end: scanner.getTokenEnd() });
    if (!TRIVIA.has(kind) && !COMMENTS.has(kind)) previous = kind;
  }
  scanner.setText(''); // the reused scanner would otherwise hold on to the last (maybe large) file
  return out;
}

export function categoryOf(kind: TS.SyntaxKind): (typeof CATEGORY_LABELS)[number] {
  const { ts, kinds: { STRINGS, COMMENTS, TRIVIA, PUNCTUATION } } = compiler();
  const K = ts.SyntaxKind;
  if (kind >= K.FirstKeyword && kind <= K.LastKeyword) return 'keyword';
  if (kind === K.Identifier || kind === K.PrivateIdentifier) return 'identifier';
  if (STRINGS.has(kind)) return 'string';
  if (kind === K.NumericLiteral || kind === K.BigIntLiteral) return 'number';
  if (COMMENTS.has(kind)) return 'comment';
  if (TRIVIA.has(kind)) return 'whitespace';
  if (PUNCTUATION.has(kind)) return 'punctuation';
  return 'operator'; // the remaining punctuators: = + => ?? && … (and any unknown character)
}

/** The labelled spans of one file for one task. */
export function labelSpans(task: BuiltinTask, text: string, jsx = false): LabelledSpan[] {
  const tokens = scanTokens(text, jsx);
  const { ts, kinds: { STRINGS, COMMENTS, OPENERS, CLOSERS } } = compiler();
  const K = ts.SyntaxKind;
  if (task === 'builtin:category') return tokens.map((t) => ({ start: t.start, end: t.end, label: categoryOf(t.kind) }));
  if (task === 'builtin:in-string') {
    return tokens.map((t) => ({ start: t.start, end: t.end, label: STRINGS.has(t.kind) || COMMENTS.has(t.kind) ? IN_STRING_LABELS[0] : IN_STRING_LABELS[1] }));
  }
  // bracket depth: how many brackets enclose the token; a bracket itself sits at the outer depth
  let depth = 0;
  return tokens.map((t) => {
    if (CLOSERS.has(t.kind) || t.kind === K.TemplateMiddle) depth = Math.max(0, depth - 1);
    const label = depth >= MAX_DEPTH_LABEL ? `${MAX_DEPTH_LABEL}+` : String(depth);
    if (OPENERS.has(t.kind) || t.kind === K.TemplateMiddle) depth++;
    return { start: t.start, end: t.end, label };
  });
}

/** Characters per piece of a file at most: pieces are the texts the split keeps apart (and each fits a forward pass). */
export const PIECE_CHARS = 1500;
/** Pieces are smaller for a small corpus (about 12 of them), down to this many characters. */
export const MIN_PIECE_CHARS = 300;

/** Cuts a text at line ends into pieces of at most `max` characters (a longer line is cut where it must be). */
export function pieceBounds(text: string, max = PIECE_CHARS): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + max);
    if (end < text.length) {
      const newline = text.lastIndexOf('\n', end - 1);
      if (newline >= start) end = newline + 1;
    }
    out.push([start, end]);
    start = end;
  }
  return out;
}

/**
 * A builtin task over TS/JS files, every character labelled (nothing is "outside"). Each file is
 * scanned whole (a string or comment may span lines) and then cut into pieces of at most
 * PIECE_CHARS at line ends (smaller for a small corpus), so a one-file workspace still has texts for training, validation and test.
 */
export function builtinDataset(task: BuiltinTask, files: SourceFile[]): TokenDataset {
  if (files.length === 0) throw new InputError(`${task} needs TypeScript or JavaScript files (--files GLOB, e.g. "src/**/*.ts"); none matched.`);
  const texts: string[] = [];
  const spans: LabelledSpan[][] = [];
  const sources: string[] = [];
  const total = files.reduce((n, f) => n + f.text.length, 0);
  const pieceChars = Math.max(MIN_PIECE_CHARS, Math.min(PIECE_CHARS, Math.ceil(total / 12)));
  for (const f of files) {
    const all = labelSpans(task, f.text, JSX_FILE.test(f.path));
    let k = 0;
    for (const [a, b] of pieceBounds(f.text, pieceChars)) {
      const piece: LabelledSpan[] = [];
      while (k < all.length && all[k].end <= a) k++;
      for (let j = k; j < all.length && all[j].start < b; j++) piece.push({ start: Math.max(a, all[j].start) - a, end: Math.min(b, all[j].end) - a, label: all[j].label });
      texts.push(f.text.slice(a, b));
      spans.push(piece);
      sources.push(f.path);
    }
  }
  return { task: 'token', name: task, texts, spans, outside: undefined, sources };
}
