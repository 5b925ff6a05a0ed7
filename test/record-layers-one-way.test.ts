/**
 * src/record is split by role (docs/record.md): the producer (producer/) and
 * the consumer (consumer/) share src/abi and the top of src/record, never
 * each other's code, but for the consumer's use of the producer's clock
 * origin; record reaches src/trace only through the trace directory writer;
 * and the structures the roles exchange are defined in src/abi alone.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? files(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** The src-relative paths a file imports (static and dynamic), as .ts files. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map(
    (m) => m[1] as string,
  );
  return specs.map((spec) => relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '.ts'));
}

test('the producer imports nothing of the consumer, and the consumer only the clock of the producer', () => {
  const crossings: string[] = [];
  for (const file of files(join(SRC, 'record/producer'))) {
    for (const target of imports(file)) {
      if (target.startsWith('record/consumer/'))
        crossings.push(`${relative(SRC, file)} -> ${target}`);
    }
  }
  for (const file of files(join(SRC, 'record/consumer'))) {
    for (const target of imports(file)) {
      if (target.startsWith('record/producer/') && target !== 'record/producer/clock.ts') {
        crossings.push(`${relative(SRC, file)} -> ${target}`);
      }
    }
  }
  assert.deepEqual(crossings, []);
});

test('src/record reaches src/trace only through the trace directory writer', () => {
  const reached = new Set<string>();
  for (const file of files(join(SRC, 'record'))) {
    for (const target of imports(file)) if (target.startsWith('trace/')) reached.add(target);
  }
  assert.deepEqual([...reached], ['trace/writer.ts']);
});

test('the recording counters and the trace descriptions are defined in src/abi only', () => {
  const shared = [
    'RecordingStats',
    'ThreadRecordingStats',
    'TraceDescription',
    'StreamDescription',
    'EventDescription',
  ];
  const defined: string[] = [];
  for (const file of files(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const name of shared) {
      if (new RegExp(`(interface|type)\\s+${name}\\b`).test(text))
        defined.push(`${name} in ${relative(SRC, file)}`);
    }
  }
  assert.deepEqual(defined.sort(), [
    'EventDescription in abi/trace-description.ts',
    'RecordingStats in abi/recording-stats.ts',
    'StreamDescription in abi/trace-description.ts',
    'ThreadRecordingStats in abi/recording-stats.ts',
    'TraceDescription in abi/trace-description.ts',
  ]);
});
