import { passwordForLogin } from '../credentials/credentialProvider';
import { MailError } from '../errors';
import { saslPlainResponse } from '../pop3/pop3Auth';
import { capabilitiesIn, enabledIn, idFields, imapQuoted, listFolder, statusOf } from './diagnosisImapParse';
import { decodeSaslChallenge } from './diagnosisSasl';
import { checkCancelled, ConversationContext, greetingOrWrongPort, ImapDraft, loginBlocked, noteTls, openWire } from './diagnosisSteps';
import type { FolderFacts } from './diagnosisTypes';
import { DiagnosisWire } from './diagnosisWire';

/** Folders asked STATUS for, at most: a diagnosis of a server with 5,000 folders must not take minutes. */
export const STATUS_FOLDERS = 100;

interface Reply {
  readonly status: 'OK' | 'NO' | 'BAD';
  readonly text: string;
  readonly untagged: readonly string[];
}

/**
 * One IMAP conversation, raw (a library would hide what is diagnosed: the capabilities before STARTTLS, the
 * exact answers): greeting, CAPABILITY, STARTTLS and CAPABILITY again, ID, login, CAPABILITY after login,
 * NAMESPACE, ENABLE, GETQUOTAROOT INBOX, LIST with special-use and STATUS (with SIZE where offered), LOGOUT.
 * Nothing changes on the server: no SELECT, no write; ENABLE lasts for this connection only.
 */
export async function diagnoseImap(context: ConversationContext): Promise<void> {
  const { clock, draft, target } = context;
  const wire = await clock.run(`Connecting to ${target.host}:${target.port}`, () => openWire(context));
  const talk = new ImapTalk(wire);
  try {
    const facts: ImapDraft = (draft.imap = {});
    if (wire.tls) noteTls(draft, 'implicit', wire.tls);
    const greeting = await clock.run('Greeting', () => greetingOrWrongPort(context, wire, () => talk.response()));
    draft.greeting = greeting;
    if (!/^\* (?:OK|PREAUTH|BYE)\b/i.test(greeting)) throw new MailError('protocol', `The server's greeting is not IMAP: "${greeting.slice(0, 100)}".`, greeting);
    if (/^\* BYE\b/i.test(greeting)) throw new MailError('server', `The server refused the connection: ${greeting}`, greeting);
    const preauth = /^\* PREAUTH\b/i.test(greeting);
    let caps = capabilitiesIn(greeting) ?? (await clock.run('CAPABILITY', () => capabilities(talk)));
    if (wire.tls) facts.capabilitiesAfterTls = caps;
    else {
      facts.capabilitiesBeforeTls = caps;
      const offered = has(caps, 'STARTTLS');
      const loginInClear = !has(caps, 'LOGINDISABLED') || caps.some((c) => /^AUTH=/i.test(c));
      draft.tls = { mode: 'none', upgradeOffered: offered, required: !loginInClear, weakVersions: [] };
      if (target.security === 'starttls') {
        if (!offered) throw new MailError('tls', 'The server does not offer STARTTLS, so the account\'s connection (security "starttls") fails here; nothing was sent.');
        const reply = await clock.run('STARTTLS', () => talk.command('STARTTLS'));
        if (reply.status !== 'OK') throw new MailError('tls', `The server refused STARTTLS (${reply.text}); nothing was sent.`, reply.text);
        noteTls(draft, 'starttls', await clock.run('TLS handshake', () => wire.upgrade()));
        caps = await clock.run('CAPABILITY after STARTTLS', () => capabilities(talk));
        facts.capabilitiesAfterTls = caps;
      }
    }
    if (has(caps, 'ID')) {
      const reply = await clock.run('ID', () => talk.command('ID NIL'));
      const fields = reply.untagged.map(idFields).find((f) => f !== undefined);
      if (fields) facts.id = fields;
    }
    draft.loginOffered = [...caps.filter((c) => /^AUTH=/i.test(c)).map((c) => `AUTHENTICATE ${c.slice(5)}`), ...(has(caps, 'LOGINDISABLED') ? [] : ['LOGIN'])];
    checkCancelled(context.signal);
    let authenticated = preauth;
    if (!preauth) {
      const blocked = loginBlocked(context, wire);
      if (blocked) draft.loginSkipped = blocked;
      else authenticated = await login(context, talk, wire, caps);
    }
    if (!authenticated) return;
    const after = await clock.run('CAPABILITY after login', () => capabilities(talk));
    facts.capabilitiesAfterLogin = after;
    if (has(after, 'NAMESPACE')) {
      const reply = await clock.run('NAMESPACE', () => talk.command('NAMESPACE'));
      const line = reply.untagged.find((l) => /^\* NAMESPACE /i.test(l));
      if (line) facts.namespace = line.slice(12);
    }
    if (has(after, 'ENABLE')) {
      const asked = ['CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT'].filter((c) => has(after, c));
      facts.enableAsked = asked;
      if (asked.length > 0) {
        const reply = await clock.run('ENABLE', () => talk.command(`ENABLE ${asked.join(' ')}`));
        facts.enabled = reply.untagged.map(enabledIn).find((e) => e !== undefined) ?? [];
      }
    }
    if (has(after, 'QUOTA') || after.some((c) => /^QUOTA=/i.test(c))) {
      const reply = await clock.run('GETQUOTAROOT INBOX', () => talk.command('GETQUOTAROOT INBOX'));
      facts.quota = reply.untagged.filter((l) => /^\* QUOTA(ROOT)? /i.test(l)).map((l) => l.slice(2));
      if (reply.status !== 'OK') facts.quotaNote = reply.text;
    } else facts.quotaNote = 'The server does not offer QUOTA (RFC 9208).';
    checkCancelled(context.signal);
    await clock.run('Folders', () => folders(talk, after, facts));
    await talk.command('LOGOUT').catch(() => undefined);
  } finally {
    wire.close();
  }
}

