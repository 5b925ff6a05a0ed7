/**
 * The building blocks of catalogue entries: what an entry declares (its
 * markers, the channels that feed them, where they apply) and the three
 * shapes of wiring the catalogue uses.
 *
 *   plain   one channel, one marker
 *   paired  two plain channels joined by a shared object, as x_start/x_end
 *   traced  a tracing channel, as x_start/x_end
 *
 * The docs table is generated from these declarations (table.ts), so the
 * formats, channels and versions documented are the ones installed.
 */
import type { Marker } from '../marker/marker.js';
import type { LibraryRequirement, NodeLines } from './applies.js';
import { END_FIELDS, Pair } from './pair.js';
import type { ChannelSource } from './source.js';
import { feedTracing, type TracingOptions } from './tracing.js';

export interface MarkerSpec {
  readonly name: string;
  readonly format: string;
  /** The channel whose events fire this marker; its location in `markers list`. */
  readonly channel: string;
}

export interface CatalogueEntry {
  readonly markers: readonly MarkerSpec[];
  /** Every channel the entry subscribes to while one of its markers is on. */
  readonly channels: readonly string[];
  /** Node versions with the channels (all when left out). */
  readonly node?: NodeLines;
  /** The library that publishes the channels (a Node core channel when left out). */
  readonly library?: LibraryRequirement;
  /** One line for the docs: what the markers show. */
  readonly about: string;
  /** Subscribes the entry's handlers on `source`; `markers` are in the order of `markers` above. */
  readonly wire: (markers: readonly Marker[], source: ChannelSource) => void;
}

/** Where an entry applies, for the docs. */
export interface Applicability {
  readonly node?: NodeLines;
  readonly library?: LibraryRequirement;
}

function join(...formats: (string | undefined)[]): string {
  return formats.filter((f) => f !== undefined && f !== '').join(' ');
}

export function plain(
  spec: { name: string; format: string; channel: string; about: string } & Applicability,
  pick: (message: never) => readonly unknown[],
): CatalogueEntry {
  const { name, format, channel, about, ...where } = spec;
  const picker = pick as (message: unknown) => readonly unknown[];
  return {
    markers: [{ name, format, channel }],
    channels: [channel],
    about,
    ...where,
    wire([m], source) {
      const marker = m as Marker;
      source.feed(channel, (message) => {
        const fire = marker.fire as ((...args: unknown[]) => void) | undefined;
        if (fire !== undefined) fire(...picker(message));
      });
    },
  };
}

export interface PairedSpec extends Applicability {
  /** `provider:x`: declares `provider:x_start` and `provider:x_end`. */
  readonly base: string;
  readonly format: string;
  /** Fields of x_end between the start's and `ms %f error %s`. */
  readonly endFormat?: string;
  readonly startChannel: string;
  readonly endChannel: string;
  /** Further channels fed (error channels): named for the docs and subscribed by `wire`. */
  readonly moreChannels?: readonly string[];
  readonly about: string;
  readonly wire: (pair: Pair, source: ChannelSource) => void;
}

export function paired(spec: PairedSpec): CatalogueEntry {
  const { base, format, endFormat, startChannel, endChannel, moreChannels, about, wire, ...where } =
    spec;
  return {
    markers: [
      { name: `${base}_start`, format, channel: startChannel },
      { name: `${base}_end`, format: join(format, endFormat, END_FIELDS), channel: endChannel },
    ],
    channels: [startChannel, endChannel, ...(moreChannels ?? [])],
    about,
    ...where,
    wire([start, end], source) {
      wire(new Pair(start as Marker, end as Marker), source);
    },
  };
}

export interface TracedSpec extends Applicability, TracingOptions {
  readonly base: string;
  /** The tracing channel's name, without `tracing:` and the event suffix. */
  readonly channel: string;
  readonly format: string;
  readonly endFormat?: string;
  readonly about: string;
}

export function traced(spec: TracedSpec): CatalogueEntry {
  const { base, channel, format, endFormat, about, pick, pickEnd, endsAt, ...where } = spec;
  const options: TracingOptions = {
    pick,
    ...(pickEnd === undefined ? {} : { pickEnd }),
    ...(endsAt === undefined ? {} : { endsAt }),
  };
  return {
    markers: [
      { name: `${base}_start`, format, channel: `tracing:${channel}` },
      {
        name: `${base}_end`,
        format: join(format, endFormat, END_FIELDS),
        channel: `tracing:${channel}`,
      },
    ],
    channels: [`tracing:${channel}`],
    about,
    ...where,
    wire([start, end], source) {
      feedTracing(source, new Pair(start as Marker, end as Marker), channel, options);
    },
  };
}

/** A string field from a value that may be missing or of another type; never throws past the guard. */
export function str(value: unknown): string {
  return typeof value === 'string'
    ? value
    : value === undefined || value === null
      ? ''
      : String(value);
}

/** An integer field; -1 when missing. */
export function int(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : -1;
}
