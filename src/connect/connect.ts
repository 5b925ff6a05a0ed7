/**
 * connect(): checks a probe and its target, then subscribes a ConnectedProbe
 * to the registry. Everything that can fail is checked before anything is
 * attached, so a failed connect changes nothing.
 */
import { coreError } from '../errors/core-codes.js';
import { shown } from '../errors/shown.js';
import { parseFormat } from '../marker/format.js';
import { compilePattern } from '../registry/pattern.js';
import type { Registry } from '../registry/registry.js';
import { ConnectedProbe, type Probe, type ProbeFunction } from './connected-probe.js';
import { refusal, refused } from './refusal.js';

export interface ConnectOptions {
  /** The format the probe expects; markers with another format are refused (exact name) or skipped (pattern). */
  readonly format?: string;
  /** A name for reports and warnings; defaults to the function's name. */
  readonly name?: string;
}

/** Connects `fn` to the markers `target` names: a marker object, a name or a pattern. */
export function connectProbe(
  registry: Registry,
  target: unknown,
  fn: unknown,
  options: ConnectOptions = {},
): Probe {
  // A marker object connects by its name.
  const named = registry.entryOf(target)?.name ?? target;
  if (typeof fn !== 'function') {
    throw coreError(
      'ERR_INVALID_PROBE',
      `probe for "${shown(named)}" must be a function, got ${fn === null ? 'null' : typeof fn}`,
      { pattern: shown(named) },
    );
  }
  const matcher = compilePattern(named);
  const format = options.format;
  if (format !== undefined) parseFormat(format, matcher.source);
  const name = options.name ?? (fn.name || 'anonymous');
  for (const entry of registry.entries()) {
    if (!matcher.matches(entry.name)) continue;
    // An exact name of another format is refused; a glob skips such markers (see bind).
    const reason = refusal(entry, fn, matcher.exact ? format : undefined);
    if (reason !== undefined) throw refused(name, entry, reason, format);
  }
  const probe = new ConnectedProbe(registry, matcher, fn as ProbeFunction, format, name);
  registry.subscribe(probe);
  return probe;
}
