/**
 * The root export's ProbeModuleManager: the same API as manager.ts, whose
 * code (and the probe module loader behind it) is imported on the first
 * call, not when markers is imported. Each method forwards to one real
 * manager made with the options given here.
 */
import { loadOnce } from '../lazy.js';
import type {
  LoadOptions,
  ManagerOptions,
  ProbeModuleInfo,
  ProbeModuleManager as RealManager,
  ThreadReport,
} from './manager.js';

export class ProbeModuleManager {
  readonly #real: () => Promise<RealManager>;
  #made: RealManager | undefined;

  constructor(options: ManagerOptions = {}) {
    // Relative paths resolve from the directory current when the manager was made.
    const fixed: ManagerOptions = { ...options, cwd: options.cwd ?? process.cwd() };
    this.#real = loadOnce(async () => {
      const { ProbeModuleManager: Manager } = await import('./manager.js');
      this.#made = new Manager(fixed);
      return this.#made;
    });
  }

  /** See manager.ts: loads a probe module into the main thread or every application thread. */
  async load(path: string, options: LoadOptions = {}): Promise<ProbeModuleInfo> {
    return (await this.#real()).load(path, options);
  }

  async unload(name: string): Promise<void> {
    return (await this.#real()).unload(name);
  }

  /** The modules this manager loaded; none before its first call. */
  list(): ProbeModuleInfo[] {
    return this.#made?.list() ?? [];
  }

  async inspect(): Promise<ProbeModuleInfo[]> {
    return (await this.#real()).inspect();
  }

  async report(name: string): Promise<ThreadReport[]> {
    return (await this.#real()).report(name);
  }
}
