/**
 * A throwaway certificate authority and the two sidecar identities of a run, made with the
 * openssl CLI (shipped with every HAProxy install). SANs carry Istio-style SPIFFE identities.
 * A workload that speaks TLS itself (`https`, `h2`) gets a CA and certificate of its own
 * (../workload-tls.ts): the app's TLS is not the mesh's.
 */
import { join } from 'node:path';
import { createCa, issue } from '../openssl-ca.ts';

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

/** Istio's form: spiffe://<trust domain>/ns/<namespace>/sa/<service account>. */
const spiffeId = (pod: string) => `spiffe://cluster.local/ns/meshbench/sa/${pod}`;

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

