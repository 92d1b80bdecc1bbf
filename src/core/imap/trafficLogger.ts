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
 * Adapts imapflow's logger to the traffic tap. imapflow has no traffic hook; with `logRaw` it logs
 * every socket read ("read from socket") and write ("write to socket") as base64 `data` at trace
 * level, which is what the tap is fed. Writes that carry credentials (LOGIN, AUTHENTICATE and their
 * continuations) arrive as a placeholder marked `hidden`, and for those we show imapflow's own masked
 * rendering of the command (logged at debug level with `src: 'c'` just before), masked again by the
 * tap. Checked against imapflow 2.10.2 (imap-flow.js write(), handler/imap-stream.js _transform()).
 * Everything else imapflow logs is ignored except warnings and errors with a message of their own,
 * which become notes in the traffic log.
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
