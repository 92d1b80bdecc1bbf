import { ImapFlow, type ImapFlowOptions } from 'imapflow';

/**
 * ImapFlow that learns the password only when it is about to log in. imapflow 2.10.2's session
 * start is: greeting, CAPABILITY, upgradeToSTARTTLS() (a no-op for implicit TLS or "none"), ID,
 * authenticate(), which reads `options.auth.pass`. upgradeToSTARTTLS() is the last public step
 * before authenticate(), and by the time it returns the connection is as secure as it will get (TLS
 * up and its certificate accepted by the transport), so the password is asked for there. A PREAUTH
 * session (already authenticated) is never asked.
 */
export class ImapLoginAfterTls extends ImapFlow {
  private readonly askPassword: () => Promise<string>;
  /**
   * The CAPABILITY list as it stood right before login (after STARTTLS, when there was one): what the server
   * offers an unauthenticated client (STARTTLS, AUTH=…, LOGINDISABLED). After login `capabilities` holds the
   * authenticated list, which Dovecot and others announce only then.
   */
  capabilitiesBeforeLogin: readonly string[] = [];

  /** `options.auth.pass` is left out; `askPassword` gives it (or rejects, which fails connect()). */
  constructor(options: ImapFlowOptions, askPassword: () => Promise<string>) {
    super(options);
    this.askPassword = askPassword;
  }

  override async upgradeToSTARTTLS(): Promise<boolean> {
    const secured = await super.upgradeToSTARTTLS();
    this.capabilitiesBeforeLogin = [...this.capabilities.keys()];
    const auth = this.options.auth;
    if (!this.authenticated && auth && auth.pass === undefined && auth.accessToken === undefined) {
      this.options.auth = { ...auth, pass: await this.askPassword() };
    }
    return secured;
  }
}
