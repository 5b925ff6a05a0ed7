// record() in process and process.exit() with events still in the buffers:
// the consumer worker writes every packet, the losses and the metadata
// before the process goes (the main thread's exit waits for it, bounded).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/control.js';
import { bt2Counts, ourCounts } from './helpers/loss-count.js';
import { freshDir } from './helpers/record.js';

const FIXTURE = join(ROOT, 'test/fixtures/record-exit.ts');
const N = 200_000;

for (const mode of ['discard', 'overwrite']) {
  test(`record() ${mode}, then process.exit(): every event is in the trace or reported discarded`, async () => {
    const { root, out } = freshDir();
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', FIXTURE, out, String(N), mode], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 120_000,
      });
      assert.equal(r.status, 0, r.stderr);
      const theirs = bt2Counts(out);
      assert.equal(theirs.failed, false, theirs.error);
      assert.ok(theirs.events > 0);
      assert.equal(theirs.events + theirs.discarded, N);
      const ours = await ourCounts(out);
      assert.equal(ours.failed, false, ours.error);
      assert.equal(ours.events + ours.discarded, N);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}
