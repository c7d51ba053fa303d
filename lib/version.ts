/** The package version, read from package.json so there is one source of truth. */
import pkg from '../package.json';

export const version: string = pkg.version;
