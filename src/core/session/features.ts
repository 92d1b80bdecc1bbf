// What a mail session can do, asked by feature and answered from the capabilities the live connection announced
// (IMAP CAPABILITY, POP3 CAPA), never from the protocol's name. The tree's contextValues and menus follow these.
export type Feature =
  // What the protocol itself offers (IMAP always; POP3 never).
  | 'folders'
  | 'flags'
  | 'partialFetch'
  | 'serverSearch'
  // IMAP extensions, from CAPABILITY.
  | 'idle'
  | 'condstore'
  | 'qresync'
  | 'move'
  | 'uidplus'
  | 'esearch'
  | 'multiSearch'
  | 'listStatus'
  | 'specialUse'
  | 'createSpecialUse'
  | 'literalPlus'
  | 'utf8Accept'
  | 'namespace'
  | 'id'
  | 'quota'
  | 'statusSize'
  // POP3 (RFC 2449 CAPA) and what POP3 alone does.
  | 'uidl'
  | 'top'
  | 'pipelining'
  | 'expire'
  | 'loginDelay'
  | 'deleteOnServer'
  // Either protocol.
  | 'startTls'
  | 'sasl';

/** IMAP capability names (upper case, as announced) and the feature each one gives. */
const IMAP_CAPABILITIES: Readonly<Record<string, Feature>> = {
  IDLE: 'idle',
  CONDSTORE: 'condstore',
  QRESYNC: 'qresync',
  MOVE: 'move',
  UIDPLUS: 'uidplus',
  ESEARCH: 'esearch',
  MULTISEARCH: 'multiSearch',
  'LIST-STATUS': 'listStatus',
  'SPECIAL-USE': 'specialUse',
  'CREATE-SPECIAL-USE': 'createSpecialUse',
  'LITERAL+': 'literalPlus',
  'LITERAL-': 'literalPlus',
  'UTF8=ACCEPT': 'utf8Accept',
  NAMESPACE: 'namespace',
  ID: 'id',
  QUOTA: 'quota',
  'STATUS=SIZE': 'statusSize',
  STARTTLS: 'startTls',
};

/** POP3 CAPA tags (RFC 2449 and its registry) and the feature each gives. */
const POP3_CAPABILITIES: Readonly<Record<string, Feature>> = {
  UIDL: 'uidl',
  TOP: 'top',
  PIPELINING: 'pipelining',
  EXPIRE: 'expire',
  'LOGIN-DELAY': 'loginDelay',
  STLS: 'startTls',
  SASL: 'sasl',
};

export class Features {
  private constructor(
    private readonly set: ReadonlySet<Feature>,
    /** The capabilities as announced, for reports and the folder-state document. */
    readonly announced: readonly string[],
  ) {}

  /**
   * What a protocol offers before any connection told more (no extension assumed): IMAP's folders, flags,
   * single-part fetch and server search, POP3's deletion. For callers that must decide before connecting.
   */
  static inherent(protocol: 'imap' | 'pop3'): Features {
    return protocol === 'imap' ? Features.imap([]) : Features.pop3([]);
  }

  /** From an IMAP CAPABILITY list (imapflow's `capabilities` map keys, or the raw atoms). */
  static imap(capabilities: Iterable<string>): Features {
    const announced = [...capabilities];
    const set = new Set<Feature>(['folders', 'flags', 'partialFetch', 'serverSearch']);
    for (const raw of announced) {
      const cap = raw.toUpperCase();
      const feature = IMAP_CAPABILITIES[cap];
      if (feature) set.add(feature);
      if (cap.startsWith('AUTH=')) set.add('sasl');
    }
    // RFC 7162: QRESYNC implies CONDSTORE.
    if (set.has('qresync')) set.add('condstore');
    return new Features(set, announced);
  }

  /**
   * From the two CAPABILITY lists of a live IMAP connection. What the session can do is the list announced once
   * logged in (Dovecot, for one, announces its extensions only then, and lists IDLE before login even when it is
   * configured off after); the list before login adds only what concerns logging in (STARTTLS, AUTH=…).
   */
  static imapSession(beforeLogin: Iterable<string>, afterLogin: Iterable<string>): Features {
    const after = [...afterLogin];
    const preLogin = [...beforeLogin].filter((cap) => /^(STARTTLS|AUTH=|LOGINDISABLED$|SASL-IR$)/i.test(cap));
    if (after.length === 0) return Features.imap(beforeLogin);
    return Features.imap([...new Set([...after, ...preLogin])]);
  }

  /** From a POP3 CAPA reply's lines (without the status line and the terminating dot). */
  static pop3(capa: Iterable<string>): Features {
    const announced = [...capa];
    const set = new Set<Feature>(['deleteOnServer']);
    for (const line of announced) {
      const tag = line.trim().split(/\s+/)[0]?.toUpperCase() ?? '';
      const feature = POP3_CAPABILITIES[tag];
      if (feature) set.add(feature);
    }
    return new Features(set, announced);
  }

  supports(feature: Feature): boolean {
    return this.set.has(feature);
  }

  /** Every feature offered, sorted, e.g. for contextValue words (`feature-idle feature-move …`). */
  list(): Feature[] {
    return [...this.set].sort();
  }
}
