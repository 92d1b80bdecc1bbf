import { startDnsServer, type DnsServer } from './dnsServer';
import { keyRecord, rsaKey, signMessage, testMessage } from './dnsSigned';

// The demo's signed sample: a DNS server serving the DKIM key, SPF and DMARC records of a demo domain, and
// a message signed with that key, as the receiving server would have stored it (Received and
// Authentication-Results fields above the signature). With mailInspector.auth.dnsServers set to the server's
// address, Check Authentication on it passes DKIM, SPF and DMARC with every query shown.

export const DEMO_AUTH_DOMAIN = 'demo-sender.test';
export const DEMO_AUTH_RECEIVER = 'mx.demo-receiver.test';
export const DEMO_AUTH_SUBJECT = 'Signed by demo-sender.test (Check Authentication)';
const CLIENT = '192.0.2.25';

export interface DemoAuth {
  readonly dns: DnsServer;
  /** The signed message, to seed into the demo mailbox. */
  readonly message: Buffer;
  /** Settings for the demo profile. */
  readonly settings: { readonly 'mailInspector.auth.dnsServers': string[]; readonly 'mailInspector.auth.trustedReceivers': string[] };
}

export async function startDemoAuth(): Promise<DemoAuth> {
  const key = rsaKey(DEMO_AUTH_DOMAIN, 'demo2026');
  const dns = await startDnsServer([
    {
      origin: DEMO_AUTH_DOMAIN,
      records: [
        keyRecord(key, DEMO_AUTH_DOMAIN),
        { name: '@', type: 'TXT', value: `v=spf1 ip4:${CLIENT} -all` },
        { name: '_dmarc', type: 'TXT', value: `v=DMARC1; p=reject; rua=mailto:dmarc@${DEMO_AUTH_DOMAIN}` },
      ],
    },
  ]);
  try {
    const body = `Hello,\r\n\r\nthis message is signed with DKIM by ${DEMO_AUTH_DOMAIN}. Right-click it and choose Check Authentication:\r\nthe key, SPF and DMARC records come from a local DNS server the demo started.\r\n`;
    const signed = await signMessage(testMessage({ from: `Demo Sender <news@${DEMO_AUTH_DOMAIN}>`, to: 'demo@localhost', subject: DEMO_AUTH_SUBJECT, body }), key);
    const received = `Received: from mail.${DEMO_AUTH_DOMAIN} (mail.${DEMO_AUTH_DOMAIN} [${CLIENT}]) by ${DEMO_AUTH_RECEIVER} with ESMTPS id demo1; Mon, 01 Jun 2026 10:00:01 +0000`;
    const results = `Authentication-Results: ${DEMO_AUTH_RECEIVER}; dkim=pass header.d=${DEMO_AUTH_DOMAIN} header.s=demo2026; spf=pass smtp.mailfrom=bounce@${DEMO_AUTH_DOMAIN}; dmarc=pass header.from=${DEMO_AUTH_DOMAIN}`;
    const message = Buffer.concat([Buffer.from(`Return-Path: <bounce@${DEMO_AUTH_DOMAIN}>\r\n${results}\r\n${received}\r\n`), signed]);
    return { dns, message, settings: { 'mailInspector.auth.dnsServers': [dns.address], 'mailInspector.auth.trustedReceivers': [DEMO_AUTH_RECEIVER] } };
  } catch (error) {
    await dns.stop();
    throw error;
  }
}
