/**
 * Installing the built-in catalogue in this thread.
 *
 * The catalogue is installed with the control server (`markers/register`,
 * `listen()`) and on explicit use (`installCatalogue()`), never by
 * `import { marker }`: declaring its markers costs a few hundred
 * microseconds and reads the application's package.json files, which a
 * library importing markers must not pay for. Installing is idempotent per
 * thread, whichever copy of markers does it.
 */

import { warnError } from '../errors/warn.js';
import type { Marker } from '../marker/marker.js';
import { getRegistry } from '../registry/global.js';
import { applicationBases, installedVersion, nodeHas, versionAtLeast } from './applies.js';
import { bindSource, threadChannels } from './bind.js';
import { CATALOGUE } from './catalogue.js';
import type { CatalogueEntry } from './kit.js';
import { ChannelSource } from './source.js';

/** Whether `entry` applies to this process (Node version, library installed). */
export function entryApplies(entry: CatalogueEntry, bases: readonly string[]): boolean {
  if (!nodeHas(entry.node, process.versions.node)) return false;
  if (entry.library === undefined) return true;
  const version = installedVersion(entry.library.name, bases);
  return version !== null && versionAtLeast(version, entry.library.since);
}

export interface CatalogueOptions {
  /**
   * Directories whose `node_modules` (and their parents') are searched for
   * the libraries of the catalogue (default: the entry script's directory,
   * then the working directory).
   */
  readonly from?: readonly string[];
}

/**
 * Declares the catalogue's markers that apply here, in this thread, and
 * returns their names. Idempotent per thread: a second call returns the
 * first one's names. A name the application already declared with another
 * format is skipped with a warning (the application's marker wins).
 */
export function installCatalogue(options: CatalogueOptions = {}): readonly string[] {
  const state = threadChannels();
  if (state.catalogue !== undefined) return state.catalogue;
  const registry = getRegistry();
  const bases = options.from ?? applicationBases();
  const names: string[] = [];
  state.catalogue = names;
  for (const entry of CATALOGUE) {
    if (!entryApplies(entry, bases)) continue;
    if (entry.markers.some((spec) => state.byName.has(spec.name))) continue;
    let markers: Marker[];
    try {
      markers = entry.markers.map(
        (spec) =>
          registry.declare(spec.name, spec.format, `diagnostics_channel:${spec.channel}`) as Marker,
      );
    } catch (error) {
      warnError(
        error,
        `markers: catalogue markers ${entry.markers.map((m) => m.name).join(', ')} not installed`,
        'ERR_FORMAT_MISMATCH',
      );
      continue;
    }
    const source = new ChannelSource(markers.map((m) => m.name));
    entry.wire(markers, source);
    bindSource(markers, source);
    for (const m of markers) names.push(m.name);
  }
  return names;
}
