import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A test certificate authority that issues certificates with any dates (`openssl ca -startdate/-enddate`). */
export interface DatedCa {
  readonly dir: string;
  readonly pem: Buffer;
  issue(options: IssueOptions): Promise<{ cert: Buffer; key: Buffer }>;
}

export interface IssueOptions {
  readonly name: string;
  readonly commonName?: string;
  /** subjectAltName, e.g. "DNS:localhost,IP:127.0.0.1". */
  readonly altNames?: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** RSA key of this size; EC P-256 when unset. */
  readonly rsaBits?: number;
}

const stamp = (d: Date): string => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

/** Makes the CA in `dir` (an EC P-256 key, "Mail Inspector Dated Test CA"). */
export async function createDatedCa(dir: string): Promise<DatedCa> {
  await mkdir(dir, { recursive: true });
  const db = join(dir, 'index.txt');
  await writeFile(db, '');
  await writeFile(join(dir, 'serial'), '1000\n');
  const config = join(dir, 'ca.cnf');
  await writeFile(
    config,
    [`[ca]`, `default_ca = test`, `[test]`, `dir = ${dir}`, `database = ${db}`, `new_certs_dir = ${dir}`, `serial = ${join(dir, 'serial')}`, `default_md = sha256`, `policy = any`, `copy_extensions = copy`, `unique_subject = no`, `[any]`, `commonName = supplied`, ''].join('\n'),
  );
  const caKey = join(dir, 'ca-key.pem');
  const caPem = join(dir, 'ca.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', caKey, '-out', caPem, '-days', '30', '-subj', '/CN=Mail Inspector Dated Test CA']);
  return {
    dir,
    pem: await readFile(caPem),
    async issue(o: IssueOptions) {
      const key = join(dir, `${o.name}-key.pem`);
      const csr = join(dir, `${o.name}.csr`);
      const cert = join(dir, `${o.name}.pem`);
      const newKey = o.rsaBits ? ['-newkey', `rsa:${o.rsaBits}`] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
      await run('openssl', ['req', ...newKey, '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${o.commonName ?? 'localhost'}`, '-addext', `subjectAltName=${o.altNames ?? 'DNS:localhost,IP:127.0.0.1'}`]);
      await run('openssl', ['ca', '-batch', '-config', config, '-cert', caPem, '-keyfile', caKey, '-in', csr, '-out', cert, '-startdate', stamp(o.notBefore), '-enddate', stamp(o.notAfter)]);
      return { cert: await readFile(cert), key: await readFile(key) };
    },
  };
}
