/**
 * A probe as a process, for places the harness cannot dial itself (inside a pod's network
 * namespace). Usage: node probe-main.ts URL MESSAGE_BYTES TIMEOUT_MS [CA_FILE SERVER_NAME];
 * exits 0 when answered, 1 when not (yet), 3 when a TLS workload's certificate is not trusted
 * (with why on stderr: waiting longer cannot mend that).
 */
import { readFileSync } from 'node:fs';
import { probeOnce } from './probe.ts';
import { UntrustedCertificateError } from './tls-trust.ts';

const [url = '', bytes = '0', timeoutMs = '2000', caFile, serverName] = process.argv.slice(2);
const trust = caFile && serverName ? { caPem: readFileSync(caFile, 'utf8'), serverName } : undefined;
try {
  process.exitCode = (await probeOnce(new URL(url), Number(bytes), Number(timeoutMs), trust)) ? 0 : 1;
} catch (error) {
  if (!(error instanceof UntrustedCertificateError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 3;
}
// grpc-js may keep a timer alive for a while after its channel closes.
process.exit();
