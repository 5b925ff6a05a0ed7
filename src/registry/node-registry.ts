/**
 * The registry Node's package root makes: the core's Registry, plus what
 * only Node-side features call, kept out of the browser core's bundle (where
 * nothing calls them): onActivity() for channel markers and forget() for
 * refused probe modules.
 *
 * Importing this module makes getRegistry() create a NodeRegistry when this
 * copy is the thread's first. The package root (index.ts) imports it first,
 * and so do the modules that call these methods. A registry made without
 * them (by a browser build, or by an older copy) is used as an older copy's
 * would be: channels/bind.ts and probe/local-module.ts check for the methods.
 */
import { getRegistry, makeRegistriesWith } from './global.js';
import { Registry } from './registry.js';

/**
 * Told when a marker name gains its first link in this thread (0 -> 1: a
 * probe or a recorder now wants its events) and loses its last (1 -> 0).
 * Channel markers subscribe to their diagnostics channel only in between.
 * Both run inside the registry's update and must not throw (they are guarded).
 */
export interface ActivityHook {
  activate(): void;
  deactivate(): void;
}

export class NodeRegistry extends Registry {
  /** By marker name; may be set before the name is declared. */
  readonly #hooks = new Map<string, ActivityHook>();

  /**
   * Calls `hook.activate()` whenever marker `name` goes from no link to one in
   * this thread, and `hook.deactivate()` on the way back; at once if it is
   * active already. One hook per name. Returns a function that removes it
   * (without calling deactivate: the caller undoes its own side).
   */
  onActivity(name: string, hook: ActivityHook): () => void {
    this.#hooks.set(name, hook);
    const entry = this.byName.get(name);
    if (entry !== undefined && entry.links.length > 0) notify(hook, true);
    return () => {
      if (this.#hooks.get(name) === hook) this.#hooks.delete(name);
    };
  }

  protected override activity(name: string, active: boolean): void {
    const hook = this.#hooks.get(name);
    if (hook !== undefined) notify(hook, active);
  }

  /**
   * Forgets the markers declared only at sites `isGone` accepts and connected
   * to nothing: what a refused probe module declared. Their objects stay
   * usable (`fire` stays undefined); they are no longer listed or connected.
   * A marker with links is kept, since a probe or recording holds it.
   * Returns the names forgotten.
   */
  forget(isGone: (location: string) => boolean): string[] {
    const forgotten: string[] = [];
    for (const entry of this.byName.values()) {
      if (entry.links.length > 0 || !entry.sites.every((site) => isGone(site.location))) continue;
      this.byName.delete(entry.name);
      forgotten.push(entry.name);
    }
    return forgotten;
  }
}

function notify(hook: ActivityHook, active: boolean): void {
  try {
    if (active) hook.activate();
    else hook.deactivate();
  } catch {
    // The hook is our own code (channels); it must not break enable/disable.
  }
}

makeRegistriesWith(() => new NodeRegistry());

/**
 * The thread's registry with the Node-side methods typed as optional: the
 * first copy of the thread may have made it without them.
 */
export function getNodeRegistry(): Registry & Partial<Pick<NodeRegistry, 'onActivity' | 'forget'>> {
  return getRegistry();
}
