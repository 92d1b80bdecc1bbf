import { MailError } from '../errors';
import { formatBytes, formatCount } from '../format';
import { Cancel } from '../mailStore';
import { decodePartContent } from '../mime/decodePart';
import { parseHeaderBlock, headerBlockOf, HeaderModel } from '../mime/headers';
import { partBytes } from '../mime/partBytes';
import { isTextPart } from '../mime/partPresentation';
import { partTreeFromRaw } from '../mime/fromRawMessage';
import { MimePart } from '../mime/partTree';
import type { Pop3Session } from '../pop3/pop3Session';
import { TrafficCounts } from '../traffic/trafficLine';
import { checkLocalCriteria, matchLocal } from './localMatch';
import { checkCriteria, needsBody, SearchCriterion } from './searchCriteria';

// POP3 cannot search on the server, so the client does: it downloads each message's header (`TOP n 0`), kept by
// UIDL for later searches of the same session, and evaluates the criteria itself (localMatch.ts). Body terms need
// whole messages: only those whose header alone does not decide are downloaded (RETR, each followed by RSET, so the
// server marks nothing read), and only after `confirm(bytes, messages)` said yes, asked between sessions so the
// maildrop is not locked while a person decides. The result states its cost: headers searched, bytes downloaded,
// sessions opened.

/** What runs POP3 sessions: Pop3Store.maildropSession (one short session: log in, work, QUIT; RSET on failure). */
export interface Pop3SessionRunner {
  maildropSession<T>(work: (session: Pop3Session) => Promise<T>, signal?: Cancel): Promise<T>;
}

export interface Pop3SearchCost {
  /** Messages whose header was searched (every message of the maildrop). */
  readonly headersSearched: number;
  /** Headers downloaded now (`TOP n 0`); the rest came from the session's cache. */
  readonly headersDownloaded: number;
  /** Whole messages downloaded (RETR) for body terms. */
  readonly messagesDownloaded: number;
  /** Bytes of headers and messages downloaded (as the server sent them, after dot-unstuffing). */
  readonly bytesDownloaded: number;
  /** Bytes received on the wire, status lines included, when the search was given the tap's totals. */
  readonly wireBytes: number | undefined;
  /** POP3 sessions opened. */
  readonly sessions: number;
}

export interface Pop3SearchResult {
  /** The UIDLs (message numbers where the server has no UIDL) of the matching messages, newest first. */
  readonly ids: readonly string[];
  readonly count: number;
  /** Messages in the maildrop when searched. */
  readonly total: number;
  readonly cost: Pop3SearchCost;
  /** Messages that could not be searched (over the size limit), by id. */
  readonly unsearched: readonly string[];
}

export interface Pop3SearchOptions {
  /**
   * Asked before whole messages are downloaded for body terms, with their total size and number; no answer (or
   * false) means nothing is downloaded and the search is cancelled. Without it, body terms are refused.
   */
  readonly confirm?: (bytes: number, messages: number) => boolean | Promise<boolean>;
  readonly signal?: Cancel;
  /** Messages larger than this are not downloaded for a body term (listed in `unsearched`). Default 64 MiB. */
  readonly maxMessageBytes?: number;
  /** The account tap's totals, for `cost.wireBytes`. */
  readonly traffic?: TrafficCounts;
}

interface Listed {
  readonly n: number;
  readonly id: string;
  readonly size: number;
}

/** The cost in words: "searched 412 headers: 1.2 MiB downloaded in 3 sessions". */
export function costText(cost: Pop3SearchCost): string {
  const messages = cost.messagesDownloaded > 0 ? ` and ${formatCount(cost.messagesDownloaded)} whole message${cost.messagesDownloaded === 1 ? '' : 's'}` : '';
  return `searched ${formatCount(cost.headersSearched)} header${cost.headersSearched === 1 ? '' : 's'}${messages}: ${formatBytes(cost.bytesDownloaded)} downloaded in ${formatCount(cost.sessions)} session${cost.sessions === 1 ? '' : 's'}`;
}

/** Local search of one POP3 account; keep one per account session, so headers are downloaded once. */
export class Pop3LocalSearch {
  /** Header blocks by UIDL (only with UIDL: message numbers change between sessions). */
  private readonly headers = new Map<string, Buffer>();

  constructor(private readonly runner: Pop3SessionRunner) {}

  /** Headers kept from earlier searches. */
  get cachedHeaders(): number {
    return this.headers.size;
  }

  /** Forgets the kept headers. */
  clear(): void {
    this.headers.clear();
  }

