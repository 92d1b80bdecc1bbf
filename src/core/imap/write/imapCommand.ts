import type { ImapFlow } from 'imapflow';
import { fromNodeError, MailError } from '../../errors';

// imapflow's messageCopy, messageMove, messageFlags* and messageDelete answer `false` when the server says NO or BAD,
// and leave the server's words in a log line: a write must tell the user what the server said, and STORE
// UNCHANGEDSINCE's `[MODIFIED …]` code, COPYUID in an untagged OK, and the FETCH replies a STORE triggers are not
// returned at all. Writes are therefore sent through imapflow's own command queue, compiler and parser (its
// `exec`, which every imapflow command uses) and their replies read here. Checked: `exec` is internal, so its
// absence fails loudly instead of silently skipping a write.

/** One IMAP attribute as imapflow's compiler takes it (ATOM, STRING, SEQUENCE, LITERAL, lists as arrays). */
export type ImapAttribute =
  | { readonly type: 'ATOM' | 'STRING' | 'SEQUENCE' | 'TEXT'; readonly value: string }
  | { readonly type: 'LITERAL'; readonly value: Buffer | string }
  | readonly ImapAttribute[];

/** A parsed IMAP response (imapflow's parser output), as far as writes read it. */
export interface ParsedResponse {
  readonly tag: string;
  readonly command: string;
  readonly attributes?: readonly ParsedAttribute[];
}

export interface ParsedAttribute {
  readonly type?: string;
  readonly value?: unknown;
  readonly section?: readonly ParsedAttribute[];
  readonly [key: string]: unknown;
}

export interface CommandReply {
  /** The tagged OK. */
  readonly tagged: ParsedResponse;
  /** Its response code and arguments, e.g. ['COPYUID', '1700000000', '3:4', '11:12'] or ['MODIFIED', '7,9']. */
  readonly code: readonly string[] | undefined;
  /** The tagged OK's human text. */
  readonly text: string;
  /** Untagged replies of the kinds asked for (`collect`), in order. */
  readonly untagged: readonly ParsedResponse[];
}

interface Exec {
  exec(command: string, attributes: readonly ImapAttribute[], options?: { untagged?: Record<string, (response: ParsedResponse) => Promise<void>> }): Promise<{ response: ParsedResponse; next: () => void }>;
}

/**
 * Sends one command and waits for its tagged reply. `collect` names untagged replies to keep (e.g. 'FETCH' for a
 * STORE's new flags, 'OK' for a MOVE's COPYUID): they are kept instead of going to imapflow's own handlers. NO and
 * BAD reject with MailError('server') carrying the server's words; a lost connection with its network reason.
 */
export async function runCommand(client: ImapFlow, command: string, attributes: readonly ImapAttribute[], collect: readonly string[] = []): Promise<CommandReply> {
  const exec = (client as unknown as Partial<Exec>).exec;
  if (typeof exec !== 'function') throw new MailError('protocol', 'imapflow no longer has exec(): the write commands need updating.');
  const untagged: ParsedResponse[] = [];
  const handlers: Record<string, (response: ParsedResponse) => Promise<void>> = {};
  for (const name of collect) {
    handlers[name.toUpperCase()] = (response) => {
      untagged.push(response);
      return Promise.resolve();
    };
  }
  let reply: { response: ParsedResponse; next: () => void };
  try {
    reply = await exec.call(client, command, attributes, collect.length > 0 ? { untagged: handlers } : {});
  } catch (error) {
    throw commandError(command, error);
  }
  reply.next();
  return { tagged: reply.response, code: responseCode(reply.response), text: responseText(reply.response), untagged };
}

/** A NO/BAD (or a lost connection) as a MailError naming the command, with the server's own words. */
export function commandError(command: string, error: unknown): MailError {
  if (MailError.is(error)) return error;
  const e = (error ?? {}) as { responseStatus?: unknown; responseText?: unknown; response?: unknown };
  const status = typeof e.responseStatus === 'string' ? e.responseStatus : undefined;
  if (status === 'NO' || status === 'BAD') {
    const parsed = typeof e.response === 'object' && e.response !== null ? (e.response as ParsedResponse) : undefined;
    const code = parsed ? responseCode(parsed) : undefined;
    const words = typeof e.responseText === 'string' ? e.responseText : parsed ? responseText(parsed) : '';
    const server = `${status}${code ? ` [${code.join(' ')}]` : ''}${words ? ` ${words}` : ''}`;
    return new MailError(code?.[0] === 'NONEXISTENT' ? 'notFound' : 'server', `The server refused ${command}.`, server, { cause: error });
  }
  return fromNodeError(error, 'server');
}

/** The response code of a status response: `OK [COPYUID 17 3:4 11:12] Done` → ['COPYUID', '17', '3:4', '11:12']. */
export function responseCode(response: ParsedResponse): string[] | undefined {
  const section = response.attributes?.[0]?.section;
  if (!section || section.length === 0) return undefined;
  return section.map((a) => (Array.isArray(a) ? a.map((x: ParsedAttribute) => String(x.value ?? '')).join(' ') : String(a.value ?? '')));
}

/** The human text of a status response. */
export function responseText(response: ParsedResponse): string {
  return (response.attributes ?? [])
    .filter((a) => a.type === 'TEXT')
    .map((a) => String(a.value ?? '').trim())
    .join(' ');
}

/** A UID list as an IMAP sequence set ("3,5:7"). */
export function uidSequence(ids: readonly string[]): string {
  const uids = [...new Set(ids.map((id) => Number(id)))].sort((a, b) => a - b);
  for (const uid of uids) if (!Number.isInteger(uid) || uid < 1) throw new MailError('config', `"${uid}" is not an IMAP UID.`);
  const parts: string[] = [];
  for (let i = 0; i < uids.length; ) {
    let j = i;
    while (j + 1 < uids.length && uids[j + 1] === uids[j]! + 1) j++;
    parts.push(i === j ? String(uids[i]) : `${uids[i]}:${uids[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
