/**
 * What a mesh's figures were measured on, read from the label every trial carries: a stand-in
 * proxy (the local platform's HAProxy), the real proxy configured by meshbench with the mesh's
 * documented defaults (local Envoy sidecars, no control plane), or the mesh's own data plane (the
 * real ztunnel, a cluster, an imported archive). Claims, banners and caveats all read this one rule.
 */
export type DataPlane = 'stand-in' | 'local-envoy' | 'real';

export function dataPlaneOf(meshLabel: string): DataPlane {
  if (/\(local emulation\b/.test(meshLabel) || /haproxy/i.test(meshLabel)) return 'stand-in';
  if (/\(local: Envoy\b/.test(meshLabel)) return 'local-envoy';
  return 'real';
}
