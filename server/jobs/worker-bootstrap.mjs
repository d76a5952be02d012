// The entry of every worker thread of the pool (server/jobs/worker-pool.ts). Task modules come
// bundled as plain JavaScript (server/jobs/task-bundle.ts); only a TypeScript module (when
// bundling failed) makes the worker load tsx, the same under `npm start`, the CLI and vitest.
import { move, transferableSymbol, valueSymbol } from 'piscina';

// Loader hooks registered in the parent thread do not reach worker threads (Node 20), so a
// worker that must load TypeScript registers tsx itself, once.
let tsx;
const loadTypeScript = () => (tsx ??= import('tsx/esm/api').then(({ register }) => register()));

const modules = new Map();

/** Runs `name` of `module` with `input`; a result made by `withTransfer` moves its buffers back instead of copying them. */
export default async function runTask({ module, name, input }) {
  let loaded = modules.get(module);
  if (!loaded) {
    loaded = module.endsWith('.ts') ? loadTypeScript().then(() => import(module)) : import(module);
    modules.set(module, loaded);
  }
  const task = (await loaded)[name];
  if (typeof task !== 'function') throw new Error(`no task "${name}" in ${module}`);
  const result = await task(input);
  if (result && typeof result === 'object' && Array.isArray(result.transferList)) {
    const { value, transferList } = result;
    return move({ [transferableSymbol]: transferList, [valueSymbol]: value });
  }
  return result;
}
