/**
 * Pages that wait for a background render refresh themselves (`<meta http-equiv="refresh">`,
 * no script). This asks again, as the browser would, until the answer no longer refreshes.
 */
export async function untilReady<R extends { headers: Record<string, string>; text?: string; body?: unknown }>(request: () => PromiseLike<R>, { tries = 150, intervalMs = 100 } = {}): Promise<R> {
  for (let attempt = 0; ; attempt += 1) {
    const response = await request();
    const html = String(response.headers['content-type'] ?? '').startsWith('text/html');
    const text = typeof response.text === 'string' ? response.text : Buffer.isBuffer(response.body) ? response.body.toString('utf8') : '';
    if (!html || !text.includes('http-equiv="refresh"')) return response;
    if (attempt >= tries) throw new Error('the page still waits for a background render');
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
