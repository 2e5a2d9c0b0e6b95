/** The engines' check of a TLS target before load starts (tls-dial.ts): what it negotiated, for the engine's label. */
import { setTimeout as sleep } from 'node:timers/promises';
import { protocolOfUrl, speaksTls, type WorkloadTrust } from '../workload/protocol.ts';
import { TlsDialer } from './tls-dial.ts';

/**
 * The check is no measurement: a busy loader gets this long for it whatever the scenario's request
 * timeout (a target that refuses or a certificate that fails answers at once anyway).
 */
const CHECK_TIMEOUT_MS = 10_000;
/**
 * Refusals retried within that time: the check comes as soon as the loader starts, before the
 * load's own connections (which open at the common start), and on Kubernetes a Service whose
 * endpoint just turned ready refuses until the node's proxy has programmed it (a none trial failed
 * so in CI on 2026-12-07, 9 s after its deploy). A certificate or ALPN failure is not retried.
 */
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH']);
const RETRY_EVERY_MS = 250;

/** "TLSv1.3, ALPN h2" for an https: or h2: target (or a rejection that says why not); undefined for the others. */
export async function checkTlsTarget(target: URL, trust: WorkloadTrust | undefined): Promise<string | undefined> {
  const protocol = protocolOfUrl(target);
  if (!protocol || !speaksTls(protocol)) return undefined;
  const dialer = new TlsDialer(target, protocol === 'h2' ? 'h2' : 'http/1.1', trust);
  const deadline = Date.now() + CHECK_TIMEOUT_MS;
  for (;;) {
    try {
      return await dialer.check(Math.max(1, deadline - Date.now()));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!code || !TRANSIENT.has(code) || Date.now() + RETRY_EVERY_MS >= deadline) throw error;
      await sleep(RETRY_EVERY_MS);
    }
  }
}
