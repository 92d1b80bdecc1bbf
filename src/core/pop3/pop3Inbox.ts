/** A POP3 maildrop shown as the one folder it is (its own module: the activation bundle needs only this name, not the POP3 code). */
export const POP3_INBOX = 'INBOX';
