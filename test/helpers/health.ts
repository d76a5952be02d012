import type { FastifyInstance } from 'fastify';

/**
 * Runs `operation` while asking `GET /healthz` again and again over a real socket, and reports
 * the slowest answer: the way to show that hostile input never blocks the event loop. The
 * app must listen (this helper makes it listen on a free loopback port if it does not yet).
 */
export async function healthDuring<T>(app: FastifyInstance, operation: (baseUrl: string) => Promise<T>): Promise<{ result: T; slowestMs: number; answers: number }> {
  if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the app does not listen on a TCP port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  let done = false;
  let slowestMs = 0;
  let answers = 0;
  const probe = (async () => {
    while (!done) {
      const started = performance.now();
      const response = await fetch(`${baseUrl}/healthz`);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`/healthz answered ${response.status}`);
      slowestMs = Math.max(slowestMs, performance.now() - started);
      answers += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    const result = await operation(baseUrl);
    return { result, slowestMs, answers };
  } finally {
    done = true;
    await probe;
  }
}
