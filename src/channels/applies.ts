/**
 * Whether a catalogue entry applies to this process: its channel exists in
 * the running Node version (per release line, from the versions that added
 * it), or the library that publishes it is installed in a version that has
 * it.
 *
 * Libraries are found the way Node resolves them for the application: the
 * nearest `node_modules/NAME/package.json` above the entry script and above
 * the working directory. Only the version is read; nothing is imported.
 */
import { dirname, join, resolve } from 'node:path';

// Not an ESM import: see control/listen.ts ("Built-ins").
const { readFileSync } = process.getBuiltinModule('node:fs');

/** First version with the channel, per supported release line; a line left out never has it. */
export type NodeLines = Readonly<Partial<Record<20 | 22 | 24 | 26, string>>>;

export interface LibraryRequirement {
  /** The npm package name. */
  readonly name: string;
  /** The first version known to publish the channel. */
  readonly since: string;
}

export const SUPPORTED_LINES = [20, 22, 24, 26] as const;

function parts(version: string): [number, number, number] {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m === null ? [0, 0, 0] : [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** a >= b, on major.minor.patch (pre-release tags ignored). */
export function versionAtLeast(a: string, b: string): boolean {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < 3; i++) {
    if ((x[i] as number) !== (y[i] as number)) return (x[i] as number) > (y[i] as number);
  }
  return true;
}

/**
 * True when Node `version` has the channel. A release line between the
 * supported ones (21, 23, 25) or past them follows the closest supported line
 * below it: it has the channel if that line has it from its first release.
 */
export function nodeHas(lines: NodeLines | undefined, version: string): boolean {
  if (lines === undefined) return true;
  const major = parts(version)[0];
  const exact = lines[major as 20 | 22 | 24 | 26];
  if (exact !== undefined) return versionAtLeast(version, exact);
  if ((SUPPORTED_LINES as readonly number[]).includes(major)) return false;
  const below = [...SUPPORTED_LINES].reverse().find((line) => line < major);
  if (below === undefined) return false;
  const since = lines[below];
  return since !== undefined && parts(since)[1] === 0 && parts(since)[2] === 0;
}

const found = new Map<string, string | null>();

/** The version of package `name` the application would load, or null when it is not installed. */
export function installedVersion(name: string, bases: readonly string[]): string | null {
  const cacheKey = `${name}\0${bases.join('\0')}`;
  const cached = found.get(cacheKey);
  if (cached !== undefined) return cached;
  let version: string | null = null;
  for (const base of bases) {
    let dir = resolve(base);
    for (;;) {
      try {
        const pkg = JSON.parse(
          readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8'),
        ) as { version?: unknown };
        if (typeof pkg.version === 'string') version = pkg.version;
        break;
      } catch {
        // Not here (or unreadable): keep walking up.
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    if (version !== null) break;
  }
  found.set(cacheKey, version);
  return version;
}

/** Where the application's packages are looked for: its entry script's directory, then the working directory. */
export function applicationBases(): string[] {
  const bases: string[] = [];
  const entry = process.argv[1];
  if (typeof entry === 'string' && entry !== '') bases.push(dirname(resolve(entry)));
  bases.push(process.cwd());
  return bases;
}
