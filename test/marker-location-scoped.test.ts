import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

// Stack frames are parsed for V8 ("at f (file:1:2)") and for JavaScriptCore
// and SpiderMonkey ("f@file:1:2"); an "@" inside a path is not a frame's "@".
test('a location under a scoped package directory (@scope/...) keeps its whole path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'markers-loc-'));
  try {
    const file = join(dir, 'node_modules', '@scope', 'lib', 'index.mjs');
    mkdirSync(dirname(file), { recursive: true });
    const api = new URL('../src/index.ts', import.meta.url).href;
    writeFileSync(
      file,
      `import { marker } from ${JSON.stringify(api)};\nexport const m = marker('location:scoped', 'n %d');\n`,
    );
    const { m } = (await import(pathToFileURL(file).href)) as { m: { location: string } };
    assert.equal(m.location, `${file}:2:18`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
