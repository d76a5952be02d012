// Runs in a worker thread (see oparl-fetch.ts): parses a large OParl answer off the event loop.
export default async function parseJsonJob(bytes: Uint8Array): Promise<{ ok: boolean; value?: unknown }> {
  try {
    return { ok: true, value: JSON.parse(Buffer.from(bytes).toString('utf8')) };
  } catch {
    return { ok: false };
  }
}
