/**
 * Opening the output of `view` and `convert`: stdout for `-`, otherwise a
 * file created exclusively unless --force, so that an existing file is never
 * clobbered by mistake (ERR_OUTPUT_EXISTS).
 */
import { once } from 'node:events';
import { open } from 'node:fs/promises';
import { ErrorCode, MarkersError } from '../../errors/markers-error.js';

export interface Output {
  readonly stream: NodeJS.WritableStream;
  /** Ends a file output and waits until it is on disk; leaves stdout open. */
  close(): Promise<void>;
}

/** True for the error a write gets once the reader of a pipe is gone (`markers view | head`). */
export function isBrokenPipe(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'EPIPE';
}

/**
 * Writes to stdout through `write`; a closed pipe ends the command quietly
 * with success, as for any Unix filter. The listener keeps a late EPIPE
 * 'error' event from becoming an uncaught exception.
 */
export async function toStdout(
  stdout: NodeJS.WritableStream,
  write: () => Promise<void>,
): Promise<void> {
  const ignore = (): void => {};
  stdout.on('error', ignore);
  try {
    await write();
  } catch (error) {
    if (!isBrokenPipe(error)) throw error;
  } finally {
    stdout.off('error', ignore);
  }
}

export async function openOutput(
  path: string,
  force: boolean,
  stdout: NodeJS.WritableStream,
): Promise<Output> {
  if (path === '-') return { stream: stdout, close: async () => {} };
  const handle = await open(path, force ? 'w' : 'wx').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') {
      throw new MarkersError(
        ErrorCode.OUTPUT_EXISTS,
        `${path} exists; use --force to overwrite it`,
        {
          file: path,
        },
      );
    }
    throw new MarkersError(
      ErrorCode.INVALID_ARGUMENT,
      `cannot write ${path}: ${error.code ?? error.message}`,
      {
        file: path,
      },
    );
  });
  const stream = handle.createWriteStream();
  return {
    stream,
    close: async () => {
      stream.end();
      await once(stream, 'close');
    },
  };
}
