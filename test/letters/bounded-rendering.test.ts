import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { buildTestApp, fixedNow } from '../helpers/app.ts';
import { loginAs, makeAddressee, makeAppeal, makeList, makeOrganiser, appealFormFields, submitForm } from '../helpers/factories.ts';
import { fieldError, fieldValue } from '../helpers/html.ts';
import { healthDuring } from '../helpers/health.ts';
import { untilReady, waitsForBackground } from '../helpers/background.ts';
import { poppler } from '../helpers/pdf.ts';
import { appeals } from '../../server/appeals/appeals.table.ts';
import { addListToAppeal } from '../../server/addressees/addressees.service.ts';
import { parseLetterText } from '../../server/appeals/letter-text.ts';
import { breakInlines, wrapPlain, HARD_BREAK_LENGTH } from '../../server/letter-pdf/line-breaking.ts';
import { prepareLetter, recipientTexts, stampLetter } from '../../server/letter-pdf/letter-render.ts';
import { textWidth } from '../../server/letter-pdf/text-measure.ts';
import { findOverlongWord } from '../../server/letter-pdf/word-limits.ts';
import { resolveLetter } from '../../server/letters/resolve-letter.ts';
import { issueLetters } from '../../server/letters/letters.service.ts';
import { createLetterRenderer, letterRenderer } from '../../server/letters/letter-renderer.ts';
import { WorkerLimitError, createWorkerPool } from '../../server/jobs/worker-pool.ts';

const clock = () => new Date(fixedNow);
const hugeWord = (length: number) => 'Donaudampfschifffahrtsgesellschaft'.repeat(Math.ceil(length / 34)).slice(0, length);

async function appealWithAddressees(count = 2) {
  const app = await buildTestApp();
  const { organiser, password } = await makeOrganiser(app.db);
  const appeal = makeAppeal(app.db, organiser.id);
  const list = makeList(app.db, organiser.id);
  for (let i = 0; i < count; i += 1) makeAddressee(app.db, list, { lastName: `Muster-${i + 1}`, institution: `Gemeinde ${i + 1}` });
  addListToAppeal({ db: app.db, organiserId: organiser.id, appeal, listId: list.id, collective: false });
  const agent = app.http();
  await loginAs(agent, { email: organiser.email, password });
  return { ...app, organiser, appeal: app.db.select().from(appeals).where(eq(appeals.id, appeal.id)).get()!, agent };
}

describe('line breaking of overlong words', () => {
  it('breaks a 100,000-character word hard, in lines that fit, without losing a character', () => {
    const word = hugeWord(100_000);
    const started = performance.now();
    const lines = breakInlines([{ kind: 'text', text: `Vorher ${word} nachher`, bold: false, italic: false }], 450, 11);
    const wrapped = wrapPlain(`Vorher ${word} nachher`, 'regular', 9, 200);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(lines.length).toBeGreaterThan(500);
    for (const line of lines) expect(line.width).toBeLessThanOrEqual(450.001);
    // Lines joined again (a hyphen at a line end is a break) give the text back.
    expect(lines.map((line) => line.frags.map((frag) => frag.text).join('').replace(/-$/, '')).join('')).toBe(`Vorher${word}nachher`);
    for (const line of wrapped) expect(textWidth(line, 'regular', 9)).toBeLessThanOrEqual(200.001);
    expect(wrapped.map((line) => line.replace(/-$/, '')).join('').replace(/ /g, '')).toBe(`Vorher${word}nachher`);
  });

  it('still hyphenates normal long words (the hard break is only for words over the limit)', () => {
    const lines = breakInlines([{ kind: 'text', text: 'Die Donaudampfschifffahrtsgesellschaftskapitänsmütze bleibt', bold: false, italic: false }], 120, 11);
    expect(lines.some((line) => line.frags.at(-1)!.text.endsWith('-'))).toBe(true);
    expect(HARD_BREAK_LENGTH).toBe(200);
  });
});

