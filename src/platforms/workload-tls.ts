/**
 * The TLS of a workload that speaks it itself (`https`, `h2`): a CA made for the run, apart from
 * any mesh's, and one server certificate for a fixed name that every loader checks whatever
 * address it dials (a loopback port, a pod's address, a Service's DNS name). The local platform
 * keeps the files in its working folder; the Kubernetes platform puts the PEMs in a Secret.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkloadTrust } from '../workload/protocol.ts';
import { createCa, issue } from './openssl-ca.ts';

/** The name in the workload's certificate. */
export const WORKLOAD_TLS_NAME = 'workload.meshbench.local';

export interface WorkloadCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
  trust: WorkloadTrust;
}

/** The CA and certificate, in a folder of the run's `workDir` (removed with it: it holds the keys). */
export async function createWorkloadCertificates(workDir: string): Promise<WorkloadCertificates> {
  const dir = join(workDir, 'workload-tls');
  await mkdir(dir, { mode: 0o700 });
  await createCa(dir, 'meshbench workload CA');
  const server = await issue(dir, 'workload-tls', `DNS:${WORKLOAD_TLS_NAME}`, 'serverAuth');
  const caFile = join(dir, 'ca.crt');
  return { caFile, certFile: server.crt, keyFile: server.key, trust: { caPem: await readFile(caFile, 'utf8'), serverName: WORKLOAD_TLS_NAME } };
}

/** The same as PEM text, for a platform that hands them on (a Kubernetes Secret); no file is left. */
export interface WorkloadTlsPem {
  certPem: string;
  keyPem: string;
  trust: WorkloadTrust;
}

export async function workloadTlsPem(): Promise<WorkloadTlsPem> {
  const workDir = await mkdtemp(join(tmpdir(), 'meshbench-workload-tls-'));
  try {
    const c = await createWorkloadCertificates(workDir);
    return { certPem: await readFile(c.certFile, 'utf8'), keyPem: await readFile(c.keyFile, 'utf8'), trust: c.trust };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
