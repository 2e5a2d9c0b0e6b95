import { appmesh } from './appmesh.ts';
import { istio } from './istio.ts';
import { istioAmbient } from './istio-ambient.ts';
import { linkerd } from './linkerd.ts';
import { customMeshAdapter, type CustomMeshDefinition } from './custom.ts';
import { none } from './none.ts';
import type { MeshAdapter } from './types.ts';

export type { LocalMeshProfile, MeshAdapter } from './types.ts';
export { localEmulationLabel } from './types.ts';
export * from './kubernetes.ts';
export type { CustomMeshDefinition } from './custom.ts';

/** The built-in meshes: the one list of their names (a scenario may define more under `customMeshes`). */
export const meshes = { none, istio, 'istio-ambient': istioAmbient, appmesh, linkerd } as const satisfies Record<string, MeshAdapter>;

export type MeshName = keyof typeof meshes;
export const MESH_NAMES = Object.keys(meshes) as [MeshName, ...MeshName[]];

/** The mesh every other is measured against: overhead is mesh − baseline (DESIGN.md). */
export const BASELINE_MESH = 'none' satisfies MeshName;

export function isBuiltInMesh(name: string): name is MeshName {
  return Object.hasOwn(meshes, name);
}

/** The adapter of a mesh a scenario names: built in, or defined under `customMeshes`. */
export function meshAdapter(s: { customMeshes: Record<string, CustomMeshDefinition> }, name: string): MeshAdapter {
  if (isBuiltInMesh(name)) return meshes[name];
  const custom = s.customMeshes[name];
  if (!custom) throw new RangeError(`mesh "${name}" is neither built in nor defined in customMeshes`);
  return customMeshAdapter(name, custom);
}
