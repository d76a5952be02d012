// vitest globalSetup of the slow group: builds dist/ once (esbuild, under a second; nothing to do
// when it is current), so that the crash tests start the compiled server and CLI as `npm start`
// and the `mitzeichnen` command do, without a TypeScript loader in every process they start.
import { ensureBuilt } from '../../scripts/build.mjs';

export default async function setup(): Promise<void> {
  await ensureBuilt({ quiet: true });
}
