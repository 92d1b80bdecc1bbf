import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Certificate {
  /** PEM of the self-signed certificate; it is its own CA, so Node accepts it as `ca`. */
  readonly pem: Buffer;
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Makes a self-signed certificate for CN=localhost that verifies both by name and by address
 * (subjectAltName DNS:localhost, IP:127.0.0.1). An EC P-256 key is generated in a few
 * milliseconds, where RSA would cost most of the server's start-up time.
 */
export async function createCertificate(dir: string): Promise<Certificate> {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '30', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  return { pem: await readFile(certFile), certFile, keyFile };
}
