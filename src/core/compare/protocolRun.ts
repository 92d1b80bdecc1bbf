import type { MessageStructureObject } from 'imapflow';
import { AccountDefinition } from '../accounts/account';
import { Credentials } from '../credentials/credentialProvider';
import { MailError } from '../errors';
import { formatBytes, formatCount } from '../format';
import type { ImapStore } from '../imap/imapStore';
import { canFetchParts, Cancel, MailStore, MessageSummary } from '../mailStore';
import { partTreeFromBodyStructure } from '../mime/fromBodyStructure';
import { partTreeFromRaw } from '../mime/fromRawMessage';
import { partBytes } from '../mime/partBytes';
import { PartTree } from '../mime/partTree';
import { POP3_INBOX } from '../pop3/pop3Inbox';
import { searchFolder } from '../search/imapSearch';
import { costText, Pop3LocalSearch, Pop3SessionRunner } from '../search/pop3LocalSearch';
import { criteria, criteriaQuery } from '../search/searchCriteria';
import { AccountSession } from '../session/accountSession';
import { createAccountSession } from '../sessionFactory';
import { StoreOptions } from '../storeFactory';
import { TrafficTap } from '../traffic/trafficTap';
import { Comparison, CompareTask, ProtocolRun, TaskMeasure } from './compareTypes';
import { pickParts, storedSize } from './pickParts';
import { measureTask } from './taskMeasure';

export interface CompareOptions extends StoreOptions {
  /** Messages in "the first page"; default 50 (the tree's page size). */
  readonly pageSize?: number;
  readonly signal?: Cancel;
  /** Told before each task ("IMAP: Open the newest message's text"), for a progress notification. */
  readonly onStep?: (protocol: 'imap' | 'pop3', task: CompareTask) => void;
}

/** What one run learned that the other run should reuse: the subject searched for, the message opened. */
interface RunFacts {
  newest: MessageSummary | undefined;
  tree: PartTree | undefined;
  raw: Buffer | undefined;
}

/**
 * Runs the five tasks over one account in a session of its own, with a fresh traffic tap (so its bytes and round
 * trips are this run's alone, never mixed into the account's traffic view). The session is the product's own
 * (createAccountSession): what is measured is what browsing that account costs, POP3's one session per task
 * included. `subject` is what the search task looks for; undefined: the newest message's subject.
 */
export async function runProtocolTasks(account: AccountDefinition, credentials: Credentials, options: CompareOptions, subject?: string): Promise<{ run: ProtocolRun; newest: MessageSummary | undefined }> {
  const tap = new TrafficTap(() => undefined, { maxLiteralBytes: 1024 });
  const session = await createAccountSession(account, credentials, tap, { limits: options.limits, ...(options.ca ? { ca: options.ca } : {}), ...(options.clientId !== undefined ? { clientId: options.clientId } : {}) });
  const folder = account.protocol === 'pop3' ? POP3_INBOX : 'INBOX';
  const facts: RunFacts = { newest: undefined, tree: undefined, raw: undefined };
  const { signal } = options;
  const tasks: TaskMeasure[] = [];
  const step = async (task: CompareTask, work: () => Promise<string | undefined>): Promise<void> => {
    if (signal?.aborted) throw new MailError('cancelled');
    options.onStep?.(account.protocol, task);
    tasks.push(await measureTask(task, tap, work));
  };
  try {
    await step('login', async () => {
      await session.connect(signal);
      return undefined;
    });
    await step('listPage', async () => {
      const page = await session.listPage(folder, undefined, options.pageSize ?? 50, signal);
      facts.newest = page.messages[0];
      return `${formatCount(page.messages.length)} of ${formatCount(page.total)} messages`;
    });
    await step('textPart', () => openText(session.store, folder, facts, signal));
    await step('attachment', () => openAttachment(session.store, folder, facts, signal));
    const wanted = subject ?? facts.newest?.subject.trim();
    await step('search', () => searchSubject(session, folder, wanted, tap, signal));
  } finally {
    await session.close().catch(() => undefined);
  }
  return { run: { protocol: account.protocol, account: account.label, tasks }, newest: facts.newest };
}

/**
 * Both runs over the same mailbox, one after the other (IMAP first: the POP3 run then searches the same subject):
 * never at once, so neither slows the other down on the server or the network.
 */
export async function compareProtocols(imap: { account: AccountDefinition; credentials: Credentials }, pop3: { account: AccountDefinition; credentials: Credentials }, options: CompareOptions): Promise<Comparison> {
  if (imap.account.protocol !== 'imap' || pop3.account.protocol !== 'pop3') throw new MailError('config', 'The comparison needs one IMAP account and one POP3 account.');
  const startedAt = new Date();
  const first = await runProtocolTasks(imap.account, imap.credentials, options);
  const searchedFor = first.newest?.subject.trim() || undefined;
  const second = await runProtocolTasks(pop3.account, pop3.credentials, options, searchedFor);
  return {
    imap: first.run,
    pop3: second.run,
    searchedFor,
    message: first.newest ? { subject: first.newest.subject, size: first.newest.size } : undefined,
    startedAt,
  };
}

