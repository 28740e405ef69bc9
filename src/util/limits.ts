/** Selections longer than this many characters are refused before tokenising (the UI says why). */
export const MAX_TEXT_CHARS = 2_000_000;
