// Types of scripts/build.mjs for the TypeScript that imports it (test/helpers/package-copy.ts).
export declare const ENTRY_POINTS: {
  readonly shared: Readonly<Record<string, string>>;
  readonly alone: Readonly<Record<string, { readonly file: string; readonly platform: string }>>;
};
/** Bundles the sources of `root` (default: this repository) into `outdir`, emptied first. */
export declare function bundle(outdir: string, root?: string): Promise<void>;
