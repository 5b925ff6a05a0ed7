/**
 * Finds the suites: every .ts file directly in bench/suites/ whose default
 * export is a Suite. The suite's name is its file name without extension.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchCase, Suite } from './case.js';

export interface FoundCase {
  /** `suite/case`, what --filter matches and the report prints. */
  readonly id: string;
  readonly suite: string;
  readonly suiteFile: string;
  readonly bench: BenchCase;
}

export interface FoundSuite {
  readonly name: string;
  readonly file: string;
  readonly suite: Suite;
}

export async function discoverSuites(directory: string): Promise<FoundSuite[]> {
  const files = readdirSync(directory)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .sort();
  const found: FoundSuite[] = [];
  for (const file of files) {
    const path = join(directory, file);
    const module = (await import(pathToFileURL(path).href)) as { default?: Suite };
    const suite = module.default;
    if (suite === undefined || !Array.isArray(suite.cases)) {
      throw new Error(`${path}: the default export is not a suite (see bench/harness/case.ts)`);
    }
    found.push({ name: basename(file, '.ts'), file: path, suite });
  }
  return found;
}

/**
 * The cases whose id contains any of the filters (all cases when there are
 * none). Case names must be unique within a suite.
 */
export function selectCases(
  suites: readonly FoundSuite[],
  filters: readonly string[],
): FoundCase[] {
  const out: FoundCase[] = [];
  for (const { name, file, suite } of suites) {
    const seen = new Set<string>();
    for (const bench of suite.cases) {
      if (seen.has(bench.name)) throw new Error(`${file}: two cases named "${bench.name}"`);
      seen.add(bench.name);
      const id = `${name}/${bench.name}`;
      if (filters.length === 0 || filters.some((filter) => id.includes(filter))) {
        out.push({ id, suite: name, suiteFile: file, bench });
      }
    }
  }
  return out;
}
