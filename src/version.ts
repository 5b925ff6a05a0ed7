/** The package version; test/package-version.test.ts checks it against package.json. */
export const VERSION = '0.1.0';
