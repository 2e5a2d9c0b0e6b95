/**
 * A throwaway certificate authority and the two sidecar identities of a run, made with the
 * openssl CLI (shipped with every HAProxy install). SANs carry Istio-style SPIFFE identities.
 * A workload that speaks TLS itself (`https`, `h2`) gets a CA and certificate of its own
 * (createWorkloadCertificates): the app's TLS is not the mesh's.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RunError } from '../../errors.ts';
import type { WorkloadTrust } from '../../workload/protocol.ts';

const run = promisify(execFile);

export interface MeshCertificates {
  caFile: string;
  /** Certificate and key in one PEM, as HAProxy's `crt` takes them. */
  serverPemFile: string;
  clientPemFile: string;
  /** Name the client sidecar verifies the server's certificate against. */
  serverName: string;
  /**
   * Each pod's identity as separate certificate and key files (Envoy takes them apart), with its
   * SPIFFE ID. Both identities serve as client and server, as Istio's workload certificates do:
   * an Envoy sidecar presents its pod's identity on its inbound and its outbound side.
   */
  identities?: Record<'workload' | 'loadgen', { spiffeId: string; certFile: string; keyFile: string }>;
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

/** Issues a certificate signed by the CA in `dir` (ca.crt, ca.key). */
async function issue(dir: string, name: string, san: string, extendedUsage: string): Promise<{ pem: string; crt: string; key: string }> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const crt = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  // keyUsage as in Istio's workload certificates; Envoy's SPIFFE validator refuses a leaf without digitalSignature.
  await writeFile(ext, `subjectAltName=${san}\nextendedKeyUsage=${extendedUsage}\nkeyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n`);
  await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', `/O=meshbench/CN=${name}`]);
  await openssl(['x509', '-req', '-in', csr, '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'), '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '2', '-out', crt, '-extfile', ext]);
  const pem = join(dir, `${name}.pem`);
  await writeFile(pem, (await readFile(crt, 'utf8')) + (await readFile(key, 'utf8')), { mode: 0o600 });
  return { pem, crt, key };
}

/** Istio's form: spiffe://<trust domain>/ns/<namespace>/sa/<service account>. */
const spiffeId = (pod: string) => `spiffe://cluster.local/ns/meshbench/sa/${pod}`;

/** A CA of two days in `dir` (ca.crt, ca.key). */
async function createCa(dir: string, commonName: string): Promise<void> {
  await openssl([
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt'), '-days', '2', '-subj', `/O=meshbench/CN=${commonName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

export async function createMeshCertificates(dir: string): Promise<MeshCertificates> {
  await createCa(dir, 'meshbench run CA');
  const [server, client] = await Promise.all([
    issue(dir, 'workload', `DNS:${SERVER_NAME},URI:${spiffeId('workload')}`, 'serverAuth,clientAuth'),
    issue(dir, 'loadgen', `URI:${spiffeId('loadgen')}`, 'clientAuth,serverAuth'),
  ]);
  return {
    caFile: join(dir, 'ca.crt'),
    serverPemFile: server.pem,
    clientPemFile: client.pem,
    serverName: SERVER_NAME,
    identities: {
      workload: { spiffeId: spiffeId('workload'), certFile: server.crt, keyFile: server.key },
      loadgen: { spiffeId: spiffeId('loadgen'), certFile: client.crt, keyFile: client.key },
    },
  };
}

/** The TLS of a workload that speaks it (`https`, `h2`): its certificate and key, and what a loader trusts. */
export interface WorkloadCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
  trust: WorkloadTrust;
}

/** The name in the workload's certificate, which loaders check whatever address they dial. */
export const WORKLOAD_TLS_NAME = 'workload.meshbench.local';

/** A CA of the workload's own and its server certificate, in a folder of the run's `workDir` (removed with it). */
export async function createWorkloadCertificates(workDir: string): Promise<WorkloadCertificates> {
  const dir = join(workDir, 'workload-tls');
  await mkdir(dir, { mode: 0o700 });
  await createCa(dir, 'meshbench workload CA');
  const server = await issue(dir, 'workload-tls', `DNS:${WORKLOAD_TLS_NAME}`, 'serverAuth');
  const caFile = join(dir, 'ca.crt');
  return { caFile, certFile: server.crt, keyFile: server.key, trust: { caPem: await readFile(caFile, 'utf8'), serverName: WORKLOAD_TLS_NAME } };
}
