import type { Logger } from 'imapflow';

interface LogEntry {
  msg?: unknown;
  src?: unknown;
}

const entry = (value: unknown): LogEntry => (typeof value === 'object' && value !== null ? (value as LogEntry) : {});

/**
 * imapflow's logger, for the traffic log's notes only: warnings and errors with a message of their own
 * become notes. The traffic itself is tapped at the socket (imapTlsTransport), not rebuilt from
 * imapflow's raw log, so `logRaw` stays off and imapflow does not base64-encode every read and write.
 */
export function trafficLogger(tap: { info(text: string): void }): Logger {
  const note = (obj: unknown): void => {
    const e = entry(obj);
    if (typeof e.msg === 'string' && e.src === undefined) tap.info(e.msg);
  };
  const ignore = (): void => undefined;
  return { trace: ignore, debug: ignore, info: ignore, warn: note, error: note };
}
