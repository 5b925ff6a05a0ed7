/**
 * The peers, measured with the same loop and the same arguments (two numbers
 * and a short string) as the core cases, plus two reference points from
 * ANCHORS.md: a plain boolean field that is never written, and one that was.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { trace } from '@opentelemetry/api';
import createDebug from 'debug';
import { pino } from 'pino';
import { defineSuite } from '../harness/case.js';

const noop = (): void => {};

/** As in core/disabled-after-cycles. */
const CYCLES = 3;

export default defineSuite({
  description: 'peers and reference points, same loop and arguments',
  cases: [
    {
      kind: 'loop',
      name: 'flag-never-written',
      title: 'reference: if (flag.on) f(a, b, s), field never written',
      peer: true,
      setup: () => ({ flag: { on: false }, f: noop }),
      body: 'if (flag.on) f(a, b, s);',
    },
    {
      kind: 'loop',
      name: 'flag-toggled',
      title: 'reference: the same after the field was toggled once',
      peer: true,
      setup: () => {
        const flag = { on: false };
        flag.on = true;
        flag.on = false;
        return { flag, f: noop };
      },
      body: 'if (flag.on) f(a, b, s);',
    },
    {
      kind: 'loop',
      name: 'dc-guarded-0',
      title: 'diagnostics_channel, hasSubscribers check, 0 subscribers',
      peer: true,
      setup: () => ({ ch: diagnosticsChannel.channel('bench.dc.zero') }),
      body: 'if (ch.hasSubscribers) ch.publish({ a, b, s });',
    },
    {
      kind: 'loop',
      name: 'dc-guarded-after-cycles',
      title: `diagnostics_channel, hasSubscribers check, 0 subscribers after ${CYCLES} hot cycles`,
      peer: true,
      setup: () => ({ ch: diagnosticsChannel.channel('bench.dc.cycled') }),
      // The same history as core/disabled-after-cycles: the loop runs hot
      // with and without a subscriber, three times.
      prepare({ bindings, run }) {
        const ch = bindings.ch as diagnosticsChannel.Channel;
        for (let cycle = 0; cycle < CYCLES; cycle++) {
          run(500_000);
          ch.subscribe(noop);
          run(500_000);
          ch.unsubscribe(noop);
        }
        run(500_000);
      },
      body: 'if (ch.hasSubscribers) ch.publish({ a, b, s });',
    },
    {
      kind: 'loop',
      name: 'dc-guarded-1',
      title: 'diagnostics_channel, hasSubscribers check, 1 empty subscriber',
      peer: true,
      setup: () => {
        const ch = diagnosticsChannel.channel('bench.dc.one');
        ch.subscribe(noop);
        return { ch };
      },
      body: 'if (ch.hasSubscribers) ch.publish({ a, b, s });',
    },
    {
      kind: 'loop',
      name: 'dc-guarded-10',
      title: 'diagnostics_channel, hasSubscribers check, 10 empty subscribers',
      peer: true,
      setup: () => {
        const ch = diagnosticsChannel.channel('bench.dc.ten');
        // Ten distinct closures, as core/enabled-ten-probes connects.
        for (let i = 0; i < 10; i++) ch.subscribe(() => {});
        return { ch };
      },
      body: 'if (ch.hasSubscribers) ch.publish({ a, b, s });',
    },
    {
      kind: 'loop',
      name: 'dc-unguarded-1',
      title: 'diagnostics_channel, publish without the check, 1 empty subscriber',
      peer: true,
      setup: () => {
        const ch = diagnosticsChannel.channel('bench.dc.unguarded');
        ch.subscribe(noop);
        return { ch };
      },
      body: 'ch.publish({ a, b, s });',
    },
    {
      kind: 'loop',
      name: 'pino-disabled',
      title: 'pino, level disabled: log.debug({ a, b }, s)',
      peer: true,
      setup: () => ({ log: pino({ level: 'info' }, pino.destination('/dev/null')) }),
      body: 'log.debug({ a, b }, s);',
    },
    {
      kind: 'loop',
      name: 'debug-disabled',
      title: "debug, namespace disabled: dbg('%s %d %d', s, a, b)",
      peer: true,
      setup: () => {
        createDebug.disable();
        return { dbg: createDebug('bench:off') };
      },
      body: "dbg('%s %d %d', s, a, b);",
    },
    {
      kind: 'loop',
      name: 'otel-noop-span',
      title: 'OpenTelemetry API, no SDK: startSpan(s, { attributes }) + end()',
      peer: true,
      setup: () => ({ tracer: trace.getTracer('bench') }),
      body: 'tracer.startSpan(s, { attributes: { a, b } }).end();',
    },
  ],
});
