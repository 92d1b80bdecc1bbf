import { MailError } from '../errors';
import { Cancel } from '../mailStore';
import { FolderWatch, LiveBackend, PageCursor, SessionPage } from '../session/accountSession';
import { Features } from '../session/features';
import { SessionEvents } from '../session/sessionEvents';
import { IdleWatcher, IdleWatcherOptions } from './idleWatcher';
import { ImapStore, LiveCapabilities } from './imapStore';
import { ImapWriter } from './write/imapWriter';

export type ImapLiveOptions = Omit<IdleWatcherOptions, 'onCapabilities'>;

/** The IMAP side of an AccountSession: the ImapStore for commands, an IdleWatcher (its second connection) for the watched folder. */
export class ImapLive implements LiveBackend {
  private capabilities: LiveCapabilities | undefined;

  /** The account's writes on the command connection; the session guards them by access mode. */
  readonly writer: ImapWriter | undefined;

  /** `events` is the session's emitter, which writes report their changes to. */
  constructor(readonly store: ImapStore, private readonly options: ImapLiveOptions = {}, events?: SessionEvents) {
    this.writer = events ? new ImapWriter(store, events) : undefined;
  }

  async connect(signal?: Cancel): Promise<Features> {
    this.capabilities = await this.store.capabilities(signal);
    return this.featuresOf(this.capabilities);
  }

  knownFeatures(): Features | undefined {
    // The store records the capabilities of its latest connection, command or watch.
    const capabilities = this.store.knownCapabilities ?? this.capabilities;
    return capabilities ? this.featuresOf(capabilities) : undefined;
  }

  async watch(folder: string, events: SessionEvents, signal?: Cancel): Promise<FolderWatch> {
    const watcher = new IdleWatcher(this.store, folder, events, { ...this.options, onCapabilities: (c) => (this.capabilities = c) });
    // The command connection may still have the old generation of the folder selected: it is let go.
    const generations = events.on((event) => {
      if (event.type === 'uidValidity') this.store.forgetFolder(event.folder);
    });
    try {
      await watcher.start(signal);
    } catch (error) {
      generations.dispose();
      throw error;
    }
    return {
      folder,
      get state() {
        return watcher.state;
      },
      remember: (uidValidity, messages) => watcher.remember(uidValidity, messages),
      reportArrivedSince: (uidValidity, newestLoaded) => watcher.reportArrivedSince(uidValidity, Number(newestLoaded)),
      stop: async () => {
        generations.dispose();
        await watcher.stop();
      },
    };
  }

  async listPage(folder: string, cursor: PageCursor | undefined, pageSize: number, signal?: Cancel): Promise<SessionPage> {
    if (cursor?.kind === 'offset') throw new MailError('config', 'IMAP pages are taken by UID, not by offset.');
    const page = await this.store.listMessagesByUid(folder, cursor?.beforeUid, pageSize, signal, cursor?.uidValidity);
    const next: PageCursor | undefined = page.nextBeforeUid === undefined ? undefined : { kind: 'uid', beforeUid: page.nextBeforeUid, uidValidity: page.uidValidity };
    return { ...page, next };
  }

  private featuresOf(capabilities: LiveCapabilities): Features {
    return Features.imapSession(capabilities.beforeLogin, capabilities.afterLogin);
  }
}
