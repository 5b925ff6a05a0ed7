/**
 * The output formats of `markers view` and `markers convert`, by name.
 */
import type { Trace } from '../reader/reader.js';
import { type ConvertSummary, type Formatter, runFormatter } from './formatter.js';
import { JsonLinesFormatter } from './jsonl.js';
import { PerfettoFormatter } from './perfetto.js';
import type { Sink } from './sink.js';
import { TextFormatter } from './text.js';

export const OUTPUT_FORMATS = ['perfetto', 'jsonl', 'text'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function isOutputFormat(name: string): name is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(name);
}

export function createFormatter(format: OutputFormat, trace: Trace): Formatter {
  switch (format) {
    case 'perfetto':
      return new PerfettoFormatter(trace);
    case 'jsonl':
      return new JsonLinesFormatter();
    case 'text':
      return new TextFormatter();
  }
}

/** Converts every record of `trace` into `sink`; throws the reader's error after writing what was readable. */
export function convertTrace(
  trace: Trace,
  format: OutputFormat,
  sink: Sink,
): Promise<ConvertSummary> {
  return runFormatter(trace, createFormatter(format, trace), sink);
}

export type { ConvertSummary, Formatter } from './formatter.js';
export { type Sink, StreamSink } from './sink.js';
