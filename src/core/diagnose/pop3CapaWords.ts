/**
 * RFC 2449 §6.7 EXPIRE and §6.8 LOGIN-DELAY in words. Before login a server may answer "USER" after the
 * value (it differs per user, the value after login is the user's); EXPIRE 0 means messages may not be left
 * on the server at all, NEVER that the server never deletes them by itself.
 */
export function expireWords(value: string): string {
  const [amount = '', user] = value.trim().split(/\s+/);
  const perUser = user?.toUpperCase() === 'USER' ? ' (this value depends on the user: the one after login is theirs)' : '';
  if (amount.toUpperCase() === 'NEVER') return `The server never deletes messages by itself: they stay until a client deletes them${perUser}.`;
  if (amount === '0') return `The server does not let messages stay: it deletes them once they are retrieved, whether the client deletes them or not${perUser}.`;
  const days = Number(amount);
  if (Number.isInteger(days) && days > 0) return `The server deletes messages ${days} ${days === 1 ? 'day' : 'days'} after they were retrieved, even if the client leaves them there${perUser}.`;
  return `The server announces EXPIRE ${value.trim()}, which RFC 2449 does not define.`;
}

export function loginDelayWords(value: string): string {
  const [amount = '', user] = value.trim().split(/\s+/);
  const perUser = user?.toUpperCase() === 'USER' ? ' (this value depends on the user: the one after login is theirs)' : '';
  const seconds = Number(amount);
  if (!Number.isInteger(seconds) || seconds < 0) return `The server announces LOGIN-DELAY ${value.trim()}, which RFC 2449 does not define.`;
  if (seconds === 0) return `The server allows logins at any interval${perUser}.`;
  return `The server allows one login every ${duration(seconds)} at most: a client that checks mail more often is refused${perUser}.`;
}

function duration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} ${seconds === 3600 ? 'hour' : 'hours'}`;
  if (seconds % 60 === 0) return `${seconds / 60} ${seconds === 60 ? 'minute' : 'minutes'}`;
  return `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
}
