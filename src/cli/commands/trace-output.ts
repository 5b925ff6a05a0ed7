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
