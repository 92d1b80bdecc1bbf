/**
 * A SASL challenge sent after the client's response is, for XOAUTH2 and OAUTHBEARER (RFC 7628 §3.2.2), a
 * base64 JSON error such as {"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}: shown in
 * words instead of base64. Other challenges are shown decoded when they are printable text.
 */
export function decodeSaslChallenge(base64: string): string | undefined {
  const text = base64.trim();
  if (!text || !/^[A-Za-z0-9+/]+=*$/.test(text)) return undefined;
  const decoded = Buffer.from(text, 'base64').toString('utf8');
  try {
    const json: unknown = JSON.parse(decoded);
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
      const fields = json as Record<string, unknown>;
      const parts: string[] = [];
      if (fields['status'] !== undefined) parts.push(`status ${String(fields['status'])}${statusWords(String(fields['status']))}`);
      if (fields['schemes'] !== undefined) parts.push(`schemes ${String(fields['schemes'])}`);
      if (fields['scope'] !== undefined) parts.push(`scope ${String(fields['scope'])}`);
      for (const [key, value] of Object.entries(fields)) if (!['status', 'schemes', 'scope'].includes(key)) parts.push(`${key} ${JSON.stringify(value)}`);
      return `OAuth error: ${parts.join(', ')}`;
    }
  } catch {
    // not JSON
  }
  // eslint-disable-next-line no-control-regex -- a challenge with control bytes is not text to show
  return /^[^\x00-\x08\x0e-\x1f]*$/.test(decoded) ? decoded : undefined;
}

function statusWords(status: string): string {
  if (status === '400') return ' (bad request)';
  if (status === '401') return ' (the token is invalid or expired)';
  if (status === '403') return ' (the token lacks the scope for mail)';
  return '';
}
