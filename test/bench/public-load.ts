// Load generator of the public-page bench, run as a child process of its own (so that its
// work does not share the event loop of the server or of the bench):
//   node --import tsx test/bench/public-load.ts '<json options>'
// Modes: "page" (GET a URL over keep-alive connections), "sign" (citizens sign and confirm through
// the HTTP routes at a fixed rate or as fast as `connections` allow). Prints one JSON line.
import { Agent, request } from 'node:http';
import Database from 'better-sqlite3';
import { openSealedToken } from '../../server/shared/tokens.ts';

type Options = {
  mode: 'page' | 'sign';
  baseUrl: string;
  seconds: number;
  connections: number;
  path?: string;
  /** sign: signatures per second (0 = as fast as the connections go). */
  rate?: number;
  slug?: string;
  databaseFile?: string;
  secret?: string;
  emailPrefix?: string;
  /** page: headers of every request (e.g. a session cookie). */
  headers?: Record<string, string>;
  /** page: every request from another client address (X-Forwarded-For; the server trusts 127.0.0.1), so that per-address rate limits do not apply. */
  varyClient?: boolean;
};

const options = JSON.parse(process.argv[2]!) as Options;
const base = new URL(options.baseUrl);
const agent = new Agent({ keepAlive: true, maxSockets: options.connections });

type Answer = { status: number; body: string; headers: Record<string, string | string[] | undefined> };

function send(method: string, path: string, { body, headers = {} }: { body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, method, path, agent, headers: { ...headers, ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

async function pageLoad() {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + options.seconds * 1000;
  const cpuBefore = cpuSeconds();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const client: Record<string, string> = options.varyClient ? { 'x-forwarded-for': `10.${(Math.random() * 256) | 0}.${(Math.random() * 256) | 0}.${1 + ((Math.random() * 254) | 0)}` } : {};
        const answer = await send('GET', options.path!, { headers: { ...options.headers, ...client } });
        latencies.push(performance.now() - t0);
        if (answer.status !== 200) errors += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, errors, rps: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? 0, clientCpu: cpuSeconds() - cpuBefore, seconds };
}

async function signLoad() {
  const db = new Database(options.databaseFile!, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const newRows = db.prepare("select id, recipient, payload from mail_outbox where id > ? and kind = 'supporter-confirm' order by id");
  let lastId = 0;
  const tokens = new Map<string, string>();
  const waiting = new Map<string, (token: string) => void>();
  // One reader of the outbox for all signatures: the confirm links, as the mail would carry them.
  const poll = setInterval(() => {
    for (const row of newRows.all(lastId) as { id: number; recipient: string; payload: string }[]) {
      lastId = row.id;
      const token = openSealedToken((JSON.parse(row.payload) as { sealedConfirm: string }).sealedConfirm, options.secret!);
      const resolve = waiting.get(row.recipient);
      if (resolve) {
        waiting.delete(row.recipient);
        resolve(token);
      } else tokens.set(row.recipient, token);
    }
  }, 10);
  const tokenFor = (email: string) =>
    new Promise<string>((resolve) => {
      const known = tokens.get(email);
      if (known) {
        tokens.delete(email);
        resolve(known);
      } else waiting.set(email, resolve);
    });

  // One visitor's form: its CSRF cookie and token and the form's time stamp serve every signature.
  const form = await send('GET', `/a/${options.slug}/sign`);
  const cookie = ([form.headers['set-cookie']].flat().filter(Boolean) as string[]).map((line) => line.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const startedAt = /name="startedAt" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  await new Promise((resolve) => setTimeout(resolve, 2100));

  const latencies: number[] = [];
  let failures = 0;
  let counter = 0;
  const one = async () => {
    const n = (counter += 1);
    const email = `${options.emailPrefix ?? 'b'}${n}@buerger${n % 97}.example`;
    const t0 = performance.now();
    const body = new URLSearchParams({ _csrf: csrf, startedAt, website: '', firstName: 'Bench', lastName: `Bürger ${n}`, postcode: '47533', place: 'Kleve', email, comment: '', showName: n % 2 ? 'on' : '' }).toString();
    const signed = await send('POST', `/a/${options.slug}/sign`, { body, headers: { cookie } });
    if (signed.status !== 303) {
      failures += 1;
      return;
    }
    const confirmed = await send('GET', `/c/${await tokenFor(email)}`);
    if (confirmed.status !== 200) failures += 1;
    else latencies.push(performance.now() - t0);
  };
  const end = performance.now() + options.seconds * 1000;
  const cpuBefore = cpuSeconds();
  const started = performance.now();
  if (options.rate) {
    const pending: Promise<void>[] = [];
    for (let i = 0; performance.now() < end; i += 1) {
      pending.push(one());
      const next = started + ((i + 1) * 1000) / options.rate;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
    }
    await Promise.all(pending);
  } else {
    await Promise.all(
      Array.from({ length: options.connections }, async () => {
        while (performance.now() < end) await one();
      }),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(poll);
  db.close();
  latencies.sort((a, b) => a - b);
  return { confirmed: latencies.length, failures, perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), clientCpu: cpuSeconds() - cpuBefore, seconds };
}

const result = options.mode === 'page' ? await pageLoad() : await signLoad();
process.stdout.write(`${JSON.stringify(result)}\n`);
agent.destroy();
