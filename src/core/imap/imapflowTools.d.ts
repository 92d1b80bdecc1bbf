// Types for the three helpers of imapflow 2.10.2's tools module (published as imapflow/lib/tools.js in its
// package "exports") that saslPlain.ts uses to shape a failed login exactly as imapflow's own AUTHENTICATE does.
declare module 'imapflow/lib/tools.js' {
  /** The response code of a parsed tagged response (`AUTHENTICATIONFAILED`), upper-cased, or false. */
  export function getStatusCode(response: unknown): string | false;
  /** The parsed response as IMAP text again (the server's words), or false without one. */
  export function getErrorText(response: unknown): Promise<string | false>;
  /** A tagged NO or BAD (not a throttling answer): the server refused, as opposed to a lost connection. */
  export function isServerRefusal(err: unknown): boolean;
}
