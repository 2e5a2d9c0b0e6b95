/**
 * A throwaway certificate authority and the two sidecar identities of a run, made with the
 * openssl CLI (shipped with every HAProxy install). SANs carry Istio-style SPIFFE identities.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RunError } from '../../errors.ts';

const run = promisify(execFile);

export interface MeshCertificates {
  caFile: string;
  /** Certificate and key in one PEM, as HAProxy's `crt` takes them. */
  serverPemFile: string;
  clientPemFile: string;
  /** Name the client sidecar verifies the server's certificate against. */
  serverName: string;
}

const SERVER_NAME = 'workload.meshbench.local';

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (cause) {
    const e = cause as NodeJS.ErrnoException & { stderr?: string };
    throw new RunError({
      what: e.code === 'ENOENT' ? 'openssl is not installed' : `openssl failed: ${e.stderr?.trim() ?? e.message}`,
      where: 'local platform (mTLS certificates)',
      fix: 'install it: `sudo apt-get install -y openssl`',
      cause,
    });
  }
}

async function issue(dir: string, name: string, san: string, extendedUsage: string): Promise<string> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const crt = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  await writeFile(ext, `subjectAltName=${san}\nextendedKeyUsage=${extendedUsage}\nbasicConstraints=CA:FALSE\n`);
  await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', `/O=meshbench/CN=${name}`]);
  await openssl(['x509', '-req', '-in', csr, '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'), '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '2', '-out', crt, '-extfile', ext]);
  const pem = join(dir, `${name}.pem`);
  await writeFile(pem, (await readFile(crt, 'utf8')) + (await readFile(key, 'utf8')), { mode: 0o600 });
  return pem;
}

export async function createMeshCertificates(dir: string): Promise<MeshCertificates> {
  await openssl([
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt'), '-days', '2', '-subj', '/O=meshbench/CN=meshbench run CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const [serverPemFile, clientPemFile] = await Promise.all([
    issue(dir, 'workload', `DNS:${SERVER_NAME},URI:spiffe://cluster.local/ns/meshbench/sa/workload`, 'serverAuth'),
    issue(dir, 'loadgen', 'URI:spiffe://cluster.local/ns/meshbench/sa/loadgen', 'clientAuth'),
  ]);
  return { caFile: join(dir, 'ca.crt'), serverPemFile, clientPemFile, serverName: SERVER_NAME };
}
