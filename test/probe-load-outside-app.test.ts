/**
 * Probe modules kept outside the application import `markers` and get the
 * copy running in the target: .mjs and .ts alike, through the real CLI.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli, lastJson, makeSocketDir, startApp, waitUntil } from './helpers/control.js';
import { moduleDir } from './helpers/probe-modules.js';

const body = (name: string) => `
const counts = { ticks: 0 };
export default defineProbeModule({
  name: '${name}',
  probes: { 'app:tick': () => { counts.ticks++; } },
  report() { return counts; },
});
`;

test('a probe module outside the application imports the target copy of markers', async () => {
  const sockets = makeSocketDir();
  const dir = await moduleDir(); // in the OS temp directory: no node_modules anywhere above
  const app = await startApp(sockets.dir, ['fire']);
  try {
    const mjs = await dir.write(
      'outside.mjs',
      `import { defineProbeModule, listMarkers } from 'markers';\nif (listMarkers('app:tick').length !== 1) throw new Error('another registry');\n${body('outside-mjs')}`,
    );
    const ts = await dir.write(
      'outside.ts',
      `import { defineProbeModule, type ProbeModule } from "markers";\nconst typed: ProbeModule | undefined = undefined;\nvoid typed;\n${body('outside-ts')}`,
    );
    for (const [file, name] of [
      [mjs, 'outside-mjs'],
      [ts, 'outside-ts'],
    ] as const) {
      const loaded = await cli(sockets.dir, ['load', file]);
      assert.equal(loaded.code, 0, loaded.stderr);
      await waitUntil(async () => {
        const r = lastJson<{ threads: { report: { ticks: number } }[] }>(
          await cli(sockets.dir, ['report', name, '--json']),
        );
        return (r.threads[0]?.report.ticks ?? 0) > 0 ? true : undefined;
      }, `${name} counting ticks`);
      const unloaded = await cli(sockets.dir, ['unload', name]);
      assert.equal(unloaded.code, 0, unloaded.stderr);
    }
  } finally {
    await app.stop();
    await dir.remove();
    sockets.remove();
  }
});
