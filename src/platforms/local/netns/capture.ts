/**
 * Sidecar traffic capture for the netns layout, as istio-init installs it in every meshed pod:
 * the app dials its peer's real address and iptables (nat table) sends the connection to the
 * sidecar instead of the app dialling a proxy port.
 *
 *   outbound: every TCP connection a pod process opens (OUTPUT) goes to the sidecar's :15001,
 *             except the sidecar's own (it runs as uid/gid 1337) and loopback traffic;
 *   inbound:  every TCP connection arriving at the pod (PREROUTING) goes to the sidecar's :15006,
 *             except Istio's own ports (15008 HBONE, 15020/15021/15090 telemetry and health).
 *
 * So the HAProxy sidecars in this layout must: run as uid and gid 1337 (HAProxy's `uid`/`gid`
 * global settings; it reads its certificates before dropping privileges), listen on 127.0.0.1:15001
 * (outbound: nat OUTPUT REDIRECT rewrites to 127.0.0.1) and 0.0.0.0:15006 (inbound: PREROUTING
 * REDIRECT rewrites to the pod's own address), the outbound one forward to the workload pod's
 * address and app port (captured there by the inbound rule), the inbound one to 127.0.0.1:<app port>.
 * The rules live in the pod's namespace and vanish with it.
 */
import { execInNetns } from './exec.ts';

export interface CaptureOptions {
  /** uid and gid the sidecar runs as; its own connections are never captured. Istio: 1337. */
  proxyUid: number;
  outboundPort: number;
  inboundPort: number;
  /** Inbound ports left alone (Istio: 15008, 15020, 15021, 15090). */
  inboundExcludedPorts: readonly number[];
}

export const ISTIO_CAPTURE: CaptureOptions = { proxyUid: 1337, outboundPort: 15001, inboundPort: 15006, inboundExcludedPorts: [15008, 15020, 15021, 15090] };

/** iptables-restore input (nat table) equivalent to istio-init's rules for one pod. Pure. */
export function sidecarCaptureRules(o: CaptureOptions = ISTIO_CAPTURE): string {
  const uid = String(o.proxyUid);
  return [
    '*nat',
    ':ISTIO_INBOUND - [0:0]',
    ':ISTIO_IN_REDIRECT - [0:0]',
    ':ISTIO_OUTPUT - [0:0]',
    ':ISTIO_REDIRECT - [0:0]',
    `-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports ${o.outboundPort}`,
    `-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports ${o.inboundPort}`,
    '-A PREROUTING -p tcp -j ISTIO_INBOUND',
    ...o.inboundExcludedPorts.map((p) => `-A ISTIO_INBOUND -p tcp --dport ${p} -j RETURN`),
    '-A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT',
    '-A OUTPUT -p tcp -j ISTIO_OUTPUT',
    // The sidecar calling its own pod's address over loopback is inbound traffic (istio-init does the same).
    `-A ISTIO_OUTPUT -o lo ! -d 127.0.0.1/32 -m owner --uid-owner ${uid} -j ISTIO_IN_REDIRECT`,
    `-A ISTIO_OUTPUT -o lo -m owner ! --uid-owner ${uid} -j RETURN`,
    `-A ISTIO_OUTPUT -m owner --uid-owner ${uid} -j RETURN`,
    `-A ISTIO_OUTPUT -m owner --gid-owner ${uid} -j RETURN`,
    '-A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN',
    '-A ISTIO_OUTPUT -j ISTIO_REDIRECT',
    'COMMIT',
    '',
  ].join('\n');
}

/** Installs the capture rules inside a pod namespace (needs iptables). */
export async function applySidecarCapture(podNetns: string, o: CaptureOptions = ISTIO_CAPTURE): Promise<void> {
  await execInNetns(podNetns, 'iptables-restore', ['--wait', '10', '--noflush'], sidecarCaptureRules(o));
}
