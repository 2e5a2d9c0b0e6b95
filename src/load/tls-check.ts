/** The engines' check of a TLS target before load starts (tls-dial.ts): what it negotiated, for the engine's label. */
import { protocolOfUrl, speaksTls, type WorkloadTrust } from '../workload/protocol.ts';
import { TlsDialer } from './tls-dial.ts';

/** "TLSv1.3, ALPN h2" for an https: or h2: target (or a rejection that says why not); undefined for the others. */
export async function checkTlsTarget(target: URL, trust: WorkloadTrust | undefined, timeoutMs: number): Promise<string | undefined> {
  const protocol = protocolOfUrl(target);
  if (!protocol || !speaksTls(protocol)) return undefined;
  return new TlsDialer(target, protocol === 'h2' ? 'h2' : 'http/1.1', trust).check(Math.min(timeoutMs, 10_000));
}
