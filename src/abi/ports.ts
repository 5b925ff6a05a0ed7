/**
 * The messages between a thread and markers' own workers, over their
 * MessagePort (parentPort): the consumer worker of record() and the control
 * server's worker. Both ends are the same copy of markers (the worker runs
 * the files of the copy that spawned it), so these change with the package
 * and carry no version; they use abi/envelope.ts's envelope all the same,
 * and abi/wire-error.ts's errors, so `code` and `details` survive.
 */
import type { RecordingOptions } from '../record/options.js';
import type { Outcome } from './envelope.js';
import type { RecordingStats } from './recording-stats.js';

/** What the consumer worker (record/consumer/consumer-worker.ts) answers: `{ op: { args, result } }`. */
export interface ConsumerOps {
  /** Starts the recording; `caller` is the thread that called record(), to be recorded. */
  start: {
    args: { readonly options: RecordingOptions; readonly dir: string; readonly caller: number };
    result: { readonly id: string; readonly uuid: string };
  };
  /** undefined only before `start` finished (the parent never asks then). */
  stats: { args: Record<string, never>; result: RecordingStats | undefined };
  snapshot: { args: { readonly dir: string }; result: RecordingStats | undefined };
  stop: { args: Record<string, never>; result: RecordingStats | undefined };
  /** Says goodbye to the other threads before the parent terminates the worker. */
  close: { args: Record<string, never>; result: true };
}

export type ConsumerOp = keyof ConsumerOps;

/** One request to the consumer worker, of any op. */
export type ConsumerRequest = {
  [Op in ConsumerOp]: PortRequest<Op, ConsumerOps[Op]['args']>;
}[ConsumerOp];

/** A request on a worker port: the envelope's `{ id, op, args }`. */
export interface PortRequest<Op extends string = string, Args = unknown> {
  readonly id: number;
  readonly op: Op;
  readonly args: Args;
}

/** Its answer: `{ id, ...Outcome }`. */
export type PortReply<Result = unknown> = Outcome<Result> & { readonly id: number };

/**
 * A worker's first word (threads/ready.ts): it can take requests now, with
 * what it has to say, or the error that kept it from starting. Every
 * worker markers starts and waits for says it, the envelope's Outcome.
 */
export type ReadyMessage<Result = unknown> = Outcome<Result> & { readonly type: 'ready' };

/** What the control server's worker (control/worker.ts) tells the thread that started it, once ready. */
export type ControlWorkerMessage =
  /** `markers run --record`: the recording is on, the application may go on. */
  { readonly type: 'resume' };
