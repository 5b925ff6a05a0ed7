/**
 * Where markers' own entry files are, for the code that starts them by URL:
 * worker scripts, `--import markers/register` for a child, and the entries a
 * probe module's `import 'markers'` is pointed at.
 *
 * Two layouts: the TypeScript sources (tests and tsx run src/ directly), and
 * dist/ as scripts/build.mjs writes it, where every entry and chunk is flat in
 * dist/. This module sits at the root of src/ so that, in both, its own
 * import.meta.url is the directory the paths below are relative to: in
 * dist/ it is bundled into some file there, and every file there is in dist/.
 */

const FROM_SOURCES = import.meta.url.endsWith('.ts');

/** Each entry: its bundled name in dist/ (scripts/build.mjs ENTRY_POINTS) and its source. */
const ENTRIES = {
  index: 'index',
  register: 'register',
  trace: 'trace/index',
  'control-worker': 'control/worker',
  'consumer-worker': 'record/consumer/consumer-worker',
} as const;

export type OwnEntry = keyof typeof ENTRIES;

/** The URL of one of markers' own entry files, in the layout this code runs from. */
export function ownFile(entry: OwnEntry): URL {
  return new URL(FROM_SOURCES ? `./${ENTRIES[entry]}.ts` : `./${entry}.js`, import.meta.url);
}

/** True when markers runs from its TypeScript sources (under tsx), not from dist/. */
export function runsFromSources(): boolean {
  return FROM_SOURCES;
}
