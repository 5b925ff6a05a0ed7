/**
 * Warn and go on (src/errors/warn.ts): a caught error becomes a warning with
 * the error's own code (or the caller's fallback), reporting never throws,
 * and a promise nobody awaits rejects as a warning, never as an unhandled
 * rejection, unless someone observes it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MarkersError } from '../src/errors/markers-error.js';
import { emitMarkersWarning, warnError, warnUnlessObserved } from '../src/errors/warn.js';
import { captureWarnings } from './helpers/warnings.js';

const codeOf = (w: Error): unknown => (w as { code?: unknown }).code;

test("a caught error is a MarkersWarning with its own code, or the fallback's", async () => {
  const warnings = await captureWarnings(() => {
    warnError(new MarkersError('ERR_TRACE_WRITE', 'disk full'), 'writing', 'ERR_FALLBACK');
    warnError(new Error('plain'), 'plain thing', 'ERR_FALLBACK');
    warnError('a string', 'thrown string', 'ERR_FALLBACK');
  });
  assert.deepEqual(warnings.map(codeOf), ['ERR_TRACE_WRITE', 'ERR_FALLBACK', 'ERR_FALLBACK']);
  assert.deepEqual(
    warnings.map((w) => w.message),
    ['writing: disk full', 'plain thing: plain', 'thrown string: a string'],
  );
  assert.ok(warnings.every((w) => w.name === 'MarkersWarning'));
});

test('reporting never throws: not for a hostile error, not when emitWarning itself throws', async () => {
  const hostile = {
    get code(): string {
      throw new Error('code getter');
    },
    toString(): string {
      throw new Error('toString');
    },
  };
  const warnings = await captureWarnings(() => {
    assert.doesNotThrow(() => warnError(hostile, 'hostile', 'ERR_FALLBACK'));
  });
  assert.deepEqual(warnings.map(codeOf), ['ERR_FALLBACK']);

  const emitWarning = process.emitWarning;
  process.emitWarning = (() => {
    throw new Error('no stderr');
  }) as typeof process.emitWarning;
  try {
    assert.doesNotThrow(() => emitMarkersWarning('lost', 'ERR_X'));
    assert.doesNotThrow(() => warnError(new Error('lost too'), 'ctx', 'ERR_X'));
  } finally {
    process.emitWarning = emitWarning;
  }
});

test('a rejection nobody observes is a warning, not an unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    let observed = false;
    const warnings = await captureWarnings(async () => {
      const failed = Promise.reject(new MarkersError('ERR_INVALID_PATTERN', 'bad'));
      warnUnlessObserved(failed, () => observed, 'markers: it did not start', 'ERR_START');
      await new Promise((resolve) => setImmediate(resolve));
    });
    assert.deepEqual(warnings.map(codeOf), ['ERR_INVALID_PATTERN']);
    assert.match(warnings[0]?.message ?? '', /^markers: it did not start: bad$/);

    // Observed (someone awaits it and gets the error): no warning.
    observed = true;
    const quiet = await captureWarnings(async () => {
      const failed = Promise.reject(new Error('seen'));
      warnUnlessObserved(failed, () => observed, 'ctx', 'ERR_START');
      await assert.rejects(failed, /seen/);
    });
    assert.deepEqual(quiet, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  assert.deepEqual(unhandled, []);
});
