/**
 * The images that really ran, for the result: each container's image as the pod asked for it and
 * the image ID the kubelet reports, which is the digest the runtime resolved (a registry's
 * `repo@sha256:...`, or the image's own `sha256:...` for one imported without a registry). A tag
 * can move; this says exactly what was measured.
 */
export interface PodImages {
  spec: { containers?: { name: string; image?: string }[]; initContainers?: { name: string; image?: string }[] };
  status?: { containerStatuses?: ImageStatus[]; initContainerStatuses?: ImageStatus[] };
}

interface ImageStatus {
  name: string;
  image?: string;
  imageID?: string;
}

/** `image ROLE/CONTAINER` → `IMAGE (IMAGE ID)`, for the run's components; a container not yet started has no ID and is left out. */
export function ranImages(role: string, pods: readonly PodImages[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pods) {
    const asked = new Map([...(p.spec.containers ?? []), ...(p.spec.initContainers ?? [])].map((c) => [c.name, c.image]));
    for (const s of [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])]) {
      if (!s.imageID) continue;
      out[`image ${role}/${s.name}`] = `${asked.get(s.name) ?? s.image ?? '?'} (${s.imageID})`;
    }
  }
  return out;
}
