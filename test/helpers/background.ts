/**
 * Pages that wait for background work carry `<meta name="mz-refresh">`: static/js/auto-refresh.js
 * reloads them (or the user follows "Seite aktualisieren"). This asks again, as the browser would,
 * until the answer no longer waits.
 */
export async function untilReady<R extends { headers: Record<string, string>; text?: string; body?: unknown }>(request: () => PromiseLike<R>, { tries = 150, intervalMs = 100 } = {}): Promise<R> {
  for (let attempt = 0; ; attempt += 1) {
    const response = await request();
    const html = String(response.headers['content-type'] ?? '').startsWith('text/html');
    const text = typeof response.text === 'string' ? response.text : Buffer.isBuffer(response.body) ? response.body.toString('utf8') : '';
    if (!html || !waitsForBackground(text)) return response;
    if (attempt >= tries) throw new Error('the page still waits for a background render');
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Whether a page waits for background work (and reloads itself while the switch is on). */
export function waitsForBackground(html: string): boolean {
  return html.includes('<meta name="mz-refresh"');
}