describe('a 100,000-character word in the letter text', () => {
  it('is refused when saving and when previewing, with the length at the field, the typed text kept and nothing stored; /healthz answers meanwhile', async () => {
    const s = await appealWithAddressees();
    const body = hugeWord(100_000);
    for (const action of ['save', 'preview']) {
      const { result: response, slowestMs } = await healthDuring(s.app, () =>
        submitForm(s.agent, `/appeals/${s.appeal.slug}/edit`, `/appeals/${s.appeal.slug}`, { ...appealFormFields({ title: s.appeal.title, body }), action }),
      );
      expect(response.status).toBe(422);
      expect(fieldError(response.text, 'body')).toBe(
        'Der Text enthält ein Wort mit 100.000 Zeichen („DonaudampfschifffahrtsgesellsBeispiel …“). Erlaubt sind höchstens 200 Zeichen je Wort, in Links 2.000. Bitte trennen Sie es durch Leerzeichen; Ihr Text ist unten unverändert erhalten.'.replace('DonaudampfschifffahrtsgesellsBeispiel', hugeWord(30)),
      );
      expect(fieldValue(response.text, 'body')).toBe(body);
      expect(slowestMs).toBeLessThan(200);
    }
    expect(s.db.select().from(appeals).where(eq(appeals.id, s.appeal.id)).get()!.body).toBe(s.appeal.body);
  });

  it('allows long web addresses and words up to the limit', () => {
    expect(findOverlongWord(`Siehe https://example.org/${'a'.repeat(1500)} und ${'b'.repeat(200)} .`)).toBeUndefined();
    expect(findOverlongWord(`Siehe https://example.org/${'a'.repeat(2500)}`)).toMatchObject({ length: 2520, max: 2000 });
    expect(findOverlongWord(`${'c'.repeat(201)}`)).toMatchObject({ length: 201, max: 200 });
  });

  it('is broken hard by the renderer given such a model directly: done within 2 s; through the pool /healthz answers meanwhile', async () => {
    const s = await appealWithAddressees();
    const { model } = resolveLetter({ db: s.db, fileStore: s.fileStore, clock, appeal: s.appeal, baseUrl: s.config.baseUrl });
    const word = hugeWord(100_000);
    const hostile = { ...model, text: parseLetterText(`Vorher ${word} nachher`) };
    const started = performance.now();
    const recipient = { label: 'Gemeinde 1', addressLines: ['Gemeinde 1'], salutation: 'Sehr geehrte Damen und Herren,', code: 'ABCD-EFGH' };
    const prepared = await prepareLetter(hostile, { extraTexts: recipientTexts([recipient]), salutationLines: 1, createdAt: clock() });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(prepared.pageCount).toBeGreaterThan(5);
    const letter = stampLetter(prepared, recipient);
    const text = poppler('pdftotext', letter.bytes).replace(/\s+/g, '');
    expect(text).toContain(`Vorher${word.slice(0, 1500)}`);

    // The same text saved behind the form's back (e.g. an older version) renders in the pool, the app answering.
    s.db.update(appeals).set({ body: `Vorher ${word} nachher` }).where(eq(appeals.id, s.appeal.id)).run();
    const stored = s.db.select().from(appeals).where(eq(appeals.id, s.appeal.id)).get()!;
    const { result, slowestMs } = await healthDuring(s.app, () => issueLetters({ db: s.db, fileStore: s.fileStore, clock, baseUrl: s.config.baseUrl, appeal: stored, selection: { master: true } }));
    expect(result.pageCount).toBeGreaterThan(5);
    expect(slowestMs).toBeLessThan(200);
  });
});

describe('the worker pool', () => {
  const tasks = new URL('./fixtures/pool-tasks.ts', import.meta.url).href;

  it('moves results back, and ends a task over its time or memory limit with an error while the pool keeps working', async () => {
    const pool = createWorkerPool({ threads: 2, timeoutMs: 1000, memoryMb: 48 });
    try {
      const answer = await pool.run<{ value: number; bytes: Uint8Array }>(tasks, 'echo', { value: 21 });
      expect(answer.value).toBe(42);
      expect(answer.bytes.byteLength).toBe(64 * 1024);
      await expect(pool.run(tasks, 'spin', {})).rejects.toMatchObject({ name: 'WorkerLimitError', limit: 'time' });
      await expect(pool.run(tasks, 'hog', {}, { timeoutMs: 20_000 })).rejects.toBeInstanceOf(WorkerLimitError);
      expect((await pool.run<{ value: number }>(tasks, 'echo', { value: 1 })).value).toBe(2);
      expect(pool.tasksStarted).toBe(4);
    } finally {
      await pool.close();
    }
  });

  it('turns a render over its time limit into a German message', async () => {
    const s = await appealWithAddressees();
    const renderer = createLetterRenderer(createWorkerPool({ threads: 1, timeoutMs: 5, memoryMb: 256 }));
    try {
      const error = await issueLetters({ db: s.db, fileStore: s.fileStore, clock, baseUrl: s.config.baseUrl, appeal: s.appeal, selection: { master: true }, renderer }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ statusCode: 422, messageKey: 'letterRender.timeout' });
      const { t } = await import('../../server/i18n/index.ts');
      expect(t('letterRender.timeout', { seconds: 0 })).toContain('Die PDF-Erstellung hat länger als 0 Sekunden gedauert');
    } finally {
      await renderer.close();
    }
  });
});

describe('no PDF work in page requests', () => {
  it('the letters page shows the warnings from a background job; once it is done, a view starts no render', async () => {
    const s = await appealWithAddressees(3);
    const page = `/appeals/${s.appeal.slug}/letters`;
    const first = await s.agent.get(page).expect(200);
    expect(waitsForBackground(first.text)).toBe(true);
    await untilReady(() => s.agent.get(page).expect(200));
    const before = letterRenderer().jobs;
    const again = await s.agent.get(page).expect(200);
    expect(waitsForBackground(again.text)).toBe(false);
    expect(letterRenderer().jobs).toBe(before);
  });
});
