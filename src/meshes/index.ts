import type { MeshName } from '../scenario/resolve.ts';
import { appmesh } from './appmesh.ts';
import { istio } from './istio.ts';
import { istioAmbient } from './istio-ambient.ts';
import { linkerd } from './linkerd.ts';
import { none } from './none.ts';
import type { MeshAdapter } from './types.ts';

export type { LocalMeshProfile, MeshAdapter } from './types.ts';
export { localEmulationLabel } from './types.ts';
export * from './kubernetes.ts';

export const meshes = { none, istio, 'istio-ambient': istioAmbient, appmesh, linkerd } as const satisfies Record<MeshName, MeshAdapter>;
