/** The engines' check of a TLS target before load starts (tls-dial.ts): what it negotiated, for the engine's label. */
import { protocolOfUrl, speaksTls, type WorkloadTrust } from '../workload/protocol.ts';
import { TlsDialer } from './tls-dial.ts';

/**
 * The check is no measurement: a busy loader gets this long for it whatever the scenario's request
 * timeout (a target that refuses or a certificate that fails answers at once anyway).
 */
const CHECK_TIMEOUT_MS = 10_000;

/** "TLSv1.3, ALPN h2" for an https: or h2: target (or a rejection that says why not); undefined for the others. */
export async function checkTlsTarget(target: URL, trust: WorkloadTrust | undefined): Promise<string | undefined> {
  const protocol = protocolOfUrl(target);
  if (!protocol || !speaksTls(protocol)) return undefined;
  return new TlsDialer(target, protocol === 'h2' ? 'h2' : 'http/1.1', trust).check(CHECK_TIMEOUT_MS);
}
