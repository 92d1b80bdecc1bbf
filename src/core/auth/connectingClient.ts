import { isIP } from 'node:net';
import type { ReceivedHop } from '../mime/receivedChain';

// SPF judges the address that handed the message to the receiving server. That address is only known from
// a Received field, and any field below the receiving server's own can be written by anyone, so the one
// used is the topmost field written by a trusted receiving host (a setting lists them), skipping hops
// between trusted hosts; without the setting, the topmost field that names a client address.

/** The client SPF is checked for, and how it was chosen. */
export interface ConnectingClient {
  readonly ip?: string;
  /** The name the client gave in HELO/EHLO (the first word of the "from" clause). */
  readonly helo?: string;
  /** Position of the Received field used, 0 = topmost. */
  readonly fieldIndex?: number;
  /** Which field was used, and why, in words. */
  readonly why: string;
}

/** The first word of a clause ("mx.example (mx.example [192.0.2.1])" → "mx.example"). */
function firstWord(clause: string | undefined): string | undefined {
  const word = clause?.trim().split(/[\s(]/)[0];
  return word ? word.replace(/^\[|\]$/g, '') : undefined;
}

/** The address in brackets of a "from" clause, IPv6 prefix removed; a bare address as the HELO name counts too. */
function addressOf(from: string | undefined): string | undefined {
  if (!from) return undefined;
  for (const m of from.matchAll(/\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]/g)) if (isIP(m[1])) return m[1];
  const word = firstWord(from);
  return word && isIP(word) ? word : undefined;
}

/** Host names mentioned by a "from" clause: the HELO name and the reverse name in the comment. */
function namesOf(from: string | undefined): string[] {
  return [...(from ?? '').matchAll(/[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g)].map((m) => m[0].toLowerCase()).filter((n) => isIP(n) === 0);
}

/** Whether `host` is one of the trusted names or below one ("example.net" trusts "mx1.example.net"). */
export function isTrustedHost(host: string | undefined, trusted: readonly string[]): boolean {
  if (!host) return false;
  const h = host.toLowerCase().replace(/\.$/, '');
  return trusted.some((t) => {
    const name = t.toLowerCase().replace(/^\*?\./, '').replace(/\.$/, '');
    return name !== '' && (h === name || h.endsWith(`.${name}`));
  });
}

function describe(hop: ReceivedHop): string {
  return `Received field #${hop.fieldIndex + 1} (from ${firstWord(hop.from) ?? '?'} by ${firstWord(hop.by) ?? '?'})`;
}

/** Picks the client from the hops (any order; `fieldIndex` 0 is the topmost field) and the trusted receiving hosts. */
export function connectingClient(hops: readonly ReceivedHop[], trusted: readonly string[]): ConnectingClient {
  const topDown = [...hops].sort((a, b) => a.fieldIndex - b.fieldIndex);
  if (topDown.length === 0) return { why: 'The message has no Received field: the connecting address is unknown, so SPF cannot be checked.' };
  const chosen = (hop: ReceivedHop, why: string): ConnectingClient => {
    const ip = addressOf(hop.from);
    const helo = firstWord(hop.from);
    if (!ip) return { fieldIndex: hop.fieldIndex, ...(helo ? { helo } : {}), why: `${why} It names no client address, so SPF cannot be checked.` };
    return { ip, fieldIndex: hop.fieldIndex, ...(helo && isIP(helo) === 0 ? { helo } : {}), why };
  };
  if (trusted.length === 0) {
    const hop = topDown.find((h) => addressOf(h.from) !== undefined) ?? topDown[0];
    return chosen(
      hop,
      `${describe(hop)} is used: no trusted receiving hosts are set (mailInspector.auth.trustedReceivers), so the topmost Received field that names a client address is taken, the one the last receiving server added.`,
    );
  }
  for (const hop of topDown) {
    const by = firstWord(hop.by);
    if (!isTrustedHost(by, trusted)) {
      return {
        fieldIndex: hop.fieldIndex,
        why: `${describe(hop)} was written by ${by ?? 'an unnamed host'}, which is not a trusted receiving host (${trusted.join(', ')}): no field above it came from a trusted host, so SPF cannot be checked.`,
      };
    }
    if (namesOf(hop.from).some((name) => isTrustedHost(name, trusted))) continue; // a hop between trusted hosts
    return chosen(hop, `${describe(hop)} is used: it was written by the trusted receiving host ${by}, and the client it names is outside the trusted hosts.`);
  }
  return { why: `Every Received field is a hop between trusted hosts (${trusted.join(', ')}): the outside client is unknown, so SPF cannot be checked.` };
}
