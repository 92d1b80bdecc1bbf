import type { Diagnosis } from './diagnosisTypes';
import { Finding, tlsFindings } from './tlsFindings';

const ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * What a diagnosis means, worst first: the TLS findings (tlsFindings.ts), then plain text allowed, no
 * STARTTLS, old TLS versions accepted, APOP only, no UIDL, no IDLE, the POP3 retention announcements, the
 * login. Pure: every case is unit-tested on a hand-made diagnosis.
 */
export function diagnosisFindings(d: Omit<Diagnosis, 'findings'>): Finding[] {
  const findings: Finding[] = [];
  const add = (severity: Finding['severity'], text: string): number => findings.push({ severity, text });
  const { target } = d;
  const upgrade = target.protocol === 'imap' ? 'STARTTLS' : 'STLS';
  const tlsPort = target.protocol === 'imap' ? 993 : 995;
  if (d.resolution?.error) add('error', d.resolution.error);
  const addresses = d.resolution?.addresses ?? [];
  const failed = addresses.filter((a) => a.connectMs === undefined);
  if (addresses.length > 0 && failed.length === addresses.length) add('error', `No address of ${target.host} accepts a connection on port ${target.port} (${failed.map((a) => `${a.address}: ${a.error ?? 'failed'}`).join('; ')}).`);
  else if (failed.length > 0) add('warning', `${failed.length} of ${addresses.length} addresses of ${target.host} do not accept a connection on port ${target.port} (${failed.map((a) => `${a.address}: ${a.error ?? 'failed'}`).join('; ')}): clients that try them first wait or fail.`);
  if (d.stopped) add(/cancelled/i.test(d.stopped) ? 'info' : 'error', `The diagnosis stopped: ${d.stopped}`);
  const tls = d.tls;
  if (tls?.facts) findings.push(...tlsFindings(tls.facts, target.host));
  const beforeTls = target.protocol === 'imap' ? d.imap?.capabilitiesBeforeTls : d.pop3?.capaBeforeTls;
  if (beforeTls !== undefined && tls) {
    if (tls.upgradeOffered === false) {
      add(target.security === 'none' ? 'warning' : 'error', `The server does not offer ${upgrade} on port ${target.port}: the password and the mail travel in clear. Use TLS (usually port ${tlsPort}) if the server has it.`);
    } else if (target.security === 'none') {
      add('warning', `The account uses no TLS although the server offers ${upgrade}: choose "starttls" security for this account.`);
    }
    if (tls.required === false) {
      const how = target.protocol === 'imap' ? 'its capabilities before STARTTLS offer LOGIN or AUTH=…' : 'its CAPA before STLS offers USER or SASL';
      add('warning', `The server accepts a password in plain text, before TLS (${how}): a client set to no TLS, or an attacker who strips ${upgrade}, gets the password sent in clear. The server should refuse logins before TLS.`);
    }
  }
  for (const weak of tls?.weakVersions ?? []) {
    if (weak.accepted) add('warning', `The server accepts ${tlsVersionName(weak.version)}, which is obsolete and attackable: it should accept TLS 1.2 and 1.3 only.`);
  }
  const pop3 = d.pop3;
  if (pop3) {
    const capa = pop3.capaAfterTls ?? pop3.capaBeforeTls;
    const offersUser = capa?.some((l) => /^USER\b/i.test(l)) ?? false;
    if (pop3.apopTimestamp && capa && !pop3.capaUnsupported && !offersUser && pop3.saslMechanisms.length === 0) {
      add('warning', 'The server offers only APOP: its MD5 digest is weak, and the server has to keep the password in clear to check it.');
    }
    if (pop3.uidl === false) add('warning', 'The server does not offer UIDL: a client cannot tell messages apart between sessions, so "leave on server" downloads everything again.');
    if (pop3.expire) add('info', `EXPIRE ${pop3.expire.value}: ${pop3.expire.words}`);
    if (pop3.loginDelay) add('info', `LOGIN-DELAY ${pop3.loginDelay.value}: ${pop3.loginDelay.words}`);
  }
  const after = d.imap?.capabilitiesAfterLogin;
  if (after && !after.some((c) => c.toUpperCase() === 'IDLE')) add('warning', 'The server does not offer IDLE: new mail is seen only when a client polls, not as it arrives.');
  for (const attempt of d.login?.attempts ?? []) {
    if (!attempt.ok) add('error', `The server refused the login (${attempt.mechanism}): ${attempt.answer}${attempt.decoded ? ` — ${attempt.decoded}` : ''}`);
  }
  if (d.login?.skipped) add('info', `No login: ${d.login.skipped}`);
  return findings.sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
}

/** "TLSv1" → "TLS 1.0", "TLSv1.1" → "TLS 1.1". */
export function tlsVersionName(version: string): string {
  const number = version.replace(/^TLSv/, '');
  return `TLS ${number.includes('.') ? number : `${number}.0`}`;
}
