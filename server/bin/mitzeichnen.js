#!/usr/bin/env node
// Entry point of the `mitzeichnen` command: runs the compiled CLI (dist/cli.js) in a process
// started as `npm start` starts the server — its node flags and environment (scripts/runtime.mjs:
// the memory settings, which must be given when a process starts) — building dist/ first when
// it is missing or older than the sources (scripts/build.mjs, under a second).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from '../../scripts/build.mjs';
import { productionRuntime } from '../../scripts/runtime.mjs';

await ensureBuilt({ quiet: true });
const { flags, env } = productionRuntime();
const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const run = spawnSync(process.execPath, [...flags, cli, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, ...env } });
if (run.error) throw run.error;
process.exitCode = run.status ?? 1;
