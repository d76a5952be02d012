import type { Readable, Writable } from 'node:stream';
import type { Config } from '../config.ts';
import type { Db, DatabaseConnection } from '../db/client.ts';
import type { MailWorker } from '../mail/mail.worker.ts';
import type { Clock } from '../shared/clock.ts';

export type CliIo = {
  env: Record<string, string | undefined>;
  cwd: string;
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
};

export type CliContext = {
  io: CliIo;
  config: Config;
  clock: Clock;
  /** Opens and migrates the database on first use. */
  database: () => DatabaseConnection;
  print: (line: string) => void;
  /** The outbox worker with every mail kind of the app, wired by the composition root. */
  mailWorker: (db: Db) => MailWorker;
};

/** A problem with the command line or its input: printed without a stack trace, exit code 1. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export type CliCommand = {
  name: string;
  usage: string;
  description: string;
  run: (args: string[], context: CliContext) => Promise<number>;
};

/** Reads all of stdin (e.g. a password piped in) and trims the final line break. */
export async function readStdin(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
