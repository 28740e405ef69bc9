/**
 * The parts of a token's text that surprisal colours: one piece per line, without the line's
 * leading indentation or the line break. A token such as "\n    if" would otherwise paint the
 * whole indentation, which reads as a bar in the margin rather than as the token.
 * `text` is the document; offsets are UTF-16 offsets into it; pieces are [start, end).
 */
export function visiblePieces(text: string, start: number, end: number): [number, number][] {
  const pieces: [number, number][] = [];
  let pos = Math.max(0, start);
  const stop = Math.min(end, text.length);
  while (pos < stop) {
    const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
    let indentEnd = lineStart;
    while (indentEnd < text.length && (text[indentEnd] === ' ' || text[indentEnd] === '\t')) indentEnd++;
    const newline = text.indexOf('\n', pos);
    let lineEnd = newline === -1 ? text.length : newline;
    if (lineEnd > lineStart && text[lineEnd - 1] === '\r') lineEnd--;
    const from = Math.max(pos, indentEnd);
    const to = Math.min(stop, lineEnd);
    if (to > from) pieces.push([from, to]);
    if (newline === -1) break;
    pos = newline + 1;
  }
  return pieces;
}
