/**
 * Loading on first use: how the root export offers the whole API while
 * importing only the core (DESIGN, "The core's footprint").
 *
 * `onFirstCall(load, name)` is an async function of the same signature as
 * `name` of the module `load()` imports: the first call imports it, every
 * call forwards to it. The module's own contract (errors, results) is
 * untouched; only the first call waits for the import as well.
 *
 * @example
 * export const listen = onFirstCall(() => import('./control/listen.js'), 'listen');
 */

// biome-ignore lint/suspicious/noExplicitAny: any argument list; the result type is the module's own
type AsyncFunction = (...args: any[]) => Promise<unknown>;

/** A memoised `load`: the import starts once, on the first call. */
export function loadOnce<M>(load: () => Promise<M>): () => Promise<M> {
  let loaded: Promise<M> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}

export function onFirstCall<M extends { readonly [P in K]: AsyncFunction }, K extends keyof M>(
  load: () => Promise<M>,
  name: K,
): M[K] {
  const module = loadOnce(load);
  const forward = async (...args: unknown[]): Promise<unknown> => (await module())[name](...args);
  return forward as M[K];
}
