import type { ImapFlow } from 'imapflow';

export type UntaggedStatus = 'NO' | 'BAD' | 'BYE';

interface UntaggedResponse {
  attributes?: { value?: unknown }[];
}

type UntaggedHandler = (untagged: UntaggedResponse) => Promise<void> | void;

/**
 * Tells `handler` of every untagged NO, BAD or BYE the server sends outside a command that handles it itself,
 * with the server's words. Dovecot, for one, answers an IDLE on a folder another client deleted with
 * `* NO Internal error occurred…` and nothing else: without this a watcher would idle on a folder that is gone.
 * imapflow 2.10.2 ignores untagged NO/BAD; its (internal) `untaggedHandlers` map is where it dispatches untagged
 * responses, checked here. An existing handler (imapflow's own BYE) still runs first.
 */
export function onUntaggedStatus(client: ImapFlow, handler: (status: UntaggedStatus, text: string) => void): void {
  const internal = client as unknown as { untaggedHandlers?: Record<string, UntaggedHandler | null | undefined> };
  const handlers = internal.untaggedHandlers;
  if (typeof handlers !== 'object' || handlers === null) throw new Error('imapflow no longer keeps untaggedHandlers: onUntaggedStatus needs updating.');
  for (const status of ['NO', 'BAD', 'BYE'] as const) {
    const previous = handlers[status];
    handlers[status] = async (untagged: UntaggedResponse) => {
      if (previous) await previous(untagged);
      handler(status, textOf(untagged));
    };
  }
}

function textOf(untagged: UntaggedResponse): string {
  return (untagged.attributes ?? [])
    .map((a) => (typeof a.value === 'string' ? a.value : ''))
    .filter((v) => v !== '')
    .join(' ');
}
