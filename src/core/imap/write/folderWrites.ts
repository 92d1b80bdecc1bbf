import type { ImapFlow } from 'imapflow';
import { MailError } from '../../errors';
import { Cancel } from '../../mailStore';
import { FolderDeletion, NewFolder } from '../../write/mailWriter';
import { WriteContext } from '../imapStore';
import { childPath, decodeMailboxName, isInbox, isWithin, useAttribute } from './folderNames';
import { ImapAttribute, ParsedAttribute, runCommand } from './imapCommand';
import { folderWords, mailboxAttribute } from './mailboxName';
import { ImapWriteDeps } from './writeContext';

// The folder hierarchy: CREATE (+ SUBSCRIBE, as imapflow and most clients do, so the new folder shows where only
// subscribed folders are listed), RENAME (moving the subscriptions along), DELETE (removing them), SUBSCRIBE and UNSUBSCRIBE, each sent through runCommand so a NO
// comes back with the server's words (imapflow's own create() treats ALREADYEXISTS as success, and its rename() and
// delete() send CLOSE, which expunges \Deleted messages, when the folder is selected and UNSELECT is missing).
// The command connection is never left with a renamed or deleted folder selected: it is deselected first (EXAMINEd
// again, so even a CLOSE expunges nothing, then UNSELECT or CLOSE).

const INBOX_RENAME =
  'INBOX cannot be renamed: RFC 3501 (6.3.5) defines renaming INBOX as moving all its messages into a new folder and leaving INBOX empty, which is not a rename. To empty INBOX into another folder, select its messages and use Move to… instead.';

interface ListEntry {
  readonly path: string;
  readonly flags: readonly string[];
  readonly delimiter: string | undefined;
}

export function createFolder(deps: ImapWriteDeps, folder: NewFolder, signal?: Cancel): Promise<{ readonly path: string }> {
  const use = folder.specialUse ? useAttribute(folder.specialUse) : undefined;
  return (async () => {
    if (use && !(await deps.features()).supports('createSpecialUse')) {
      throw new MailError('unsupported', `The server does not offer CREATE-SPECIAL-USE (RFC 6154), so a new folder cannot be made its ${use} folder.`);
    }
    const path = await deps.store.write(undefined, undefined, signal, async (ctx) => {
      const parent = folder.parent === undefined || folder.parent === '' ? undefined : folder.parent;
      const anchor = parent === undefined ? (await list(ctx.client, ''))[0] : await entry(ctx.client, parent);
      if (parent !== undefined && !anchor) throw new MailError('notFound', `The folder ${folderWords(parent)} no longer exists.`);
      if (anchor && parent !== undefined && hasFlag(anchor.flags, '\\Noinferiors')) throw new MailError('server', `The server does not allow folders inside ${folderWords(parent)} (\\Noinferiors).`, '\\Noinferiors');
      const path = childPath(parent, folder.name, anchor?.delimiter);
      const attributes: ImapAttribute[] = [mailboxAttribute(ctx.client, path)];
      if (use) attributes.push([{ type: 'ATOM', value: 'USE' }, [{ type: 'ATOM', value: use }]]);
      await step(`create ${folderWords(path)}`, () => runCommand(ctx.client, 'CREATE', attributes));
      try {
        await runCommand(ctx.client, 'SUBSCRIBE', [mailboxAttribute(ctx.client, path)]);
      } catch (error) {
        throw partial(error, [`CREATE ${path}`], `SUBSCRIBE ${path}`, `The folder ${folderWords(path)} was created, but the server refused to subscribe it, so clients showing only subscribed folders will not show it.`);
      }
      return path;
    });
    deps.events.emit({ type: 'folders', change: 'created', path });
    return { path };
  })();
}

export async function renameFolder(deps: ImapWriteDeps, path: string, to: { readonly parent: string | undefined; readonly name: string }, signal?: Cancel): Promise<{ readonly path: string }> {
  if (isInbox(path)) throw new MailError('config', INBOX_RENAME);
  const newPath = await deps.store.write(undefined, undefined, signal, async (ctx) => {
    const source = await entry(ctx.client, path);
    if (!source) throw new MailError('notFound', `The folder ${folderWords(path)} no longer exists.`);
    const parent = to.parent === undefined || to.parent === '' ? undefined : to.parent;
    const delimiter = source.delimiter;
    if (parent !== undefined && isWithin(parent, path, delimiter)) throw new MailError('config', `${folderWords(path)} cannot be moved into itself or one of its own subfolders.`);
    if (parent !== undefined && !(await entry(ctx.client, parent))) throw new MailError('notFound', `The folder ${folderWords(parent)} no longer exists.`);
    const target = childPath(parent, to.name, delimiter);
    if (target === path) throw new MailError('config', `${folderWords(path)} already has that name.`);
    if (isInbox(target)) throw new MailError('config', 'A folder cannot be renamed to INBOX.');
    const subscriptions = await subscribedWithin(ctx.client, path, delimiter);
    await leaveFolder(ctx, path, delimiter, async () => {
      await step(`rename ${folderWords(path)} to ${folderWords(target)}`, () => runCommand(ctx.client, 'RENAME', [mailboxAttribute(ctx.client, path), mailboxAttribute(ctx.client, target)]));
    });
    const done = [`RENAME ${path} ${target}`];
    for (const old of subscriptions) {
      const moved = target + old.slice(path.length);
      for (const [command, name] of [['SUBSCRIBE', moved], ['UNSUBSCRIBE', old]] as const) {
        try {
          await runCommand(ctx.client, command, [mailboxAttribute(ctx.client, name)]);
        } catch (error) {
          throw partial(error, done, `${command} ${name}`, `${folderWords(path)} was renamed to ${folderWords(target)}, but the server refused to move its subscription (${command} ${folderWords(name)}): clients showing only subscribed folders may not show it, or show the old name.`);
        }
        done.push(`${command} ${name}`);
      }
    }
    return target;
  });
  deps.events.emit({ type: 'folders', change: 'renamed', path, newPath });
  return { path: newPath };
}

