/** Types of @pkgjs/parseargs, the polyfill of Node's util.parseArgs (same API; the package ships none). */
declare module '@pkgjs/parseargs' {
  export const parseArgs: typeof import('node:util').parseArgs;
}
