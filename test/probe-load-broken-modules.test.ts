import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMarkersError, listMarkers, loadProbeModule, marker } from '../src/index.js';
import { LOG_IMPORTS, logLine, moduleDir } from './helpers/probe-modules.js';

// Markers the broken modules aim at; none may end up with a probe.
const tick = marker('broken:tick', 'n %d');
marker('broken:tock', 'label %s');

const GOOD_PROBES = `probes: { 'broken:*': () => {} }`;

function assertNothingConnected(): void {
  for (const info of listMarkers('broken:*')) {
    assert.equal(info.mode, 'off', `${info.name} is ${info.mode}`);
    assert.equal(info.probes, 0);
  }
  assert.equal(tick.fire, undefined);
}

test('every broken probe module is refused with its own code, and nothing of it stays connected', async () => {
  const dir = await moduleDir();
  try {
    const cases: { file: string; source?: string; code: string; line?: number }[] = [
      { file: 'missing.mjs', code: 'ERR_PROBE_MODULE_NOT_FOUND' },
      { file: 'notes.txt', source: 'hello', code: 'ERR_PROBE_MODULE_NOT_FOUND' },
      {
        file: 'syntax.mjs',
        source: `export default {\n  name: 'syntax',\n  probes: { 'broken:*': ( => 1 },\n};\n`,
        code: 'ERR_PROBE_MODULE_SYNTAX',
        line: 3,
      },
      {
        file: 'throws.mjs',
        source: `throw new Error('top level');\nexport default { name: 'throws', ${GOOD_PROBES} };\n`,
        code: 'ERR_PROBE_MODULE_IMPORT',
      },
      {
        file: 'missing-import.mjs',
        source: `import 'markers-no-such-package';\nexport default { name: 'mi', ${GOOD_PROBES} };\n`,
        code: 'ERR_PROBE_MODULE_IMPORT',
      },
      { file: 'no-default.mjs', source: 'export const x = 1;\n', code: 'ERR_PROBE_MODULE_SHAPE' },
      {
        file: 'default-fn.mjs',
        source: 'export default function () {}\n',
        code: 'ERR_PROBE_MODULE_SHAPE',
      },
      {
        file: 'no-name.mjs',
        source: `export default { ${GOOD_PROBES} };\n`,
        code: 'ERR_PROBE_MODULE_SHAPE',
      },
      {
        file: 'bad-name.mjs',
        source: `export default { name: '../../etc', ${GOOD_PROBES} };\n`,
        code: 'ERR_PROBE_MODULE_SHAPE',
      },
      {
        file: 'probes-array.mjs',
        source: `export default { name: 'pa', probes: [() => {}] };\n`,
        code: 'ERR_PROBE_MODULE_SHAPE',
      },
      {
        file: 'probe-not-fn.mjs',
        source: `export default { name: 'pn', probes: { 'broken:*': 42 } };\n`,
        code: 'ERR_PROBE_MODULE_SHAPE',
      },
      {
        file: 'empty-probes.mjs',
        source: `export default { name: 'ep', probes: {} };\n`,
        code: 'ERR_PROBE_MODULE_SHAPE',
      },
      {
        file: 'init-not-fn.mjs',
        source: `export default { name: 'inf', ${GOOD_PROBES}, init: 'yes' };\n`,
        code: 'ERR_PROBE_MODULE_SHAPE',
      },
      {
        file: 'bad-pattern.mjs',
        source: `export default { name: 'bp', probes: { 'broken:*': () => {}, 'no colon here!': () => {} } };\n`,
        code: 'ERR_INVALID_PATTERN',
      },
      {
        file: 'bad-format.mjs',
        source: `export default { name: 'bf', probes: { 'broken:*': { format: 'n %q', probe() {} } } };\n`,
        code: 'ERR_INVALID_FORMAT',
      },
      {
        // broken:tick matches and has format "n %d".
        file: 'format-mismatch.mjs',
        source: `export default { name: 'fm', probes: { 'broken:tock': () => {}, 'broken:t*': { format: 'label %s', probe() {} } } };\n`,
        code: 'ERR_FORMAT_MISMATCH',
      },
      {
        file: 'init-throws.mjs',
        source: `${LOG_IMPORTS}export default { name: 'it', ${GOOD_PROBES}, init() { throw new Error('no'); }, cleanup() { ${logLine(dir.log, 'cleanup')}; } };\n`,
        code: 'ERR_PROBE_MODULE_INIT',
      },
      {
        file: 'init-rejects.mjs',
        source: `export default { name: 'ir', ${GOOD_PROBES}, async init() { await null; throw new Error('later'); } };\n`,
        code: 'ERR_PROBE_MODULE_INIT',
      },
      {
        // The second probe cannot connect (same function twice on broken:tick):
        // the first is disconnected again and cleanup runs, since init did.
        file: 'connect-fails.mjs',
        source: `${LOG_IMPORTS}const f = () => {};\nexport default { name: 'cf', probes: { 'broken:tick': f, 'broken:ti*': f }, init() { ${logLine(dir.log, 'cf-init')}; }, cleanup() { ${logLine(dir.log, 'cf-cleanup')}; } };\n`,
        code: 'ERR_ALREADY_CONNECTED',
      },
    ];
    for (const c of cases) {
      const file =
        c.source === undefined ? `${dir.dir}/${c.file}` : await dir.write(c.file, c.source);
      await assert.rejects(
        loadProbeModule(file),
        (error: unknown) => {
          assert.ok(isMarkersError(error, c.code), `${c.file}: ${String(error)}`);
          assert.equal(error.details.file, file, c.file);
          if (c.line !== undefined) assert.equal(error.details.line, c.line, c.file);
          return true;
        },
        c.file,
      );
      assertNothingConnected();
    }
    // init failed: no cleanup. init succeeded, connect failed: cleanup once.
    assert.deepEqual(await dir.lines(), ['0:cf-init', '0:cf-cleanup']);

    // The names of refused modules are free: a good module may take one.
    const good = await dir.write('good.mjs', `export default { name: 'it', ${GOOD_PROBES} };\n`);
    const loaded = await loadProbeModule(good);
    assert.equal(listMarkers('broken:tick')[0]?.probes, 1);
    await loaded.unload();
    assertNothingConnected();
  } finally {
    await dir.remove();
  }
});
