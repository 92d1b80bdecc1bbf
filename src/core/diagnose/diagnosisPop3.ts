import { passwordForLogin } from '../credentials/credentialProvider';
import { MailError } from '../errors';
import { apopDigest, apopTimestamp, hasCapability, saslMechanisms, saslPlainResponse } from '../pop3/pop3Auth';
import { checkCancelled, ConversationContext, greetingOrWrongPort, loginBlocked, noteTls, openWire, Pop3Draft } from './diagnosisSteps';
import { DiagnosisWire } from './diagnosisWire';
import { expireWords, loginDelayWords } from './pop3CapaWords';

/** Lines of one multi-line reply kept, at most (a CAPA is a few lines; this bounds a server that never ends it). */
const MAX_LINES = 1_000;

interface Reply {
  readonly ok: boolean;
  readonly text: string;
  readonly lines: readonly string[];
}

/**
 * One POP3 conversation, raw: greeting (with its APOP timestamp), CAPA, STLS and CAPA again, login (APOP when
 * the target asks for it, else SASL PLAIN where offered, else USER/PASS), CAPA after login (EXPIRE and
 * LOGIN-DELAY may be per user), QUIT. Nothing is retrieved or deleted; QUIT after no DELE changes nothing.
 */
export async function diagnosePop3(context: ConversationContext): Promise<void> {
  const { clock, draft, target } = context;
  const wire = await clock.run(`Connecting to ${target.host}:${target.port}`, () => openWire(context));
  const talk = new Pop3Talk(wire);
  try {
    const facts: Pop3Draft = (draft.pop3 = { saslMechanisms: [] });
    if (wire.tls) noteTls(draft, 'implicit', wire.tls);
    const greeting = await clock.run('Greeting', () => greetingOrWrongPort(context, wire, () => wire.readLine()));
    draft.greeting = greeting;
    if (!/^(?:\+OK|-ERR)\b/.test(greeting)) throw new MailError('protocol', `The server's greeting is not POP3: "${greeting.slice(0, 100)}".`, greeting);
    if (!greeting.startsWith('+OK')) throw new MailError('server', `The server refused the connection: ${greeting}`, greeting);
    const timestamp = apopTimestamp(greeting);
    if (timestamp) facts.apopTimestamp = timestamp;
    let capa = await clock.run('CAPA', () => capaOf(talk));
    if (capa === undefined) facts.capaUnsupported = true;
    if (wire.tls) facts.capaAfterTls = capa ?? [];
    else {
      facts.capaBeforeTls = capa ?? [];
      const offered = capa ? hasCapability(capa, 'STLS') : false;
      draft.tls = { mode: 'none', upgradeOffered: offered, ...(capa ? { required: !hasCapability(capa, 'USER') && saslMechanisms(capa).length === 0 } : {}), weakVersions: [] };
      if (target.security === 'starttls') {
        if (!offered && capa) throw new MailError('tls', 'The server does not offer STLS, so the account\'s connection (security "starttls") fails here; nothing was sent.');
        const reply = await clock.run('STLS', () => talk.simple('STLS'));
        if (!reply.ok) throw new MailError('tls', `The server refused STLS (${reply.text}); nothing was sent.`, reply.text);
        noteTls(draft, 'starttls', await clock.run('TLS handshake', () => wire.upgrade()));
        capa = await clock.run('CAPA after STLS', () => capaOf(talk));
        facts.capaAfterTls = capa ?? [];
      }
    }
    describe(facts, capa);
    draft.loginOffered = [...(capa === undefined || hasCapability(capa, 'USER') ? ['USER/PASS'] : []), ...(capa ? saslMechanisms(capa).map((m) => `AUTH ${m}`) : []), ...(timestamp ? ['APOP'] : [])];
    checkCancelled(context.signal);
    const blocked = loginBlocked(context, wire);
    if (blocked) draft.loginSkipped = blocked;
    else if (await login(context, talk, wire, capa, timestamp)) {
      const after = await clock.run('CAPA after login', () => capaOf(talk));
      if (after) {
        facts.capaAfterLogin = after;
        describe(facts, after, true);
      } else if (capa === undefined) await probeCommands(talk, facts);
    }
    await talk.simple('QUIT').catch(() => undefined);
  } finally {
    wire.close();
  }
}

/**
 * What a CAPA list says: SASL (before login only: it is what a client may log in with), UIDL, TOP, EXPIRE,
 * LOGIN-DELAY, IMPLEMENTATION (the list after login overrides: RFC 2449 lets it differ per user).
 */
