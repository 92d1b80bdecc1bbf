import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Certificate {
  /** PEM of the certificate to trust: the self-signed certificate itself, or the test CA that issued it. */
  readonly pem: Buffer;
  /** The file of `pem` (for NODE_EXTRA_CA_CERTS or an account's caFile). */
  readonly caFile: string;
  /** The server's certificate (the leaf), for the server's configuration. */
  readonly certFile: string;
  readonly keyFile: string;
}

// EC P-256 keys are generated in a few milliseconds, where RSA would cost most of the server's start-up time.
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const SERVER_NAMES = 'subjectAltName=DNS:localhost,IP:127.0.0.1';

/**
 * Makes a self-signed certificate for CN=localhost that verifies both by name and by address
 * (subjectAltName DNS:localhost, IP:127.0.0.1). It is its own CA, so Node accepts it as `ca`.
 */
export async function createCertificate(dir: string, name = 'cert'): Promise<Certificate> {
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, name === 'cert' ? 'key.pem' : `${name}-key.pem`);
  await run('openssl', ['req', '-x509', ...EC_KEY, '-keyout', keyFile, '-out', certFile, '-days', '30', '-subj', '/CN=localhost', '-addext', SERVER_NAMES]);
  return { pem: await readFile(certFile), caFile: certFile, certFile, keyFile };
}

/**
 * Makes a test certificate authority ("Mail Inspector Test CA", a CA certificate of its own) and a
 * server certificate for CN=localhost (DNS:localhost, IP:127.0.0.1) issued by it: `pem`/`caFile`
 * are the CA's, `certFile`/`keyFile` the server's. Trusting the CA verifies the server.
 */
export async function createCaSignedCertificate(dir: string): Promise<Certificate> {
  const caFile = join(dir, 'test-ca.pem');
  const caKey = join(dir, 'test-ca-key.pem');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const request = join(dir, 'cert.csr');
  const extensions = join(dir, 'cert.ext');
  await run('openssl', [
    'req', '-x509', ...EC_KEY, '-keyout', caKey, '-out', caFile, '-days', '30', '-subj', '/CN=Mail Inspector Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run('openssl', ['req', '-new', ...EC_KEY, '-keyout', keyFile, '-out', request, '-subj', '/CN=localhost']);
  await writeFile(extensions, `${SERVER_NAMES}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  await run('openssl', ['x509', '-req', '-in', request, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-out', certFile, '-days', '30', '-extfile', extensions]);
  return { pem: await readFile(caFile), caFile, certFile, keyFile };
}
