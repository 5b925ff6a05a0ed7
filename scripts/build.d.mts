// Types of scripts/build.mjs for the TypeScript that imports it (test/helpers/package-copy.ts).
/** Bundles the sources of `root` (default: this repository) into `outdir`, emptied first. */
export declare function bundle(outdir: string, root?: string): Promise<void>;
