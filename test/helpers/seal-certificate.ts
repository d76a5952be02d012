// A self-signed seal certificate made with openssl, as an operator would export one: a PKCS#12
// file with key and certificate (OpenSSL 3 defaults: AES-256, PBKDF2, SHA-256 MAC).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SEAL_PASSWORD = 'siegel-passwort-123';

export function makeSealCertificate(subject = '/CN=Aktionsbündnis Kleve/O=Aktionsbündnis für Integration e.V./C=DE'): { dir: string; p12File: string; password: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mz-seal-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const p12File = join(dir, 'siegel.p12');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '3650', '-utf8', '-subj', subject], { stdio: 'pipe' });
  execFileSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-out', p12File, '-passout', `pass:${SEAL_PASSWORD}`], { stdio: 'pipe' });
  return { dir, p12File, password: SEAL_PASSWORD };
}
