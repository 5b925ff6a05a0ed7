/**
 * Channel markers: what Node's own channels cost the publisher when a
 * markers channel marker watches them, against a publisher nobody watches
 * and a diagnostics_channel subscriber doing the same work by hand.
 *
 * Every case's loop is the publisher's own code, `if (ch.hasSubscribers)
 * ch.publish(msg)`, with one preallocated message (as a library that reuses
 * its context object), so the figures are markers' cost, not the message's.
 *   - off: the marker declared (or the whole catalogue installed) but
 *     disabled, never enabled or after enable/disable cycles with the loop
 *     running: it must cost what the same loop costs with no markers loaded
 *     at all (markers holds no subscription, hasSubscribers is false);
 *   - recording: per event, into the ring buffer with its timestamp, vs a
 *     subscriber that timestamps and stores the same fields itself;
 *   - a request pair (start + finish, joined by the request object, `ms`
 *     measured), vs a subscriber pair doing the same with its own WeakMap.
 * Nothing here imports markers at the top: the "no markers" case must not
 * load it. Each case runs in its own process.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { defineSuite } from '../harness/case.js';

const PUBLISH = 'msg.a = a; if (ch.hasSubscribers) ch.publish(msg);';
const PAIR =
  'if (start.hasSubscribers) start.publish(startMsg); if (finish.hasSubscribers) finish.publish(finishMsg);';
const CYCLES = 30;

type Msg = { a: number; b: number; s: string };

async function markers() {
  return import('../../src/index.js');
}

async function overwriteRecording(pattern: string): Promise<void> {
  const { RecordingConsumer } = await import('../../src/record/consumer/consumer.js');
  await RecordingConsumer.start(
    { markers: pattern, mode: 'overwrite' },
    { packet() {}, finish() {} },
  );
}

function message(): Msg {
  return { a: 1, b: 0.5, s: 'GET' };
}

/** A fake HTTP exchange on the real channels' payload shape, reused for every event. */
function httpMessages() {
  const request = { method: 'GET', url: '/users/42' };
  const response = { statusCode: 200 };
  return {
    start: diagnosticsChannel.channel('http.server.request.start'),
    finish: diagnosticsChannel.channel('http.server.response.finish'),
    startMsg: { request, response, socket: {}, server: {} },
    finishMsg: { request, response, socket: {}, server: {} },
  };
}

export default defineSuite({
  description:
    "channel markers: the publisher's cost while off (vs no markers loaded), and per event while recording (vs a subscriber doing the same)",
  cases: [
    {
      kind: 'loop',
      name: 'publish-no-markers',
      title: 'publisher, nobody subscribed, markers not loaded',
      peer: true,
      setup: () => ({ ch: diagnosticsChannel.channel('bench:ch-none'), msg: message() }),
      body: PUBLISH,
    },
    {
      kind: 'loop',
      name: 'publish-marker-off',
      title: 'publisher, channelMarker declared, never enabled',
      setup: async () => {
        const { channelMarker } = await markers();
        const ch = diagnosticsChannel.channel('bench:ch-off');
        channelMarker(ch, 'bench:ch_off', 'a %d b %f s %s', (m: Msg) => [m.a, m.b, m.s]);
        return { ch, msg: message() };
      },
      body: PUBLISH,
    },
    {
      kind: 'loop',
      name: 'publish-marker-off-after-cycles',
      title: `publisher, channelMarker disabled again after ${CYCLES} enable/disable cycles`,
      setup: async () => {
        const { channelMarker } = await markers();
        const ch = diagnosticsChannel.channel('bench:ch-cycles');
        const m = channelMarker(ch, 'bench:ch_cycles', 'a %d b %f s %s', (x: Msg) => [
          x.a,
          x.b,
          x.s,
        ]);
        return { ch, msg: message(), m };
      },
      async prepare({ bindings, run }) {
        const { connect } = await markers();
        for (let cycle = 0; cycle < CYCLES; cycle++) {
          run(200_000);
          const probe = connect(bindings.m as never, () => {});
          run(200_000);
          await probe.disconnect();
        }
        run(200_000);
      },
      body: PUBLISH,
    },
    {
      kind: 'loop',
      name: 'publish-catalogue-off',
      title: 'http.server.request.start publisher, the catalogue installed, off',
      setup: async () => {
        const { installCatalogue } = await markers();
        await installCatalogue();
        return { ch: diagnosticsChannel.channel('http.server.request.start'), msg: message() };
      },
      body: PUBLISH,
    },
    {
      kind: 'loop',
      name: 'publish-marker-recording',
      title: 'publisher, channelMarker recording (ring buffer, timestamp)',
      setup: async () => {
        const { channelMarker } = await markers();
        const ch = diagnosticsChannel.channel('bench:ch-rec');
        channelMarker(ch, 'bench:ch_rec', 'a %d b %f s %s', (m: Msg) => [m.a, m.b, m.s]);
        await overwriteRecording('bench:ch_rec');
        return { ch, msg: message() };
      },
      body: PUBLISH,
    },
    {
      kind: 'loop',
      name: 'publish-dc-subscriber-same-work',
      title: 'publisher, a diagnostics_channel subscriber that timestamps and stores the fields',
      peer: true,
      setup: () => {
        const ch = diagnosticsChannel.channel('bench:ch-dc');
        const now = performance.now.bind(performance);
        const ts = new Float64Array(1024);
        const as = new Float64Array(1024);
        const bs = new Float64Array(1024);
        const ss: string[] = new Array<string>(1024).fill('');
        const box = { i: 0 };
        ch.subscribe((message) => {
          const m = message as Msg;
          const i = box.i++ & 1023;
          ts[i] = now();
          as[i] = m.a;
          bs[i] = m.b;
          ss[i] = m.s;
        });
        return { ch, msg: message() };
      },
      body: PUBLISH,
    },
    {
      kind: 'loop',
      name: 'http-pair-recording',
      title: 'node:http.server_start/_end recording: one request (2 events, ms measured)',
      setup: async () => {
        const { installCatalogue } = await markers();
        await installCatalogue();
        await overwriteRecording('node:http.server_*');
        return httpMessages();
      },
      body: PAIR,
    },
    {
      kind: 'loop',
      name: 'http-pair-dc-subscriber-same-work',
      title: 'the same request through two subscribers: WeakMap, performance.now, stored fields',
      peer: true,
      setup: () => {
        const messages = httpMessages();
        const now = performance.now.bind(performance);
        const open = new WeakMap<object, { t0: number; method: string; url: string }>();
        const out = { method: '', url: '', status: 0, ms: 0, t: 0 };
        type Exchange = {
          request: { method: string; url: string };
          response: { statusCode: number };
        };
        messages.start.subscribe((message) => {
          const { request } = message as Exchange;
          out.t = now();
          open.set(request, { t0: now(), method: request.method, url: request.url });
        });
        messages.finish.subscribe((message) => {
          const { request, response } = message as Exchange;
          const op = open.get(request);
          if (op === undefined) return;
          open.delete(request);
          out.method = op.method;
          out.url = op.url;
          out.status = response.statusCode;
          out.ms = now() - op.t0;
        });
        return messages;
      },
      body: PAIR,
    },
  ],
});
