/** The stderr line that `view` and `convert` print when the recorder lost events. */
import type { ConvertSummary } from '../../trace/convert/convert.js';

export function reportDiscarded(
  command: string,
  summary: ConvertSummary,
  stderr: NodeJS.WritableStream,
): void {
  if (summary.discardedEvents === 0 && summary.discardedPackets === 0) return;
  const lost = [
    summary.discardedEvents > 0 ? `${summary.discardedEvents} events` : '',
    summary.discardedPackets > 0 ? `${summary.discardedPackets} packets` : '',
  ].filter((s) => s !== '');
  stderr.write(`markers ${command}: warning: the recorder discarded ${lost.join(' and ')}\n`);
}
