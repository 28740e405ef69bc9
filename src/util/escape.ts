/**
 * Escapes what a terminal or an editor would act on instead of showing: C0 and C1 control
 * characters (ESC starts the sequences that clear a screen or move the cursor; 0x9b is a one-byte
 * CSI), line and paragraph separators, and the bidirectional overrides that reorder text
 * ("trojan source"). Messages carry names from models and files (graph input and output names,
 * tokens, paths), so every error message goes through this before it is printed or sent.
 * Newlines are escaped too: an error message is one line.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

/** JSON.stringify leaves C1 controls, separators and bidi overrides raw; as \uXXXX escapes the JSON stays valid and a terminal safe. */
export function escapeJsonControl(json: string): string {
  return json.replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
