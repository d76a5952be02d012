// The compiled entry points (built by test/helpers/build.global.ts), relative to the project root.

/** Arguments for `node` that run the `mitzeichnen` command line, e.g. `[...compiledCli, 'send', …]`. */
export const compiledCli = ['dist/cli.js'];

/** Arguments for `node` that start the web server, as `npm start` does. */
export const compiledServer = ['dist/index.js'];
