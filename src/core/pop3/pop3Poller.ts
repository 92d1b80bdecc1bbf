import { MailError, MailErrorReason } from '../errors';
import { SessionEvents, Subscription } from '../session/sessionEvents';

/** Failures that may pass by themselves (the server restarts, another session holds the maildrop lock): polling goes on. */
const TRANSIENT: ReadonlySet<MailErrorReason> = new Set<MailErrorReason>(['dns', 'refused', 'network', 'timeout', 'inUse', 'server']);

/**
 * Runs a POP3 check every `seconds`: the next one is scheduled when the previous one ended, so two
 * never overlap, and nothing is held between them (each check is its own short session). Timers
 * are unref'd: a poll never keeps the process alive. Emits `connection` states on `events`:
 * 'polling' when started and again after a check succeeds that follows a failed one, 'offline' (with
 * the reason and the next try) after a failure that may pass, and 'closed' when stopped. A failure
 * the user must act on (a refused password, no password, a certificate, TLS or settings problem)
 * stops the poll at once, so that a wrong password is not sent again every few seconds.
 */
export class Pop3Poller implements Subscription {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failing = false;

  constructor(
    private readonly seconds: number,
    private readonly check: () => Promise<unknown>,
    private readonly events: SessionEvents,
  ) {
    if (!Number.isFinite(seconds) || seconds <= 0) throw new RangeError(`The poll interval must be a positive number of seconds, not ${seconds}.`);
  }

  get running(): boolean {
    return !this.stopped;
  }

  start(): this {
    this.events.emit({ type: 'connection', state: 'polling' });
    this.schedule();
    return this;
  }

  /** Stops polling; a check under way finishes (its events are still emitted), no further one starts. */
  dispose(reason?: string): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.events.emit({ type: 'connection', state: 'closed', ...(reason ? { reason } : {}) });
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.seconds * 1000);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    try {
      await this.check();
      if (this.failing && !this.stopped) this.events.emit({ type: 'connection', state: 'polling' });
      this.failing = false;
    } catch (err) {
      if (this.stopped) return;
      if (!MailError.is(err) || !TRANSIENT.has(err.reason)) {
        this.dispose(`Polling stopped: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      this.failing = true;
      this.events.emit({ type: 'connection', state: 'offline', reason: err.serverText ? `${err.message} (${err.serverText})` : err.message, retryInMs: this.seconds * 1000 });
    }
    this.schedule();
  }
}
