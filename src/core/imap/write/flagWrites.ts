import { MailError } from '../../errors';
import { Cancel } from '../../mailStore';
import { FlagChange, FlagResult, LoadedFlags } from '../../write/mailWriter';
import { ImapWriteDeps } from './writeContext';

/** STORE +FLAGS/-FLAGS (UID STORE, UNCHANGEDSINCE with CONDSTORE). */
export function storeFlags(_deps: ImapWriteDeps, _loaded: { readonly folder: string; readonly uidValidity: number | undefined; readonly messages: readonly LoadedFlags[] }, _change: FlagChange, _signal?: Cancel): Promise<FlagResult> {
  return Promise.reject(new MailError('unsupported', 'storeFlags is not built yet.'));
}
