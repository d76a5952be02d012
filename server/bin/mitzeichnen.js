#!/usr/bin/env node
// Entry point of the `mitzeichnen` command: runs the compiled CLI (dist/cli.js), building it
// first when dist/ is missing or older than the sources (scripts/build.mjs, under a second).
import { ensureBuilt } from '../../scripts/build.mjs';

await ensureBuilt({ quiet: true });
const { main } = await import('../../dist/cli.js');
await main();
