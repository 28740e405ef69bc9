/** Errors of the instrumenter: each has a `code` that crosses the protocol and a message the user can act on. */
export type InstrumentErrorCode =
  | 'MODEL_NOT_FOUND'
  | 'MODEL_UNREADABLE'
  | 'MODEL_TRUNCATED'
  | 'EXTERNAL_DATA_MISSING'
  | 'HOOK_UNKNOWN'
  | 'RECOMPUTE_UNSUPPORTED'
  | 'CACHE_UNWRITABLE';

export class InstrumentError extends Error {
  readonly code: InstrumentErrorCode;

  constructor(code: InstrumentErrorCode, message: string) {
    super(message);
    this.name = 'InstrumentError';
    this.code = code;
  }
}
