// Files that background jobs write (a ZIP of all letters, a print file): on disk under
// DATA_DIR/jobs (0700), named by a hash of the job's key, so a large result never sits in
// memory. Each store has its own folder (run-<pid>-…); folders of processes that are gone are
// removed when a store is created.
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { Zip, ZipPassThrough } from 'fflate';

export type JobFiles = {
  /** A fresh path for the result of the job `key`. */
  pathFor(key: string, extension: 'zip' | 'pdf'): string;
  remove(path: string): void;
};

export function createJobFiles(jobsDir: string): JobFiles {
  mkdirSync(jobsDir, { recursive: true, mode: 0o700 });
  for (const name of readdirSync(jobsDir)) {
    const pid = /^run-(\d+)-/.exec(name)?.[1];
    if (pid && !isAlive(Number(pid))) rmSync(join(jobsDir, name), { recursive: true, force: true });
  }
  const dir = mkdtempSync(join(jobsDir, `run-${process.pid}-`));
  let sequence = 0;
  return {
    pathFor: (key, extension) => join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}-${(sequence += 1)}.${extension}`),
    remove: (path) => rmSync(path, { force: true }),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The same names and bytes give the same ZIP: every entry carries this date. */
const ENTRY_DATE = new Date('2000-01-01T00:00:00Z');

/**
 * Writes a ZIP (entries stored, not compressed: PDFs are) to `path` while `fill` adds entries
 * one by one; only the entry being written is in memory. A failure removes the partial file.
 */
export async function writeZipFile(path: string, fill: (add: (name: string, bytes: Uint8Array) => Promise<void>) => Promise<void>): Promise<{ entries: number; bytes: number }> {
  const out = createWriteStream(path, { mode: 0o600 });
  let failure: Error | undefined;
  out.on('error', (error) => (failure ??= error));
  let written = 0;
  let entries = 0;
  const zip = new Zip((error, data) => {
    if (error) failure ??= error;
    else {
      written += data.length;
      out.write(data);
    }
  });
  const add = async (name: string, bytes: Uint8Array) => {
    if (failure) throw failure;
    const entry = new ZipPassThrough(name);
    entry.mtime = ENTRY_DATE;
    zip.add(entry);
    entry.push(bytes, true);
    entries += 1;
    if (out.writableNeedDrain) await once(out, 'drain');
    // The checksum of each entry is computed here, on the event loop: let requests in between.
    else await new Promise((resolve) => setImmediate(resolve));
  };
  try {
    await fill(add);
    zip.end();
    out.end();
    await once(out, 'finish');
    if (failure) throw failure;
    return { entries, bytes: written };
  } catch (error) {
    out.destroy();
    rmSync(path, { force: true });
    throw error;
  }
}
