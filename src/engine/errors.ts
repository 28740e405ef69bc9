import { RpcError } from '../protocol/rpc';

// Errors a user can act on. Each has a stable `code` that crosses the protocol unchanged.

export class ModelLoadError extends RpcError {
  constructor(message: string) {
    super('ModelLoadError', message);
  }
}

export class TokenizerError extends RpcError {
  constructor(message: string) {
    super('TokenizerError', message);
  }
}

export class InputError extends RpcError {
  constructor(message: string) {
    super('InputError', message);
  }
}

export class EngineCrashedError extends RpcError {
  constructor(detail: string) {
    super('EngineCrashed', `The Tensorloupe engine process stopped (${detail}). The next request starts it again.`);
  }
}
