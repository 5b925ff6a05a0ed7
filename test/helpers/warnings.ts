/** Collects process warnings emitted while `fn` runs and for a few event-loop turns after. */
export async function captureWarnings(fn: () => unknown | Promise<unknown>): Promise<Error[]> {
  const seen: Error[] = [];
  const listener = (warning: Error): void => {
    seen.push(warning);
  };
  process.on('warning', listener);
  try {
    await fn();
    // emitWarning delivers on process.nextTick; let it land.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}