async function folders(talk: ImapTalk, caps: readonly string[], facts: ImapDraft): Promise<void> {
  const specialUse = has(caps, 'SPECIAL-USE') ? ' RETURN (SPECIAL-USE)' : '';
  const list = await talk.command(`LIST "" "*"${specialUse}`);
  const found: FolderFacts[] = list.untagged.map(listFolder).filter((f): f is FolderFacts => f !== undefined);
  const items = has(caps, 'STATUS=SIZE') ? 'MESSAGES SIZE' : 'MESSAGES';
  const result: FolderFacts[] = [];
  for (const [i, folder] of found.entries()) {
    if (i >= STATUS_FOLDERS || folder.flags.some((f) => /^\\No(select|nexistent)$/i.test(f))) {
      result.push(folder);
      continue;
    }
    const reply = await talk.command(`STATUS ${imapQuoted(folder.name)} (${items})`);
    const status = reply.untagged.map(statusOf).find((s) => s !== undefined);
    result.push({ ...folder, ...(status?.messages !== undefined ? { messages: status.messages } : {}), ...(status?.size !== undefined ? { size: status.size } : {}) });
  }
  facts.folders = result;
  if (found.length > STATUS_FOLDERS) facts.foldersNote = `${found.length} folders: STATUS was asked for the first ${STATUS_FOLDERS} only.`;
}

