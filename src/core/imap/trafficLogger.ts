import type { Logger } from 'imapflow';
import { ConnectionTap } from '../traffic/trafficTap';

interface RawLogEntry {
  msg?: unknown;
  src?: unknown;
  data?: unknown;
  hidden?: unknown;
  err?: unknown;
}

const entry = (value: unknown): RawLogEntry => (typeof value === 'object' && value !== null ? (value as RawLogEntry) : {});

/**
 * Adapts imapflow's logger to the traffic tap. With `logRaw`, imapflow logs every socket read and
 * write (base64) at trace level; writes that carry credentials arrive as a placeholder marked
 * `hidden`, and for those we show imapflow's own masked rendering of the command (logged at debug
 * level just before), masked again by the tap. Everything else imapflow logs is ignored except
 * warnings and errors, which become notes in the traffic log.
 */
export function trafficLogger(tap: ConnectionTap, onFirstRead?: (bytes: Buffer) => void): Logger {
  let lastClientCommand = '';
  let firstRead = true;
  const onDebug = (obj: unknown): void => {
    const e = entry(obj);
    if (e.src === 'c' && typeof e.msg === 'string') lastClientCommand = e.msg;
  };
  const onTrace = (obj: unknown): void => {
    const e = entry(obj);
    if (typeof e.data !== 'string') return;
    if (e.msg === 'read from socket') {
      const bytes = Buffer.from(e.data, 'base64');
      if (firstRead) {
        firstRead = false;
        onFirstRead?.(bytes);
      }
      tap.server(bytes);
    }
    else if (e.msg === 'write to socket') {
      if (e.hidden === true) tap.clientWithheld(lastClientCommand.startsWith('(*') ? '****' : lastClientCommand);
      else tap.client(Buffer.from(e.data, 'base64'));
    }
  };
  const note = (obj: unknown): void => {
    const e = entry(obj);
    if (typeof e.msg === 'string' && e.src === undefined) tap.info(e.msg);
  };
  return { trace: onTrace, debug: onDebug, info: () => undefined, warn: note, error: note };
}
