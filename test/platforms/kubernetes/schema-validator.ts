/**
 * Validates rendered objects against the upstream schemas in ../shared/k8s-schemas: the
 * Kubernetes 1.35 OpenAPI v3 documents (core, apps, batch, rbac) and the CRDs (Istio 1.30, App
 * Mesh v1beta2, Gateway API v1.6). Every object schema that lists its properties is closed
 * (additionalProperties: false) unless it preserves unknown fields, so an unknown field fails,
 * as with `kubectl apply --validate=strict`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../../helpers.ts';

export const SCHEMAS = join(repoRoot, '..', 'shared', 'k8s-schemas');

type Json = Record<string, unknown>;

function closeObjects(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(closeObjects);
  if (!node || typeof node !== 'object') return;
  const o = node as Json;
  if (o.properties && o.additionalProperties === undefined && !o['x-kubernetes-preserve-unknown-fields']) o.additionalProperties = false;
  for (const v of Object.values(o)) closeObjects(v);
}

const gvk = (group: string, version: string, kind: string) => `${group ? `${group}/` : ''}${version}/${kind}`;

export class SchemaValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly byGvk = new Map<string, string>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    if (!existsSync(SCHEMAS)) {
      throw new Error(`the upstream schemas are not at ${SCHEMAS}: check out the shared folder beside this repository (../shared/k8s-schemas)`);
    }
    for (const file of readdirSync(join(SCHEMAS, 'openapi'))) {
      const doc = JSON.parse(readFileSync(join(SCHEMAS, 'openapi', file), 'utf8')) as { components: { schemas: Record<string, Json> } };
      closeObjects(doc.components.schemas);
      const id = `k8s:${file}`;
      this.ajv.addSchema({ $id: id, components: doc.components }, id);
      for (const [name, schema] of Object.entries(doc.components.schemas)) {
        for (const k of (schema['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined) ?? []) {
          this.byGvk.set(gvk(k.group, k.version, k.kind), `${id}#/components/schemas/${name}`);
        }
      }
    }
    const crdFiles = [
      join(SCHEMAS, 'crds', 'istio-1.30.3-crd-all.gen.yaml'),
      ...readdirSync(join(SCHEMAS, 'crds', 'appmesh-controller-bases')).map((f) => join(SCHEMAS, 'crds', 'appmesh-controller-bases', f)),
      ...readdirSync(join(SCHEMAS, 'crds', 'gateway-api-v1.6.1')).map((f) => join(SCHEMAS, 'crds', 'gateway-api-v1.6.1', f)),
    ];
    for (const file of crdFiles) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const crd = doc.toJS() as { kind?: string; spec?: { group: string; names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema: Json } }[] } } | null;
        if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
        for (const v of crd.spec.versions) {
          if (!v.schema) continue;
          // The API server implies these on every custom resource; some CRDs do not list them.
          const root = v.schema.openAPIV3Schema;
          root.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...(root.properties as Json | undefined) };
          closeObjects(root);
          const id = `crd:${gvk(crd.spec.group, v.name, crd.spec.names.kind)}`;
          this.ajv.addSchema({ $id: id, ...v.schema.openAPIV3Schema }, id);
          this.byGvk.set(gvk(crd.spec.group, v.name, crd.spec.names.kind), id);
        }
      }
    }
  }

  /** Problems with one object, empty when it is valid; an unknown kind is a problem too. */
  validate(object: { apiVersion?: string; kind?: string; [field: string]: unknown }): string[] {
    const [group, version] = object.apiVersion?.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion ?? ''];
    const key = gvk(group!, version!, object.kind ?? '');
    const ref = this.byGvk.get(key);
    if (!ref) return [`no upstream schema for ${key}`];
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.getSchema(ref) ?? this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    if (validate(object)) return [];
    return (validate.errors ?? []).map((e) => `${key}${e.instancePath || '/'}: ${e.message}${e.params && 'additionalProperty' in e.params ? ` "${String(e.params.additionalProperty)}"` : ''}`);
  }
}
