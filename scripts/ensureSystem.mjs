// Installs the Debian packages the tests and the demo need when they are missing (as root, via apt-get).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const NEEDED = [
  { file: '/usr/sbin/dovecot', packages: ['dovecot-core', 'dovecot-imapd', 'dovecot-pop3d'] },
  { file: '/usr/lib/dovecot/imap', packages: ['dovecot-imapd'] },
  { file: '/usr/lib/dovecot/pop3', packages: ['dovecot-pop3d'] },
  { file: '/usr/bin/openssl', packages: ['openssl'] },
  // The DNS server the authentication tests and the demo serve their zones (DKIM keys, SPF, DMARC) from.
  { file: '/usr/sbin/nsd', packages: ['nsd'] },
];

const BROWSER = [
  { file: '/usr/bin/chromium', packages: ['chromium'] },
  // A small CJK font, so that screenshots show non-Latin folder names and subjects instead of empty boxes.
  { file: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', packages: ['fonts-wqy-microhei'] },
];
// Headers for code-server's native Kerberos addon, built when code-server is installed (e2e tests and the demo).
const KERBEROS = [{ file: ['/usr/include/gssapi/gssapi.h', '/usr/include/krb5.h'], packages: ['libkrb5-dev'] }];

/** Every Debian package the scripts may install, for `npm test` (all) or `npm run demo` (no browser): README lists them. */
export function debianPackages({ chromium = false, kerberos = false } = {}) {
  return [...NEEDED, ...(chromium ? BROWSER : []), ...(kerberos ? KERBEROS : [])].flatMap((n) => n.packages).filter((p, i, all) => all.indexOf(p) === i);
}

export function ensureSystem({ chromium = false, kerberos = false } = {}) {
  const present = (file) => (Array.isArray(file) ? file.some((f) => existsSync(f)) : existsSync(file));
  const wanted = [...NEEDED, ...(chromium ? BROWSER : []), ...(kerberos ? KERBEROS : [])].filter((n) => !present(n.file)).flatMap((n) => n.packages);
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
