/**
 * Channel markers in one thread: binding a source to its markers' activity
 * (the registry's 0 -> 1 and 1 -> 0 hook), and the thread's list of sources
 * for `channelStats()`. Per-thread state lives on globalThis under a global
 * symbol, so every copy of markers in the thread sees the same sources.
 */
import { Globals, sharedGlobal } from '../abi/globals.js';
import type { Marker } from '../marker/marker.js';
import { getRegistry } from '../registry/global.js';
import type { ChannelSource, ChannelSourceInfo } from './source.js';

interface ThreadChannels {
  readonly version: number;
  /** Every source of this thread, catalogue and user channel markers. */
  readonly sources: ChannelSource[];
  /** Marker name -> its source: a name is fed by one source. */
  readonly byName: Map<string, ChannelSource>;
  /** The catalogue's marker names once installed in this thread. */
  catalogue: readonly string[] | undefined;
}

export function threadChannels(): ThreadChannels {
  return sharedGlobal(Globals.CHANNELS_THREAD, () => ({
    version: Globals.CHANNELS_THREAD.version,
    sources: [],
    byName: new Map(),
    catalogue: undefined,
  }));
}

/**
 * Subscribes `source` while any of `markers` is active in this thread. The
 * caller has checked that no other source feeds these names.
 */
export function bindSource(markers: readonly Marker[], source: ChannelSource): void {
  const state = threadChannels();
  const registry = getRegistry();
  state.sources.push(source);
  for (const marker of markers) {
    state.byName.set(marker.name, source);
    // A registry made by an older copy of markers has no activity hook: the
    // marker is then declared but never fed, rather than subscribed forever.
    if (typeof registry.onActivity !== 'function') continue;
    registry.onActivity(marker.name, {
      activate: () => source.acquire(),
      deactivate: () => source.release(),
    });
  }
}

/** Every channel marker source of this thread: channels, markers, subscribed or not, errors. */
export function channelStats(): ChannelSourceInfo[] {
  return threadChannels().sources.map((source) => source.info());
}
