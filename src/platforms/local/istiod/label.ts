/**
 * What every output says of `local.control: istiod`: Istio's control plane driving upstream Envoy
 * through pilot-agent, and what that lacks against Istio's own proxy build (its telemetry filters).
 */

/** "istio (local: istiod 1.31-dev+eed52ebb66ad driving Envoy 1.40 sidecars via pilot-agent, mTLS, no Istio telemetry filters)". */
export function istiodLabel(istiodVersion: string, envoyVersion: string, mtls: boolean): string {
  const [major, minor] = envoyVersion.split('.');
  return `istio (local: istiod ${istiodVersion} driving Envoy ${major}.${minor} sidecars via pilot-agent, ${mtls ? 'mTLS' : 'plaintext'}, no Istio telemetry filters)`;
}

/** The result environment's components for it: which control ran, its version, and what was left out. */
export function istiodComponents(version: string): Record<string, string> {
  return {
    control: 'istiod',
    istiod: version,
    'pilot-agent': version,
    'istio-proxy': 'upstream Envoy via pilot-agent, without Istio\'s filters (metadata exchange, ALPN, stats)',
  };
}
