/**
 * The one message envelope of every request/answer exchange in markers:
 *   - between threads, on the threads channel (abi/threads.ts: command, reply);
 *   - with the consumer worker of record() (abi/ports.ts: WorkerRequest, WorkerReply);
 *   - over the control socket (abi/control-protocol.ts: Request, ServerLine).
 * A request is `{ id, op, args }` (the socket spells `op` as `cmd`, and adds
 * its version `v`); an answer is `{ id, ...Outcome }`. Append-only: never
 * reorder, rename or remove a field.
 */
import type { WireError } from './wire-error.js';

export type { WireError } from './wire-error.js';

/** What a request came to: a result, or the error it threw (abi/wire-error.ts). */
export type Outcome<Result = unknown> =
  | { readonly ok: true; readonly result: Result }
  | { readonly ok: false; readonly error: WireError };
