import { RpcError } from '../../protocol/rpc';

/**
 * A Hub download or cache lookup that cannot go on: one line naming the repo, the file or the
 * variable to change. `code` crosses the protocol like the engine's other errors.
 */
export class HubError extends RpcError {
  constructor(message: string) {
    super('HubError', message);
  }
}

/** A downloaded file whose bytes do not match the Hub's hash or size; nothing of it is kept. */
export class HubIntegrityError extends RpcError {
  constructor(message: string) {
    super('HubIntegrityError', message);
  }
}
