#!/usr/bin/env node
// Entry point of the `mitzeichnen` command: runs the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli.ts');
await main();
