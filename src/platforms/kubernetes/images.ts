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

/**
 * A registry image's digest reference from the image ID a kubelet reports for it
 * (`docker.io/fortio/fortio@sha256:...`), or null: the image was asked for by digest already, or
 * it was imported without a registry (its ID is a bare `sha256:...`, which no node could pull).
 */
export function digestOf(asked: string, imageID: string | undefined): string | null {
  if (!imageID || /@sha256:[0-9a-f]{64}$/.test(asked)) return null;
  const ref = /^(?:[a-z-]+:\/\/)?([^@\s:]+(?::\d+)?(?:\/[^@\s]+)?@sha256:[0-9a-f]{64})$/.exec(imageID)?.[1];
  // The runtime reports one repository digest per image, whichever name pulled it: the same image
  // pulled from another repository (or imported, then pulled elsewhere) has that one's digest,
  // which this name's tag may not resolve to. Only a digest of the very repository asked pins it.
  return ref && repositoryOf(ref) === repositoryOf(asked) ? ref : null;
}

/** An image reference's repository as a runtime spells it: `nginx:1` → `docker.io/library/nginx`. */
export function repositoryOf(ref: string): string {
  const name = ref.replace(/@.*$/, '').replace(/:[^:/]+$/, '');
  const [first, ...rest] = name.split('/');
  const hasDomain = rest.length > 0 && (first!.includes('.') || first!.includes(':') || first === 'localhost');
  if (hasDomain) return name;
  return `docker.io/${rest.length === 0 ? `library/${first}` : name}`;
}

/**
 * Images named by tag are pinned, after the first trial that ran them, to the digest its node
 * pulled: a tag can move during a run (or differ between nodes' caches), a digest cannot, so every
 * later trial runs exactly what the first did. The result says each pin.
 */
export class ImagePins {
  private readonly pins = new Map<string, { ref: string; trial: number }>();

  /** What the named containers of the pods ran (meshbench's own, not what an injector added), learnt once per image. */
  learn(pods: readonly PodImages[], containers: readonly string[], trial: number): void {
    for (const p of pods) {
      const asked = new Map([...(p.spec.containers ?? []), ...(p.spec.initContainers ?? [])].map((c) => [c.name, c.image]));
      for (const s of [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])]) {
        const image = containers.includes(s.name) ? asked.get(s.name) : undefined;
        const ref = image ? digestOf(image, s.imageID) : null;
        if (image && ref && !this.pins.has(image)) this.pins.set(image, { ref, trial });
      }
    }
  }

  /** The reference to deploy: the digest once pinned, else the image as named. */
  of(image: string): string {
    return this.pins.get(image)?.ref ?? image;
  }

  components(): Record<string, string> {
    return Object.fromEntries([...this.pins].map(([image, p]) => [`image pin ${image}`, `${p.ref} (pulled in trial ${p.trial}; every later trial ran this digest)`]));
  }
}
