import { MailError, MailErrorReason } from '../errors';

/** What the client was doing when the server said -ERR; decides how an uncoded -ERR is read. */
export type Pop3Phase = 'greeting' | 'stls' | 'login' | 'command';

/** An -ERR reply as node-pop3's command() rejects with it, before we know what it means. */
export class Pop3ErrReply extends Error {
  override readonly name = 'Pop3ErrReply';
  constructor(readonly text: string) {
    super(`-ERR ${text}`);
  }
}

/** The RFC 2449 / RFC 3206 response code at the start of an -ERR text, e.g. "IN-USE" or "SYS/TEMP". */
export function responseCode(text: string): string | undefined {
  return /^\[([A-Za-z0-9/-]+)\]/.exec(text)?.[1]?.toUpperCase();
}

/**
 * Maps a server's -ERR to a MailError. `[IN-USE]` is a locked maildrop whatever we were doing;
 * `[AUTH]`, or any uncoded -ERR while logging in, is a rejected login; `[SYS/…]` and `[LOGIN-DELAY]`
 * are the server's own trouble; the rest is 'server'. The server's words go into serverText.
 * `what` names the command for the message and never contains an argument that could be a secret.
 */
export function errReplyToMailError(text: string, phase: Pop3Phase, what: string): MailError {
  const code = responseCode(text);
  let reason: MailErrorReason = 'server';
  if (code === 'IN-USE') reason = 'inUse';
  else if (code === 'AUTH') reason = 'auth';
  else if (phase === 'stls') reason = 'tls';
  else if (phase === 'login' && code === undefined) reason = 'auth';
  const probe = new MailError(reason);
  const detail = phase === 'stls' ? 'The server refused STLS, so the connection cannot be secured; no credentials were sent.' : probe.explanation;
  return new MailError(reason, `${detail} (${what}: ${text || '-ERR'})`, text);
}
