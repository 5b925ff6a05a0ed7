// The exposition text is judged by Prometheus' own parser and linter
// (`promtool check metrics`, Debian's prometheus package), with label values
// that need escaping, a histogram, the agent's health families, and the
// OpenMetrics variant's framing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { parseMetricsConfig } from '../src/metrics/config.js';
import { escapeLabelValue, renderExposition } from '../src/metrics/exposition.js';
import { aggregationFamilies, OTHER_LABEL_VALUE } from '../src/metrics/families.js';

const config = parseMetricsConfig({
  aggregations: [
    { name: 'ticks', markers: 'app:*', by: ['status', 'path'] },
    {
      name: 'req_duration',
      markers: 'http:done',
      hist: 'ms',
      by: ['status'],
      buckets: [1, 5, 10.5],
    },
  ],
});

const targets = [
  {
    pid: 101,
    command: 'node "srv.js" \\ --flag\nnext',
    readings: new Map([
      [
        'ticks',
        {
          groups: [
            { key: { status: 200, path: '/a"b\\c\nd' }, count: 7, sum: 0 },
            { key: undefined, count: 3, sum: 0 },
          ],
          dropped: 1,
          otherCount: 3,
        },
      ],
      [
        'req_duration',
        {
          groups: [{ key: { status: 500 }, count: 4, sum: 21.5, cumulative: [1, 2, 3] }],
          dropped: 0,
          otherCount: 0,
        },
      ],
    ]),
  },
];

function promtool(text: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

test('label values escape backslash, double quote and line feed only', () => {
  assert.equal(escapeLabelValue('a"b\\c\nd é'), 'a\\"b\\\\c\\nd é');
});

test('promtool accepts the text exposition of counters, histograms and escaped labels', () => {
  const text = renderExposition(aggregationFamilies(config.aggregations, targets), false);
  const result = promtool(text);
  assert.equal(result.status, 0, `promtool said:\n${result.output}\n---\n${text}`);
  assert.match(text, /^# TYPE markers_ticks_total counter$/m);
  assert.match(
    text,
    /^markers_ticks_total\{status="200",path="\/a\\"b\\\\c\\nd",pid="101",command="node \\"srv\.js\\" \\\\ --flag\\nnext"\} 7$/m,
  );
  assert.ok(text.includes(`status="${OTHER_LABEL_VALUE}"`), 'the other group is its own series');
  assert.match(text, /^markers_req_duration_bucket\{status="500",pid="101",.*le="10\.5"\} 3$/m);
  assert.match(text, /^markers_req_duration_bucket\{status="500",pid="101",.*le="\+Inf"\} 4$/m);
  assert.match(text, /^markers_req_duration_sum\{.*\} 21\.5$/m);
  assert.match(text, /^markers_req_duration_count\{.*\} 4$/m);
  assert.doesNotMatch(text, /# EOF/);
});

test('a deliberately broken exposition is refused by promtool (the judge can fail)', () => {
  const result = promtool('# TYPE x counter\nx{a="unterminated} 1\n');
  assert.notEqual(result.status, 0);
});

test('OpenMetrics: counter families drop _total in TYPE, le is a float, the text ends with # EOF', () => {
  const text = renderExposition(aggregationFamilies(config.aggregations, targets), true);
  assert.match(text, /^# TYPE markers_ticks counter$/m);
  assert.match(text, /^markers_ticks_total\{/m);
  assert.match(text, /le="1\.0"/);
  assert.match(text, /le="10\.5"/);
  assert.ok(text.endsWith('# EOF\n'));
});
