import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderReport } from '../src/cli/render-report.js';

test('a list of histograms with low/high buckets is drawn per item, bars scaled to the largest count', () => {
  const text = renderReport(
    {
      histograms: [
        {
          marker: 'http:request_done',
          count: 30,
          buckets: [
            { low: 1, high: 2, count: 10 },
            { low: 2, high: 4, count: 20 },
          ],
        },
        { marker: 'pool:task_end', count: 1, buckets: [{ low: 8, high: 16, count: 1 }] },
      ],
    },
    40,
  );
  const lines = text.split('\n');
  assert.equal(lines[0], '  histograms: http:request_done');
  assert.match(text, /\[1, 2\) │ 10 █+\n/);
  assert.match(text, /\[2, 4\) │ 20 █+\n/);
  const bar = (label: string): number =>
    (text.split(label)[1]?.split('\n')[0]?.match(/█/g) ?? []).length;
  assert.equal(bar('[2, 4)'), 2 * bar('[1, 2)'));
  assert.match(text, /histograms: pool:task_end\n/);
  assert.match(text, /\[8, 16\) │ 1 █+\n/);
});

test('data that is not a histogram is printed as indented JSON', () => {
  assert.equal(
    renderReport({ a: [1, 'x'] }, 80),
    '  {\n    "a": [\n      1,\n      "x"\n    ]\n  }\n',
  );
  assert.equal(renderReport(undefined, 80), '  (no report)\n');
});

test('summary numbers of a histogram are rounded for the terminal', () => {
  const text = renderReport(
    {
      mean: 6.001581062692716,
      min: 0.011878000000251632,
      count: 3,
      buckets: [{ le: 1, count: 3 }],
    },
    40,
  );
  assert.match(text, /mean: 6\.002\n/);
  assert.match(text, /min: 0\.011878\n/);
  assert.match(text, /count: 3\n/);
});