function describe(facts: Pop3Draft, capa: readonly string[] | undefined, afterLogin = false): void {
  if (!capa) return;
  if (!afterLogin) facts.saslMechanisms = saslMechanisms(capa);
  facts.uidl = hasCapability(capa, 'UIDL');
  facts.top = hasCapability(capa, 'TOP');
  const argument = (name: string): string | undefined => {
    const line = capa.find((l) => l.split(/\s+/)[0]?.toUpperCase() === name);
    return line === undefined ? undefined : line.slice(name.length).trim();
  };
  const expire = argument('EXPIRE');
  if (expire !== undefined) facts.expire = { value: expire, words: expireWords(expire) };
  const delay = argument('LOGIN-DELAY');
  if (delay !== undefined) facts.loginDelay = { value: delay, words: loginDelayWords(delay) };
  const implementation = argument('IMPLEMENTATION');
  if (implementation) facts.implementation = implementation;
}

/** A server without CAPA (RFC 1939 only): UIDL and TOP are tried on the first message, when there is one. */
async function probeCommands(talk: Pop3Talk, facts: Pop3Draft): Promise<void> {
  const stat = await talk.simple('STAT');
  const count = Number(/^\+OK (\d+)/.exec(stat.text)?.[1] ?? 0);
  if (count === 0) return;
  facts.uidl = (await talk.simple('UIDL 1')).ok;
  facts.top = (await talk.multi('TOP 1 0')).ok;
}

async function capaOf(talk: Pop3Talk): Promise<string[] | undefined> {
  const reply = await talk.multi('CAPA');
  return reply.ok ? reply.lines.map((l) => l.trim()).filter(Boolean) : undefined;
}

async function login(context: ConversationContext, talk: Pop3Talk, wire: DiagnosisWire, capa: readonly string[] | undefined, timestamp: string | undefined): Promise<boolean> {
  const { account, credentials, clock, draft, target } = context;
  if (target.useApop && !timestamp) {
    draft.loginSkipped = 'The account asks for APOP, but the greeting carries no timestamp (the server offers no APOP): nothing was sent.';
    return false;
  }
  const plain = capa !== undefined && saslMechanisms(capa).includes('PLAIN');
  const mechanism = target.useApop ? 'APOP' : plain ? 'AUTH PLAIN' : 'USER/PASS';
  if (mechanism === 'USER/PASS' && capa !== undefined && !hasCapability(capa, 'USER')) {
    draft.loginSkipped = `The server offers neither USER nor SASL PLAIN here${saslMechanisms(capa).length ? ` (only SASL ${saslMechanisms(capa).join(' ')})` : ''}.`;
    return false;
  }
  let password: string;
  try {
    password = await passwordForLogin(credentials!, account, (secret) => wire.addSecret(secret));
  } catch (error) {
    draft.loginSkipped = error instanceof Error ? error.message : String(error);
    return false;
  }
  const started = performance.now();
  const reply = await clock.run(`Login (${mechanism})`, async () => {
    if (mechanism === 'APOP') return talk.simple(`APOP ${account.user} ${apopDigest(timestamp!, password)}`);
    if (mechanism === 'AUTH PLAIN') {
      const payload = saslPlainResponse(account.user, password);
      return talk.simple(`AUTH PLAIN ${payload}`, payload);
    }
    const user = await talk.simple(`USER ${account.user}`);
    return user.ok ? talk.simple(`PASS ${password}`) : user;
  });
  draft.attempts.push({ mechanism, ok: reply.ok, answer: reply.text, ms: Math.round(performance.now() - started) });
  if (!reply.ok) credentials!.invalidate(account);
  return reply.ok;
}

/** Commands and their replies; multi-line bodies dot-unstuffed and bounded. */
class Pop3Talk {
  constructor(private readonly wire: DiagnosisWire) {}

  async simple(command: string, secret?: string): Promise<Reply> {
    this.wire.send(command, secret);
    let line = await this.wire.readLine();
    // SASL: a "+ " continuation after an initial response is an error challenge; "*" cancels (RFC 5034).
    if (line.startsWith('+ ') || line === '+') {
      this.wire.send('*');
      line = await this.wire.readLine();
    }
    return { ok: line.startsWith('+OK'), text: line, lines: [] };
  }

  async multi(command: string): Promise<Reply> {
    this.wire.send(command);
    const first = await this.wire.readLine();
    if (!first.startsWith('+OK')) return { ok: false, text: first, lines: [] };
    const lines: string[] = [];
    for (let line = await this.wire.readLine(); line !== '.'; line = await this.wire.readLine()) {
      if (lines.length < MAX_LINES) lines.push(line.startsWith('..') ? line.slice(1) : line);
    }
    return { ok: true, text: first, lines };
  }
}
