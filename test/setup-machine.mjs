// `npm test` runs this first (pretest): the tests read PDFs back with poppler-utils and qpdf,
// drive Debian's Chromium and read a mailbox on Debian's dovecot. On a fresh machine it installs what is missing with apt-get when it
// runs as root (CI, a new server); otherwise it names the one command to run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const needs = [
  { pkg: 'chromium', present: () => existsSync(chromium) },
  { pkg: 'poppler-utils', present: () => onPath('pdftotext') && onPath('pdffonts') },
  { pkg: 'qpdf', present: () => onPath('qpdf') },
  // Test certificates for the seal, and a real timestamp server (`openssl ts`, test/helpers/tsa.ts).
  { pkg: 'openssl', present: () => onPath('openssl') },
  // The mailbox tests run a real IMAP server (test/helpers/imap-server.ts).
  { pkg: 'dovecot-imapd', present: () => existsSync('/usr/sbin/dovecot') && existsSync('/usr/lib/dovecot/imap') },
];

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const missing = needs.filter((need) => !need.present()).map((need) => need.pkg);
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !onPath('apt-get')) {
  console.error(`The tests need Debian packages that are missing: ${missing.join(', ')}.\nInstall them with:\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  process.exit(1);
}
console.log(`Installing the Debian packages the tests need: ${missing.join(', ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