/**
 * DELETE, after STATUS and LIST show what the folder holds now: refused (nothing sent) when it holds more messages
 * or subfolders than the user confirmed. `confirmed.messages` counts the folder's messages and those of all its
 * subfolders; `confirmed.subfolders` every folder below it, at any depth. Subfolders are deleted first, deepest
 * first; the folder last.
 */
export async function deleteFolder(deps: ImapWriteDeps, path: string, confirmed: FolderDeletion, signal?: Cancel): Promise<void> {
  if (isInbox(path)) throw new MailError('config', 'INBOX cannot be deleted: every IMAP account has one (RFC 3501 6.3.4).');
  await deps.store.write(undefined, undefined, signal, async (ctx) => {
    const folder = await entry(ctx.client, path);
    if (!folder) throw new MailError('notFound', `The folder ${folderWords(path)} no longer exists.`);
    const delimiter = folder.delimiter;
    const below = delimiter ? (await list(ctx.client, `${path}${delimiter}*`)).filter((e) => isWithin(e.path, path, delimiter) && e.path !== path) : [];
    let messages = 0;
    for (const f of [folder, ...below]) if (selectable(f)) messages += await messageCount(ctx.client, f.path);
    if (messages > confirmed.messages || below.length > confirmed.subfolders) {
      const now = `${count(messages, 'message')} and ${count(below.length, 'subfolder')}`;
      throw new MailError('config', `${folderWords(path)} now holds ${now}, more than the ${count(confirmed.messages, 'message')} and ${count(confirmed.subfolders, 'subfolder')} you confirmed, so nothing was deleted. Look at it again and confirm anew.`);
    }
    const subscriptions = await subscribedWithin(ctx.client, path, delimiter);
    const order = [...below].sort((a, b) => depth(b.path, delimiter) - depth(a.path, delimiter) || b.path.localeCompare(a.path)).map((e) => e.path);
    order.push(path);
    const done: string[] = [];
    await leaveFolder(ctx, path, delimiter, async () => {
      for (const target of order) {
        try {
          await runCommand(ctx.client, 'DELETE', [mailboxAttribute(ctx.client, target)]);
        } catch (error) {
          if (done.length === 0) throw named(error, `delete ${folderWords(target)}`);
          throw partial(error, done, `DELETE ${target}`, `Deleted ${done.map((d) => folderWords(d.replace(/^DELETE /, ''))).join(', ')}, but the server refused to delete ${folderWords(target)}.`);
        }
        done.push(`DELETE ${target}`);
      }
    });
    for (const name of subscriptions) {
      try {
        await runCommand(ctx.client, 'UNSUBSCRIBE', [mailboxAttribute(ctx.client, name)]);
      } catch (error) {
        throw partial(error, done, `UNSUBSCRIBE ${name}`, `${folderWords(path)} was deleted, but the server refused to remove the subscription of ${folderWords(name)}: clients showing subscribed folders may still list it.`);
      }
      done.push(`UNSUBSCRIBE ${name}`);
    }
  });
  deps.events.emit({ type: 'folders', change: 'deleted', path });
}

export async function setSubscribed(deps: ImapWriteDeps, path: string, subscribed: boolean, signal?: Cancel): Promise<void> {
  const command = subscribed ? 'SUBSCRIBE' : 'UNSUBSCRIBE';
  await deps.store.write(undefined, undefined, signal, async (ctx) => {
    await step(`${subscribed ? 'subscribe' : 'unsubscribe'} ${folderWords(path)}`, () => runCommand(ctx.client, command, [mailboxAttribute(ctx.client, path)]));
  });
  deps.events.emit({ type: 'folders', change: 'subscription', path });
}

/**
 * Runs `work` (RENAME or DELETE of `path`) with the connection holding no folder at or below `path` selected.
 * Such a folder is EXAMINEd again first (so a CLOSE, used where UNSELECT is missing, expunges nothing) and then
 * deselected, under a mailbox lock held until `work` is done, so no other command selects it meanwhile.
 */
