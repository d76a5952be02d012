import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../server/cli.ts';

export type CliRun = { code: number; stdout: string; stderr: string };

/** Runs the `mitzeichnen` command line in-process with the given environment and stdin. */
export async function runMitzeichnen(argv: string[], { env, stdin = '', cwd = process.cwd() }: { env: Record<string, string>; stdin?: string; cwd?: string }): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const code = await runCli(argv, { env: { LOG_LEVEL: 'silent', ...env }, cwd, stdin: Readable.from([stdin]), stdout, stderr });
  return { code, stdout: out, stderr: err };
}
