import type { Protocol } from '../accounts/account';

/** The tasks both protocols run, in this order: what a person does when they open a mailbox and read a message. */
export type CompareTask = 'login' | 'listPage' | 'textPart' | 'attachment' | 'search';

export const COMPARE_TASKS: readonly CompareTask[] = ['login', 'listPage', 'textPart', 'attachment', 'search'];

export const TASK_LABELS: Record<CompareTask, string> = {
  login: 'Connect and log in',
  listPage: 'List the first page',
  textPart: "Open the newest message's text",
  attachment: 'Open its largest attachment',
  search: 'Search a subject',
};

/** What one task cost over one protocol. Bytes and round trips come from the run's own traffic tap. */
export interface TaskMeasure {
  readonly task: CompareTask;
  /** Wall-clock milliseconds, from the call to its answer. */
  readonly ms: number;
  /** Protocol bytes sent and received (inside TLS: what the protocol carried, not the TLS records). */
  readonly bytesOut: number;
  readonly bytesIn: number;
  /**
   * Times the client waited for the server: commands answered one after the other count one each, commands
   * pipelined (sent before the previous answer came) count together. The greeting counts as one; TCP and TLS
   * handshakes are not in the record and are not counted.
   */
  readonly roundTrips: number;
  /** Connections opened during the task (POP3 opens one per task: connect, log in, work, QUIT). */
  readonly connections: number;
  /** What the protocol had to do, in words ("RETR of the whole message: POP3 cannot fetch one part"). */
  readonly note?: string;
  /** The task failed or could not run: why, in words. Its numbers are what was spent before that. */
  readonly error?: string;
}

/** One protocol's run of every task, over one account. */
export interface ProtocolRun {
  readonly protocol: Protocol;
  readonly account: string;
  readonly tasks: readonly TaskMeasure[];
}

/** Both runs, over the same mailbox, with what they were run on. */
export interface Comparison {
  readonly imap: ProtocolRun;
  readonly pop3: ProtocolRun;
  /** The subject word both searched for (taken from the newest message), if there was one. */
  readonly searchedFor: string | undefined;
  /** The newest message both opened, as the IMAP run listed it. */
  readonly message: { readonly subject: string; readonly size: number } | undefined;
  readonly startedAt: Date;
}
