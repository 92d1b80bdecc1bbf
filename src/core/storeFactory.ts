import { ClientId } from './imap/clientId';
import { SessionLimits } from './mailStore';

export interface StoreOptions {
  limits: SessionLimits;
  ca?: Buffer;
  /** IMAP: what the ID command tells the server; false sends no ID. */
  clientId?: ClientId | false;
}
