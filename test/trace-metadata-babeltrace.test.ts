// babeltrace2 reads the metadata renderMetadata writes: no syntax errors,
// thread identity and env visible, keyword and underscore names recovered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderMetadata } from '../src/trace/metadata.js';
import { type Bt2Event, type Bt2Stream, babeltrace2, bt2Read } from './helpers/judges.js';
import { SAMPLE_TRACE } from './helpers/sample-trace.js';
import { describeTrace, writeTrace } from './helpers/trace-writer.js';

test('renderMetadata starts with the CTF 1.8 signature', () => {
  assert.ok(renderMetadata(describeTrace(SAMPLE_TRACE)).startsWith('/* CTF 1.8 */\n'));
});

test('renderMetadata refuses a uuid that is not 36 chars', () => {
  assert.throws(() => renderMetadata({ ...describeTrace(SAMPLE_TRACE), uuid: 'nope' }), TypeError);
});

test('source.ctf.fs accepts the metadata without errors', () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const run = babeltrace2('-c', 'source.ctf.fs', '-p', `inputs=["${dir}"]`);
  assert.equal(run.status, 0, run.stderr);
  assert.doesNotMatch(run.stderr, / E /);
  const meta = babeltrace2('--output-format=ctf-metadata', dir);
  assert.equal(meta.status, 0, meta.stderr);
});

test('bt2 sees thread identity in the env and packet contexts', () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const { messages, status, stderr } = bt2Read(dir);
  assert.equal(status, 0, stderr);
  const stream = messages.find((m): m is Bt2Stream => m.type === 'stream');
  assert.ok(stream);
  assert.equal(stream.env.stream_0_thread_name, 'main');
  assert.equal(stream.env.stream_0_thread_id, 0);
  assert.equal(stream.env.stream_1_thread_name, 'wörker ✓');
  assert.equal(stream.env.stream_1_thread_id, 3);
  assert.equal(stream.env.hostname, 'test-host');
  assert.equal(stream.env.tracer_name, 'markers');
  const threads = new Set(
    messages
      .filter((m): m is Bt2Event => m.type === 'event')
      .map((m) => `${m.stream_id}:${m.thread_id}`),
  );
  assert.deepEqual([...threads].sort(), ['0:0', '1:3']);
});

test('field names that are TSDL keywords or start with _ come back unchanged', () => {
  const { dir } = writeTrace(SAMPLE_TRACE);
  const { messages } = bt2Read(dir);
  const kw = messages.find((m): m is Bt2Event => m.type === 'event' && m.name === 'app:keywords');
  assert.ok(kw);
  assert.deepEqual(Object.keys(kw.fields), ['align', 'string', '_under', 'event']);
});

test('env keys are sanitised into TSDL identifiers and values escaped', () => {
  const env = {
    'node.version': 'v20.1',
    event: 'x',
    '9lives': -2,
    quoted: 'a"b\\c\nd',
    ratio: 1.5,
  };
  const { dir } = writeTrace({ ...SAMPLE_TRACE, env });
  const run = babeltrace2('-c', 'source.ctf.fs', '-p', `inputs=["${dir}"]`);
  assert.equal(run.status, 0, run.stderr);
  const stream = bt2Read(dir).messages.find((m): m is Bt2Stream => m.type === 'stream');
  assert.ok(stream);
  assert.equal(stream.env.node_version, 'v20.1');
  assert.equal(stream.env._event, 'x');
  assert.equal(stream.env.quoted, 'a"b\\c\nd');
  assert.equal(stream.env.ratio, '1.5');
  assert.equal(stream.env.__9lives, '-2');
});