async function leaveFolder(ctx: WriteContext, path: string, delimiter: string | undefined, work: () => Promise<void>): Promise<void> {
  const selected = ctx.client.mailbox;
  if (!selected || !isWithin(selected.path, path, delimiter)) return work();
  const lock = await ctx.client.getMailboxLock(selected.path, { readOnly: true });
  try {
    if (ctx.client.mailbox && isWithin(ctx.client.mailbox.path, path, delimiter)) {
      ctx.note(`deselecting ${folderWords(ctx.client.mailbox.path)} before changing ${folderWords(path)}`);
      await internalRun(ctx.client, 'CLOSE', { unselect: true });
    }
    await work();
  } finally {
    lock.release();
  }
}

async function internalRun(client: ImapFlow, command: string, ...args: unknown[]): Promise<unknown> {
  const internal = client as unknown as { run?: (command: string, ...args: unknown[]) => Promise<unknown> };
  if (typeof internal.run !== 'function') throw new MailError('protocol', 'imapflow no longer has run(): folderWrites needs updating.');
  return internal.run.call(client, command, ...args);
}

/** LIST (or LSUB) "" pattern, parsed (names decoded). */
async function list(client: ImapFlow, pattern: string, command: 'LIST' | 'LSUB' = 'LIST'): Promise<ListEntry[]> {
  const utf8 = client.enabled.has('UTF8=ACCEPT');
  const reply = await runCommand(client, command, [{ type: 'STRING', value: '' }, pattern === '' ? { type: 'STRING', value: '' } : mailboxAttribute(client, pattern)], [command]);
  const entries: ListEntry[] = [];
  for (const response of reply.untagged) {
    const [flags, delimiter, name] = response.attributes ?? [];
    const raw = text(name);
    const delim = text(delimiter);
    entries.push({
      path: decodeMailboxName(raw, utf8),
      flags: Array.isArray(flags) ? (flags as readonly ParsedAttribute[]).map(text) : [],
      delimiter: delim === '' || delim.toUpperCase() === 'NIL' ? undefined : delim,
    });
  }
  return entries;
}

/**
 * The subscribed folders at or below `path` (LSUB). Servers keep subscriptions apart from the folders (RFC 3501
 * 6.3.6: a server must not drop one by itself; Dovecot keeps them across RENAME and DELETE), so a rename moves them and
 * a delete removes them, or the old names would linger in every client that lists subscribed folders.
 */
async function subscribedWithin(client: ImapFlow, path: string, delimiter: string | undefined): Promise<string[]> {
  const own = await list(client, path, 'LSUB');
  const below = delimiter ? await list(client, `${path}${delimiter}*`, 'LSUB') : [];
  return [...new Set([...own, ...below].map((e) => e.path).filter((p) => isWithin(p, path, delimiter)))];
}

/** The folder's own LIST entry, or undefined when it does not exist. */
async function entry(client: ImapFlow, path: string): Promise<ListEntry | undefined> {
  const found = (await list(client, path)).find((e) => e.path === path || (isInbox(path) && isInbox(e.path)));
  return found && !hasFlag(found.flags, '\\NonExistent') ? found : undefined;
}

async function messageCount(client: ImapFlow, path: string): Promise<number> {
  const reply = await step(`count the messages of ${folderWords(path)}`, () => runCommand(client, 'STATUS', [mailboxAttribute(client, path), [{ type: 'ATOM', value: 'MESSAGES' }]], ['STATUS']));
  for (const response of reply.untagged) {
    const items = response.attributes?.[1];
    if (!Array.isArray(items)) continue;
    const list = items as readonly ParsedAttribute[];
    for (let i = 0; i + 1 < list.length; i++) if (text(list[i]).toUpperCase() === 'MESSAGES') return Number(text(list[i + 1])) || 0;
  }
  throw new MailError('protocol', `The server's STATUS reply for ${folderWords(path)} gave no message count.`);
}

function selectable(e: ListEntry): boolean {
  return !hasFlag(e.flags, '\\Noselect') && !hasFlag(e.flags, '\\NonExistent');
}

function hasFlag(flags: readonly string[], flag: string): boolean {
  return flags.some((f) => f.toLowerCase() === flag.toLowerCase());
}

function depth(path: string, delimiter: string | undefined): number {
  return delimiter ? path.split(delimiter).length : 1;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function text(value: unknown): string {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return '';
  const v = (value as ParsedAttribute).value;
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/** A refused step, said in plain words ("Could not create "A/B".") with the server's words kept. */
async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw named(error, what);
  }
}

function named(error: unknown, what: string): MailError {
  if (!MailError.is(error) || (error.reason !== 'server' && error.reason !== 'notFound')) return MailError.is(error) ? error : new MailError('server', `Could not ${what}.`, undefined, { cause: error });
  return new MailError(error.reason, `Could not ${what}: the server refused.`, error.serverText, { cause: error, ...(error.detail ? { detail: error.detail } : {}) });
}

function partial(error: unknown, done: readonly string[], failed: string, message: string): MailError {
  return new MailError('partial', message, MailError.is(error) ? error.serverText : undefined, { cause: error, detail: { kind: 'partial', done, failed } });
}
