/** The scenario's `customMeshes`: a mesh meshbench does not know yet, defined in the scenario (Kubernetes only). */
import { z } from 'zod';
import { printable } from './schema-fields.ts';

/** Names a scenario may give its own meshes (they become namespace names and labels). */
export const CUSTOM_MESH_NAME = /^[a-z][a-z0-9-]{0,30}$/;

const stringMap = (description: string) => z.record(z.string(), z.string()).default({}).meta({ description });

/** An object for Kubernetes; its kind's own schema is checked where meshbench knows it. */
const manifest = z.looseObject({ apiVersion: z.string().min(1), kind: z.string().min(1), metadata: z.looseObject({ name: z.string().min(1) }) });

export const CustomMeshSchema = z
  .strictObject({
    displayName: printable(z.string().max(200)).optional(),
    namespaceLabels: stringMap('Labels on the trial namespace (e.g. an injection label).'),
    namespaceAnnotations: stringMap('Annotations on the trial namespace.'),
    podLabels: stringMap('Labels on the pods that carry the mesh proxy.'),
    podAnnotations: stringMap('Annotations on the pods that carry the mesh proxy.'),
    optOut: z
      .strictObject({ labels: stringMap('Labels on pods the placement keeps out of the mesh.'), annotations: stringMap('Annotations on pods kept out of the mesh.') })
      .default({ labels: {}, annotations: {} }),
    dataPlaneContainers: z.array(z.string().min(1)).min(1).meta({ description: 'Names of the proxy containers the mesh injects (looked for in containers and initContainers).' }),
    manifests: z.array(manifest).default([]).meta({ description: 'Extra namespaced objects, put in the trial namespace.' }),
    clusterManifests: z.array(manifest).default([]).meta({ description: 'Extra cluster-scoped objects, applied before the namespace.' }),
    jobTermination: z
      .union([z.strictObject({ method: z.literal('none') }), z.strictObject({ method: z.literal('http-post'), url: z.url() })])
      .default({ method: 'none' })
      .meta({ description: 'How a meshed load-generator pod ends: nothing to do, or a POST to the proxy (e.g. its quit endpoint).' }),
    preflight: z
      .array(
        z.discriminatedUnion('kind', [
          z.strictObject({
            kind: z.literal('workload'),
            component: z.string().min(1).meta({ description: 'Its name in messages and in the run\'s environment, e.g. `kuma-control-plane`.' }),
            workloadKind: z.enum(['Deployment', 'DaemonSet']),
            namespace: z.string().min(1).meta({ description: 'Where it usually runs, for the message; every namespace is searched.' }),
            selector: z.record(z.string(), z.string()).meta({ description: 'Its labels.' }),
            versionContainer: z.string().optional().meta({ description: 'The container whose image tag is its version (default: the first).' }),
            fix: z.string().min(1).meta({ description: 'How to install it, said when it is missing.' }),
          }),
          z.strictObject({
            kind: z.literal('injector'),
            component: z.string().min(1),
            configSelector: z.string().optional().meta({ description: 'Label selector of its MutatingWebhookConfiguration.' }),
            webhookSuffix: z.string().optional().meta({ description: 'Names of its webhooks that inject pods end with this.' }),
            fix: z.string().min(1),
          }),
        ]),
      )
      .default([])
      .meta({ description: 'What must be installed before a trial means anything: controllers (ready, versions read from image tags) and an injector that selects the trial\'s namespace and pods. Checked before anything is created.' }),
  })
  .meta({ description: 'A mesh meshbench does not know yet, defined here so it can be benchmarked (Kubernetes only).' });
