/**
 * One conformance suite for every output format, in the style of hono's
 * common.case.test.ts: each format's test file calls convertConformance with
 * its decoder, and the same checks run against text, JSON lines and
 * Perfetto: every sample event present, in order, on its thread, with its
 * exact values; discarded events shown; a corrupt trace converted up to the
 * damage, then rejected with its code.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { PacketHeader } from '../../src/abi/trace-layout.js';
import { isMarkersError } from '../../src/errors/markers-error.js';
import { convertTrace, type OutputFormat, StreamSink } from '../../src/trace/convert/convert.js';
import { openTrace } from '../../src/trace/reader/reader.js';
import type { Decoded } from './decoders.js';
import {
  type ExpectedEvent,
  SAMPLE_DISCARDED,
  SAMPLE_EVENTS,
  SAMPLE_TRACE,
} from './sample-trace.js';
import { writeTrace } from './trace-writer.js';

export interface FormatUnderTest {
  readonly format: OutputFormat;
  readonly decode: (bytes: Buffer) => Decoded;
  /** The name the format gives an expected event (Perfetto: slice begin/end/instant). */
  readonly nameOf?: (event: ExpectedEvent) => string;
}

/** Converts a trace directory in memory; returns the bytes and the error, if any. */
export async function convertToBuffer(
  dir: string,
  format: OutputFormat,
): Promise<{ bytes: Buffer; error: unknown }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  let error: unknown;
  try {
    await convertTrace(await openTrace(dir), format, new StreamSink(out));
  } catch (e) {
    error = e;
  }
  out.end();
  return { bytes: Buffer.concat(chunks), error };
}

/** Exact comparison that lets each format spell a 64-bit int its own way (number, bigint, decimal or hex text). */
function assertSameValue(got: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'bigint') {
    assert.ok(
      ['bigint', 'number', 'string'].includes(typeof got),
      `${where}: ${String(got)} is not an integer`,
    );
    if (typeof got === 'number')
      assert.ok(Number.isSafeInteger(got), `${where}: ${got} lost precision`);
    assert.equal(BigInt(got as string), expected, where);
  } else if (typeof expected === 'number') {
    assert.equal(typeof got === 'bigint' ? Number(got) : got, expected, where);
  } else {
    assert.deepEqual(got, expected, where);
  }
}

function assertHolds(
  decoded: Decoded,
  expected: readonly ExpectedEvent[],
  spec: FormatUnderTest,
): void {
  const nameOf = spec.nameOf ?? ((e: ExpectedEvent) => e.name);
  assert.equal(decoded.events.length, expected.length, 'event count');
  for (const [i, want] of expected.entries()) {
    const got = decoded.events[i];
    assert.ok(got);
    const where = `${spec.format} event ${i} (${want.name})`;
    assert.equal(got.ts, want.timestamp, `${where} timestamp`);
    assert.equal(got.thread, want.threadName, `${where} thread`);
    assert.equal(got.name, nameOf(want), `${where} name`);
    assert.deepEqual(Object.keys(got.fields), Object.keys(want.fields), `${where} field names`);
    for (const [k, v] of Object.entries(want.fields))
      assertSameValue(got.fields[k], v, `${where} field ${k}`);
  }
}

export function convertConformance(spec: FormatUnderTest): void {
  test(`${spec.format}: every event is present with its exact values`, async () => {
    const { dir } = writeTrace(SAMPLE_TRACE);
    const { bytes, error } = await convertToBuffer(dir, spec.format);
    assert.equal(error, undefined);
    assertHolds(spec.decode(bytes), SAMPLE_EVENTS, spec);
  });

  test(`${spec.format}: discarded events are shown on their thread`, async () => {
    const { dir } = writeTrace(SAMPLE_TRACE);
    const { bytes } = await convertToBuffer(dir, spec.format);
    assert.deepEqual(
      spec.decode(bytes).discarded,
      [SAMPLE_DISCARDED].map((d) => ({ thread: d.threadName, events: d.events })),
    );
  });

  test(`${spec.format}: a corrupt trace is converted up to the damage, then rejected`, async () => {
    const trace = writeTrace(SAMPLE_TRACE);
    // Bad magic on the worker's second packet: its first event, and all of main, stay readable.
    const path = trace.files[1]?.path as string;
    const data = readFileSync(path);
    data.writeUInt32LE(0, (trace.files[1]?.packetOffsets[1] as number) + PacketHeader.MAGIC);
    writeFileSync(path, data);
    const { bytes, error } = await convertToBuffer(trace.dir, spec.format);
    assert.ok(isMarkersError(error, 'ERR_TRACE_CORRUPT'));
    const readable = SAMPLE_EVENTS.filter(
      (e) => e.threadName === 'main' || e.timestamp === SAMPLE_EVENTS[1]?.timestamp,
    );
    assertHolds(spec.decode(bytes), readable, spec);
  });
}
