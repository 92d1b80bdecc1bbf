// The server's own policies a POP3 client must respect (RFC 2449 §6.5 and §6.7), read from CAPA:
//   EXPIRE 30        the server keeps messages at least 30 days, then may delete them by itself
//   EXPIRE NEVER     the server never deletes messages by itself
//   EXPIRE 0         the client may not leave mail on the server: what it retrieves is deleted at QUIT anyway
//   LOGIN-DELAY 900  at least 900 seconds between two logins (a login sooner is refused with [LOGIN-DELAY])
// Before login a server may add USER ("EXPIRE 30 USER", "LOGIN-DELAY 900 USER"): the value is the least one and
// may differ per user; the CAPA after login gives the user's own.

export interface ExpirePolicy {
  /** Days the server keeps a message at least; 'never': it never deletes by itself; 0: it deletes what is retrieved. */
  readonly days: number | 'never';
  /** Announced with USER: the value may vary per user (the CAPA after login tells this user's). */
  readonly perUser: boolean;
}

export interface LoginDelay {
  /** Least number of seconds between two logins. */
  readonly seconds: number;
  readonly perUser: boolean;
}

export interface Pop3Retention {
  readonly expire?: ExpirePolicy;
  readonly loginDelay?: LoginDelay;
}

/** EXPIRE and LOGIN-DELAY from CAPA lines; a line that does not follow RFC 2449 is left out (not guessed). */
export function parseRetention(capabilities: readonly string[] | undefined): Pop3Retention {
  let expire: ExpirePolicy | undefined;
  let loginDelay: LoginDelay | undefined;
  for (const line of capabilities ?? []) {
    const [tag = '', value = '', user, ...rest] = line.trim().split(/\s+/);
    if (rest.length > 0 || (user !== undefined && user.toUpperCase() !== 'USER')) continue;
    const perUser = user !== undefined;
    const upperTag = tag.toUpperCase();
    if (upperTag === 'EXPIRE') {
      if (/^never$/i.test(value)) expire = { days: 'never', perUser };
      else if (/^\d{1,9}$/.test(value)) expire = { days: Number(value), perUser };
    } else if (upperTag === 'LOGIN-DELAY' && /^\d{1,9}$/.test(value)) {
      loginDelay = { seconds: Number(value), perUser };
    }
  }
  return { ...(expire ? { expire } : {}), ...(loginDelay ? { loginDelay } : {}) };
}

/** True when the server deletes what a client retrieves (EXPIRE 0). */
export function deletesOnRetrieval(retention: Pop3Retention): boolean {
  return retention.expire?.days === 0;
}

/** The policies in plain words, one sentence each, for confirmations, progress and results ('' when none is announced). */
export function describeRetention(retention: Pop3Retention): string {
  const words: string[] = [];
  const expire = retention.expire;
  if (expire) {
    const mayVary = expire.perUser ? ' (at least; it may differ per user)' : '';
    if (expire.days === 'never') words.push('The server never deletes messages by itself (EXPIRE NEVER).');
    else if (expire.days === 0) words.push('The server deletes every message once it is downloaded, whatever this client does (EXPIRE 0).');
    else words.push(`The server keeps messages ${expire.days} day${expire.days === 1 ? '' : 's'}${mayVary}, then may delete them by itself (EXPIRE ${expire.days}).`);
  }
  const delay = retention.loginDelay;
  if (delay) words.push(`The server allows one login every ${formatSeconds(delay.seconds)}${delay.perUser ? ' (at least; it may differ per user)' : ''} (LOGIN-DELAY ${delay.seconds}).`);
  return words.join(' ');
}

/** 900 → "15 minutes", 90 → "90 seconds", 7200 → "2 hours". */
export function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 3600) return plural(seconds / 3600, 'hour');
  if (seconds % 60 === 0 && seconds >= 60) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
