import type { Logger } from 'imapflow';

interface LogEntry {
  msg?: unknown;
  src?: unknown;
}

const entry = (value: unknown): LogEntry => (typeof value === 'object' && value !== null ? (value as LogEntry) : {});

/** The levels that reach the traffic log; imapflow asks before it builds an entry. */
const WANTED = new Set(['warn', 'error', 'fatal']);

/**
 * imapflow's logger, for the traffic log's notes only: warnings and errors with a message of their own
 * become notes. The traffic itself is tapped at the socket (imapTlsTransport), not rebuilt from
 * imapflow's raw log, so `logRaw` stays off and imapflow does not base64-encode every read and write.
 *
 * `isLevelEnabled` matters for speed: imapflow 2.10.2 serialises every parsed response (and every command)
 * back to text for a debug or trace entry unless the logger says that level is off, and a logger with a
 * method for the level counts as on. In a 10,000-envelope FETCH that was about a third of the time, for text
 * that was thrown away. So trace, debug and info are absent and said to be off.
 */
export function trafficLogger(tap: { info(text: string): void }): Logger & { isLevelEnabled(level: string): boolean } {
  const note = (obj: unknown): void => {
    const e = entry(obj);
    if (typeof e.msg === 'string' && e.src === undefined) tap.info(e.msg);
  };
  const ignore = (): void => undefined;
  return { debug: ignore, info: ignore, warn: note, error: note, isLevelEnabled: (level) => WANTED.has(level) };
}
