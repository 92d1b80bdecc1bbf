import type { HeaderField } from '../mime/headers';

// RFC 8058 one-click unsubscription: a List-Unsubscribe with an HTTPS URI, List-Unsubscribe-Post saying
// exactly "List-Unsubscribe=One-Click", and both fields covered by a valid DKIM signature (else anyone
// relaying the message could point the button elsewhere).

export interface ListUnsubscribeCheck {
  readonly present: boolean;
  readonly uris: readonly string[];
  readonly post?: string;
  /** All of RFC 8058's conditions hold. */
  readonly oneClick: boolean;
  /** What holds and what does not, in words. */
  readonly findings: readonly { readonly ok: boolean; readonly text: string }[];
}

/** `signedBy`: for each passing DKIM signature, its d= and the header names it signs (lower case). */
export function checkListUnsubscribe(fields: readonly HeaderField[], signedBy: readonly { domain: string; headers: readonly string[] }[]): ListUnsubscribeCheck {
  const unsubscribe = fields.find((f) => f.key === 'list-unsubscribe');
  const post = fields.find((f) => f.key === 'list-unsubscribe-post');
  if (!unsubscribe) return { present: false, uris: [], oneClick: false, findings: post ? [{ ok: false, text: 'List-Unsubscribe-Post is present without List-Unsubscribe.' }] : [] };
  const uris = [...unsubscribe.value.matchAll(/<([^>]*)>/g)].map((m) => m[1].trim());
  const https = uris.filter((u) => /^https:\/\//i.test(u));
  const findings: { ok: boolean; text: string }[] = [];
  findings.push(https.length > 0 ? { ok: true, text: `An HTTPS URI is given (${https[0]}).` } : { ok: false, text: `No HTTPS URI: one-click needs one (given: ${uris.join(', ') || 'none'}).` });
  const plainHttp = uris.filter((u) => /^http:\/\//i.test(u));
  if (plainHttp.length > 0) findings.push({ ok: false, text: `Plain http URI (${plainHttp[0]}): RFC 8058 requires HTTPS.` });
  const postValue = post?.value.trim();
  const postOk = postValue === 'List-Unsubscribe=One-Click';
  findings.push(
    postOk ? { ok: true, text: 'List-Unsubscribe-Post: List-Unsubscribe=One-Click is present.' } : { ok: false, text: post ? `List-Unsubscribe-Post is "${postValue}", not "List-Unsubscribe=One-Click".` : 'No List-Unsubscribe-Post field: clients cannot unsubscribe in one click (RFC 8058).' },
  );
  const covering = signedBy.filter((s) => s.headers.includes('list-unsubscribe') && (!post || s.headers.includes('list-unsubscribe-post')));
  findings.push(
    covering.length > 0
      ? { ok: true, text: `Signed by a valid DKIM signature (d=${covering[0].domain}) that covers List-Unsubscribe${post ? ' and List-Unsubscribe-Post' : ''}.` }
      : { ok: false, text: `No valid DKIM signature covers List-Unsubscribe${post ? ' and List-Unsubscribe-Post' : ''}.` },
  );
  return { present: true, uris, ...(postValue !== undefined ? { post: postValue } : {}), oneClick: https.length > 0 && postOk && covering.length > 0, findings };
}