  async search(criterion: SearchCriterion, options: Pop3SearchOptions = {}): Promise<Pop3SearchResult> {
    checkCriteria(criterion);
    checkLocalCriteria(criterion);
    const wantsBody = needsBody(criterion);
    if (wantsBody && !options.confirm) throw new MailError('config', 'A search of message bodies over POP3 downloads whole messages, so it needs to ask first (confirm).');
    const wireStart = options.traffic?.received;
    let sessions = 0;
    let bytes = 0;
    let headersDownloaded = 0;

    // Session 1: the list, and every header not kept yet.
    sessions++;
    const { listed, uidl, fresh } = await this.runner.maildropSession(async (s) => {
      const uids = await s.uidlAll();
      const sizes = await s.listAll();
      const listedNow: Listed[] = [...sizes.keys()].sort((a, b) => b - a).map((n) => ({ n, id: uids?.get(n) ?? String(n), size: sizes.get(n) ?? 0 }));
      const got = new Map<string, Buffer>();
      for (const m of listedNow) {
        if (options.signal?.aborted) throw new MailError('cancelled');
        if (uids && this.headers.has(m.id)) continue;
        const header = await s.top(m.n);
        got.set(m.id, header);
        bytes += header.length;
        headersDownloaded++;
      }
      return { listed: listedNow, uidl: uids !== undefined, fresh: got };
    }, options.signal);
    if (uidl) {
      const present = new Set(listed.map((m) => m.id));
      for (const id of [...this.headers.keys()]) if (!present.has(id)) this.headers.delete(id);
      for (const [id, header] of fresh) this.headers.set(id, header);
    }
    const headerOf = (id: string): HeaderModel => parseHeaderBlock(headerBlockOf((uidl ? this.headers.get(id) : fresh.get(id)) ?? Buffer.alloc(0)));

    const matches = new Set<string>();
    const undecided: Listed[] = [];
    for (const m of listed) {
      const verdict = matchLocal(criterion, { header: headerOf(m.id), size: m.size });
      if (verdict === true) matches.add(m.id);
      else if (verdict === undefined) undecided.push(m);
    }

    const limit = options.maxMessageBytes ?? 64 * 1024 * 1024;
    const unsearched = undecided.filter((m) => m.size > limit).map((m) => m.id);
    const toDownload = undecided.filter((m) => m.size <= limit);
    let messagesDownloaded = 0;
    if (toDownload.length > 0) {
      const total = toDownload.reduce((n, m) => n + m.size, 0);
      const yes = options.confirm ? await options.confirm(total, toDownload.length) : false;
      if (!yes) throw new MailError('cancelled', `The body search was not run: it needs ${formatCount(toDownload.length)} whole messages (${formatBytes(total)}), and downloading them was declined.`);
      // Session 2: whole messages, found again by UIDL (numbers may have changed since session 1).
      sessions++;
      await this.runner.maildropSession(async (s) => {
        const uids = uidl ? await s.uidlAll() : undefined;
        const numberOf = new Map<string, number>();
        if (uids) for (const [n, id] of uids) numberOf.set(id, n);
        for (const m of toDownload) {
          if (options.signal?.aborted) throw new MailError('cancelled');
          const n = uidl ? numberOf.get(m.id) : m.n;
          if (n === undefined) continue; // deleted meanwhile: no longer a match
          const raw = await s.retr(n, limit);
          // Dovecot marks a retrieved message \Seen for IMAP when the session ends with QUIT: RSET undoes that.
          await s.rset();
          bytes += raw.length;
          messagesDownloaded++;
          if (matchLocal(criterion, { header: headerOf(m.id), size: m.size, bodyText: await bodyText(raw) }) === true) matches.add(m.id);
        }
      }, options.signal);
    }

    const ids = listed.filter((m) => matches.has(m.id)).map((m) => m.id);
    const cost: Pop3SearchCost = {
      headersSearched: listed.length,
      headersDownloaded,
      messagesDownloaded,
      bytesDownloaded: bytes,
      wireBytes: wireStart === undefined || !options.traffic ? undefined : options.traffic.received - wireStart,
      sessions,
    };
    return { ids, count: ids.length, total: listed.length, cost, unsearched };
  }
}

/** The decoded text of every text part of a raw message, as a server's BODY search reads it. */
async function bodyText(raw: Buffer): Promise<string> {
  const tree = await partTreeFromRaw(raw);
  const texts: string[] = [];
  const walk = (part: MimePart): void => {
    if (part.children.length > 0) part.children.forEach(walk);
    else if (part.message) walk(part.message.root);
    else if (isTextPart(part) && part.bytes) texts.push(decodePartContent(part, partBytes(raw, part)).text ?? '');
  };
  walk(tree.root);
  return texts.join('\n');
}