function newestOf(facts: RunFacts): MessageSummary {
  if (!facts.newest) throw new MailError('notFound', 'The mailbox has no message to open.');
  return facts.newest;
}

/** IMAP: BODYSTRUCTURE, then only the text part. POP3: the whole message (RETR), then the part cut out of it. */
async function openText(store: MailStore, folder: string, facts: RunFacts, signal?: Cancel): Promise<string> {
  const message = newestOf(facts);
  if (canFetchParts(store)) {
    const described = await store.fetchStructure(folder, message.id, signal);
    if (described.structure === undefined) throw new MailError('protocol', 'The server could not describe the message (BODYSTRUCTURE).');
    facts.tree = partTreeFromBodyStructure(described.structure as MessageStructureObject, described.size);
    const text = pickParts(facts.tree).text;
    if (!text) return 'the message has no text part (only its structure was fetched)';
    const fetched = await store.fetchPart(folder, message.id, text.section, signal);
    return `BODYSTRUCTURE, then BODY.PEEK[${text.section}]: ${formatBytes(fetched.bytes.length)} of a ${formatBytes(described.size)} message`;
  }
  facts.raw = await store.fetchRaw(folder, message.id, signal);
  facts.tree = await partTreeFromRaw(facts.raw);
  const text = pickParts(facts.tree).text;
  const shown = text ? `${formatBytes(partBytes(facts.raw, text).length)} of text` : 'no text part';
  return `RETR of the whole message (${formatBytes(facts.raw.length)}) for ${shown}: POP3 cannot fetch one part`;
}

/**
 * IMAP: only the attachment's part. POP3: the whole message again, as the product's POP3 store fetches it (it
 * keeps no copy between opening one part and the next; a client that kept the message would pay nothing here).
 */
async function openAttachment(store: MailStore, folder: string, facts: RunFacts, signal?: Cancel): Promise<string> {
  const message = newestOf(facts);
  if (!facts.tree) throw new MailError('notFound', 'The message could not be described, so no attachment was opened.');
  const attachment = pickParts(facts.tree).attachment;
  if (!attachment) return 'the message has no attachment: nothing to fetch';
  const name = attachment.fileName ? `"${attachment.fileName}"` : attachment.contentType;
  if (canFetchParts(store)) {
    const fetched = await store.fetchPart(folder, message.id, attachment.section, signal);
    return `BODY.PEEK[${attachment.section}] of ${name}: ${formatBytes(fetched.bytes.length)}`;
  }
  const raw = await store.fetchRaw(folder, message.id, signal);
  return `RETR of the whole message again (${formatBytes(raw.length)}) for ${name} (${formatBytes(storedSize(attachment))}): POP3 cannot fetch one part`;
}

/** IMAP: UID SEARCH SUBJECT on the server. POP3: every header downloaded (TOP n 0) and matched here. */
async function searchSubject(session: AccountSession, folder: string, subject: string | undefined, tap: TrafficTap, signal?: Cancel): Promise<string> {
  if (!subject) throw new MailError('notFound', 'The newest message has no subject to search for.');
  const criterion = criteria.text('subject', subject);
  const imap = imapStoreOf(session.store);
  if (imap) {
    const result = await searchFolder(imap, folder, criteriaQuery(criterion), { ...(session.features ? { features: session.features } : {}), ...(signal ? { signal } : {}) });
    return `UID SEARCH on the server: ${formatCount(result.count)} found`;
  }
  const runner = pop3RunnerOf(session.store);
  if (!runner) throw new MailError('unsupported', 'This account cannot search.');
  if (session.features && !session.features.supports('top')) throw new MailError('unsupported', 'This POP3 server offers no TOP, so its messages cannot be searched without downloading each one whole.');
  const result = await new Pop3LocalSearch(runner).search(criterion, { ...(signal ? { signal } : {}), traffic: tap.totals });
  return `searched here (POP3 has no search): ${costText(result.cost)}; ${formatCount(result.count)} found`;
}

/** The session's store as an ImapStore, found by what it can do (no POP3 or IMAP class needs importing for it). */
function imapStoreOf(store: MailStore): ImapStore | undefined {
  const s = store as unknown as Record<string, unknown>;
  return typeof s['readOnly'] === 'function' && typeof s['listMessagesByUids'] === 'function' ? (store as unknown as ImapStore) : undefined;
}

function pop3RunnerOf(store: MailStore): Pop3SessionRunner | undefined {
  const s = store as unknown as Record<string, unknown>;
  return typeof s['maildropSession'] === 'function' ? (store as unknown as Pop3SessionRunner) : undefined;
}
