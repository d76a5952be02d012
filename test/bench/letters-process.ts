// The rendering side of the letters bench, in a process of its own started as `npm start` runs
// the app (compiled, with its flags): the bench's own process holds tsx, the seeded demo and
// the load generator, which are not the renderer's. Reads the model and the recipients
// (v8-serialised, BENCH_INPUT), renders every letter once, with the seal when SEAL_P12_FILE is
// set, and prints one JSON line: layout time, total time, CPU, bytes, and peak RSS (VmHWM).
import { readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { loadConfig } from '../../server/config.ts';
import type { LetterModel, RenderRecipient } from '../../server/letter-pdf/letter-model.ts';
import { prepareBatch, recipientTexts, salutationLinesFor } from '../../server/letter-pdf/letter-render.ts';

const peakRssMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

const { model, recipients } = deserialize(readFileSync(process.env.BENCH_INPUT!)) as { model: LetterModel; recipients: (RenderRecipient & { code: string })[] };
const seal = loadConfig(process.env).seal;
const rssBeforeMb = process.memoryUsage().rss / 1024 / 1024;
const started = performance.now();
const cpuStarted = process.cpuUsage();
const batch = await prepareBatch(model, { extraTexts: recipientTexts(recipients), salutationLines: salutationLinesFor(recipients), createdAt: new Date('2026-11-22T10:00:00Z'), ...(seal ? { seal } : {}) });
const layoutMs = performance.now() - started;
let bytes = 0;
let maxBytes = 0;
for (const recipient of recipients) {
  const letter = batch.emit(recipient);
  bytes += letter.bytes.length;
  maxBytes = Math.max(maxBytes, letter.bytes.length);
}
const cpu = process.cpuUsage(cpuStarted);
process.stdout.write(`${JSON.stringify({ layoutMs, seconds: (performance.now() - started) / 1000, cpuMs: (cpu.user + cpu.system) / 1000, bytes, maxBytes, peakRssMb: peakRssMb(), rssBeforeMb })}\n`);