/** AUTHENTICATE PLAIN where offered (with SASL-IR when offered), else LOGIN unless LOGINDISABLED. */
async function login(context: ConversationContext, talk: ImapTalk, wire: DiagnosisWire, caps: readonly string[]): Promise<boolean> {
  const { account, credentials, clock, draft } = context;
  const plain = has(caps, 'AUTH=PLAIN');
  if (!plain && has(caps, 'LOGINDISABLED')) {
    draft.loginSkipped = `The server offers neither AUTHENTICATE PLAIN nor LOGIN here (it announces LOGINDISABLED${caps.some((c) => /^AUTH=/i.test(c)) ? ` and only ${caps.filter((c) => /^AUTH=/i.test(c)).join(' ')}` : ''}).`;
    return false;
  }
  let password: string;
  try {
    password = await passwordForLogin(credentials!, account, (secret) => wire.addSecret(secret));
  } catch (error) {
    draft.loginSkipped = error instanceof Error ? error.message : String(error);
    return false;
  }
  const mechanism = plain ? 'AUTHENTICATE PLAIN' : 'LOGIN';
  const started = performance.now();
  const reply = await clock.run(`Login (${mechanism})`, async () => {
    if (!plain) return talk.command(`LOGIN ${imapQuoted(account.user)} ${imapQuoted(password)}`, password);
    const payload = saslPlainResponse(account.user, password);
    return has(caps, 'SASL-IR') ? talk.command(`AUTHENTICATE PLAIN ${payload}`, payload) : talk.command('AUTHENTICATE PLAIN', payload, payload);
  });
  const ok = reply.status === 'OK';
  const challenge = talk.lastChallenge;
  const decoded = challenge ? decodeSaslChallenge(challenge) : undefined;
  // The capabilities after login are listed on their own: the answer keeps only its words.
  const answer = reply.text.replace(/\[CAPABILITY [^\]]*\]/i, '[CAPABILITY …]');
  draft.attempts.push({ mechanism, ok, answer, ms: Math.round(performance.now() - started), ...(decoded ? { decoded } : {}) });
  if (!ok) credentials!.invalidate(account);
  return ok;
}

async function capabilities(talk: ImapTalk): Promise<string[]> {
  const reply = await talk.command('CAPABILITY');
  return reply.untagged.map(capabilitiesIn).find((c) => c !== undefined) ?? capabilitiesIn(reply.text) ?? [];
}

function has(caps: readonly string[], name: string): boolean {
  return caps.some((c) => c.toUpperCase() === name.toUpperCase());
}

/** Tagged commands and their responses, literals inlined as quoted strings. */
class ImapTalk {
  private next = 1;
  /** The base64 challenge of the last AUTHENTICATE's "+" after the response was sent (a SASL error), if any. */
  lastChallenge: string | undefined;

  constructor(private readonly wire: DiagnosisWire) {}

  /** One response (its lines joined when literals split it). */
  async response(): Promise<string> {
    let text = await this.wire.readLine();
    for (let literal = /\{(\d{1,9})\}$/.exec(text); literal; literal = /\{(\d{1,9})\}$/.exec(text)) {
      const bytes = await this.wire.readBytes(Number(literal[1]));
      text = `${text.slice(0, literal.index)}${imapQuoted(bytes.toString('utf8'))}${await this.wire.readLine()}`;
    }
    return text;
  }

  /**
   * Sends `command` with the next tag and reads up to its tagged reply. `secret` is scrubbed from what comes
   * back; `response` is what to send on the server's first "+" (AUTHENTICATE without SASL-IR). On a later "+"
   * (a SASL error challenge) an empty line ends the exchange, as RFC 4954 and XOAUTH2 ask.
   */
  async command(command: string, secret?: string, response?: string): Promise<Reply> {
    const tag = `D${this.next++}`;
    this.lastChallenge = undefined;
    this.wire.send(`${tag} ${command}`, secret);
    const untagged: string[] = [];
    let answered = response === undefined;
    for (;;) {
      const line = await this.response();
      if (line.startsWith('+')) {
        if (!answered) {
          answered = true;
          this.wire.send(response!, secret);
        } else {
          this.lastChallenge = line.slice(1).trim();
          this.wire.send('');
        }
        continue;
      }
      if (line.startsWith(`${tag} `)) {
        const status = /^\S+ (OK|NO|BAD)\b/i.exec(line)?.[1]?.toUpperCase();
        if (status !== 'OK' && status !== 'NO' && status !== 'BAD') throw new MailError('protocol', `The server answered ${command.split(' ')[0]} with "${line}".`, line);
        return { status, text: line.slice(tag.length + 1), untagged };
      }
      if (untagged.length < 10_000) untagged.push(line);
    }
  }
}
