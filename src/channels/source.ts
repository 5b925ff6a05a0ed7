/**
 * A channel source: the diagnostics channels that feed one group of markers
 * (one marker, or an `x_start`/`x_end` pair), and the subscriptions markers
 * holds on them.
 *
 * Zero cost while off: the source subscribes its handlers only while at least
 * one of its markers is active in this thread (the registry's activity hook,
 * 0 -> 1 and 1 -> 0 links), so while every marker is off, the publisher's
 * `hasSubscribers` is false and Node skips the publish altogether.
 *
 * Ownership: a source holds strong references to its Channel objects for as
 * long as it lives (the catalogue and every channelMarker keep theirs for the
 * thread's lifetime). Node 20 can collect a channel whose only reference is
 * the registry's WeakRef and lose its subscribers (nodejs/node#59910).
 *
 * Never breaks the publisher: Node re-raises a subscriber's exception as an
 * uncaught exception of the application. Every handler runs inside `guard`,
 * which counts what it catches and warns once per source.
 */
import * as dc from 'node:diagnostics_channel';
import { ErrorCode } from '../errors/markers-error.js';
import { emitMarkersWarning } from '../errors/warn.js';

export type ChannelHandler = (message: unknown) => void;

/**
 * What markers uses of a diagnostics_channel Channel, declared structurally
 * so that the package's public types do not require Node's type definitions.
 */
export interface ChannelLike {
  readonly name: string | symbol;
  readonly hasSubscribers: boolean;
  subscribe(onMessage: (message: unknown, name: string | symbol) => void): void;
  unsubscribe(onMessage: (message: unknown, name: string | symbol) => void): unknown;
}

/** The four channels of a TracingChannel that markers subscribes to. */
export interface TracingChannelLike {
  readonly start: ChannelLike;
  readonly end: ChannelLike;
  readonly asyncEnd: ChannelLike;
  readonly error: ChannelLike;
}

export interface Feed {
  readonly channel: ChannelLike;
  readonly handler: ChannelHandler;
}

/** What `channelStats()` reports for one source. */
export interface ChannelSourceInfo {
  /** The channels, by name, that feed these markers. */
  readonly channels: readonly string[];
  readonly markers: readonly string[];
  /** True while markers holds subscriptions on them. */
  readonly subscribed: boolean;
  /** Events whose pick or value failed and were dropped. */
  readonly errors: number;
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return typeof error;
  }
}

export class ChannelSource {
  readonly markers: readonly string[];
  readonly #feeds: Feed[] = [];
  /** How many of this source's markers are active: subscribed while > 0. */
  #active = 0;
  #errors = 0;
  #warned = false;

  constructor(markers: readonly string[]) {
    this.markers = markers;
  }

  /**
   * Adds `handler` for channel `name`, wrapped so that it cannot throw. The
   * handler is subscribed now if the source is active.
   */
  feed(name: string | ChannelLike, handler: ChannelHandler): void {
    const channel: ChannelLike = typeof name === 'string' ? dc.channel(name) : name;
    const guarded: ChannelHandler = (message) => {
      try {
        handler(message);
      } catch (error) {
        this.fail(error);
      }
    };
    const feed = { channel, handler: guarded };
    this.#feeds.push(feed);
    if (this.#active > 0) channel.subscribe(guarded);
  }

  get subscribed(): boolean {
    return this.#active > 0;
  }

  get errors(): number {
    return this.#errors;
  }

  /** One of the source's markers became active (0 -> 1 links). */
  acquire(): void {
    if (this.#active++ > 0) return;
    /* 0 -> 1 active markers: subscribe every feed */
    for (const feed of this.#feeds) feed.channel.subscribe(feed.handler);
  }

  /** One of them became inactive (1 -> 0 links). */
  release(): void {
    if (this.#active === 0) return;
    if (--this.#active > 0) return;
    /* 1 -> 0 active markers: unsubscribe, and hasSubscribers is false again */
    for (const feed of this.#feeds) feed.channel.unsubscribe(feed.handler);
  }

  /** Counts a failed event and warns the first time. Never throws. */
  fail(error: unknown): void {
    this.#errors++;
    if (this.#warned) return;
    this.#warned = true;
    emitMarkersWarning(
      `markers: an event of channel ${this.#feeds.map((f) => f.channel.name.toString()).join(', ')} for ${this.markers.join(', ')} was dropped: ${describe(error)} (further failures are counted, not reported)`,
      ErrorCode.CHANNEL_PICK,
    );
  }

  info(): ChannelSourceInfo {
    return {
      channels: this.#feeds.map((f) => f.channel.name.toString()),
      markers: this.markers,
      subscribed: this.subscribed,
      errors: this.#errors,
    };
  }
}
