/**
 * `markers/trace`: read markers' CTF traces and convert them, from code.
 * A subpath of its own because its types use Node's stream and fs types,
 * which the core entry point does not require of its users.
 */

export type {
  EventDescription,
  StreamDescription,
  TraceDescription,
} from '../abi/trace-description.js';
export {
  type ConvertSummary,
  convertTrace,
  OUTPUT_FORMATS,
  type OutputFormat,
  type Sink,
  StreamSink,
} from './convert/convert.js';
export { renderMetadata } from './metadata.js';
/** @deprecated the former name of TraceEntry (an event or a discard notice, not a recording). */
export type { TraceEntry as TraceRecord } from './reader/reader.js';
export {
  type DiscardedNotice,
  type FieldValue,
  openTrace,
  type StreamStats,
  type Trace,
  type TraceEntry,
  type TraceEvent,
} from './reader/reader.js';
