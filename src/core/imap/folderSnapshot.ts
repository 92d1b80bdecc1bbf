import type { ImapFlow, StatusObject } from 'imapflow';
import { FolderSnapshot } from '../documents/folderState';

/**
 * The state of `folder` as the server tells it now, for the folder-state document: STATUS (MESSAGES, RECENT,
 * UNSEEN, UIDNEXT, UIDVALIDITY, HIGHESTMODSEQ where CONDSTORE is offered) and what EXAMINE answered
 * (PERMANENTFLAGS, FLAGS, NOMODSEQ). Read-only: STATUS and EXAMINE change nothing. The caller holds the
 * folder's mailbox lock (EXAMINEd), so `client.mailbox` is this folder.
 */
export async function folderSnapshot(client: ImapFlow, folder: string): Promise<FolderSnapshot> {
  const condstore = client.capabilities.has('CONDSTORE') || client.capabilities.has('QRESYNC');
  // Dovecot answers STATUS on the selected folder from the connection's last synced view: sync it first.
  await client.noop();
  const answered = await client.status(folder, { messages: true, recent: true, unseen: true, uidNext: true, uidValidity: true, ...(condstore ? { highestModseq: true } : {}) });
  // imapflow answers false when it could not ask (not logged in): the EXAMINE's values stand alone then.
  const status: StatusObject = answered === false ? { path: folder } : answered;
  const mailbox = client.mailbox && client.mailbox.path === folder ? client.mailbox : undefined;
  const uidValidity = status.uidValidity ?? mailbox?.uidValidity;
  const highestModseq = status.highestModseq ?? mailbox?.highestModseq;
  return {
    folder,
    takenAt: new Date(),
    source: 'STATUS and EXAMINE on the command connection',
    ...(uidValidity !== undefined ? { uidValidity: Number(uidValidity) } : {}),
    ...(status.uidNext !== undefined ? { uidNext: status.uidNext } : mailbox ? { uidNext: mailbox.uidNext } : {}),
    ...(highestModseq !== undefined ? { highestModseq: highestModseq.toString() } : {}),
    noModseq: mailbox?.noModseq === true,
    ...(status.messages !== undefined ? { exists: status.messages } : mailbox ? { exists: mailbox.exists } : {}),
    ...(status.recent !== undefined ? { recent: status.recent } : {}),
    ...(status.unseen !== undefined ? { unseen: status.unseen } : {}),
    ...(mailbox?.permanentFlags ? { permanentFlags: [...mailbox.permanentFlags] } : {}),
    ...(mailbox?.flags ? { flags: [...mailbox.flags] } : {}),
  };
}
