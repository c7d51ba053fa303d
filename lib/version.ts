/** The package version, read once from package.json so there is one source of truth. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const version: string = (require('../../package.json') as { version: string }).version;
