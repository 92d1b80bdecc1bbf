// Installs the Debian packages the tests and the demo need when they are missing (as root, via apt-get).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const NEEDED = [
  { file: '/usr/sbin/dovecot', packages: ['dovecot-core', 'dovecot-imapd', 'dovecot-pop3d'] },
  { file: '/usr/lib/dovecot/imap', packages: ['dovecot-imapd'] },
  { file: '/usr/lib/dovecot/pop3', packages: ['dovecot-pop3d'] },
  { file: '/usr/bin/openssl', packages: ['openssl'] },
];

export function ensureSystem({ chromium = false, kerberos = false } = {}) {
  const wanted = NEEDED.filter((n) => !existsSync(n.file)).flatMap((n) => n.packages);
  if (chromium && !existsSync('/usr/bin/chromium')) wanted.push('chromium');
  // A small CJK font, so that screenshots show non-Latin folder names and subjects instead of empty boxes.
  if (chromium && !existsSync('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc')) wanted.push('fonts-wqy-microhei');
  if (kerberos && !existsSync('/usr/include/gssapi/gssapi.h') && !existsSync('/usr/include/krb5.h')) wanted.push('libkrb5-dev');
  if (wanted.length === 0) return;
  const unique = [...new Set(wanted)];
  if (process.getuid?.() !== 0) {
    throw new Error(`Missing Debian packages: ${unique.join(' ')}. Install them with: sudo apt-get install -y ${unique.join(' ')}`);
  }
  process.stderr.write(`Installing ${unique.join(' ')} with apt-get…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...unique], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (r.status !== 0) throw new Error(`apt-get install ${unique.join(' ')} failed`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureSystem({ chromium: process.argv.includes('--chromium'), kerberos: process.argv.includes('--kerberos') });
}
