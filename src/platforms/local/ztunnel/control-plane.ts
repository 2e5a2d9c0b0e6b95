/**
 * Where ztunnel's configuration and certificates come from. Locally: a generated XDS file and
 * ztunnel's built-in fake CA (FAKE_CA, from the `testing` feature: a leaf per SPIFFE identity,
 * signed by a static test root). A later istiod-backed source implements the same interface by
 * registering the model's workloads with istiod and returning XDS_ADDRESS/CA_ADDRESS instead.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeName } from '../netns/plan.ts';
import { localXdsYaml, type AmbientMeshModel } from './xds.ts';

export interface AmbientControlPlane {
  /** For the result's environment, e.g. "local XDS file, FAKE_CA". */
  readonly description: string;
  /** Makes the model known (writes files under `workDir`, or tells a real control plane). */
  configure(model: AmbientMeshModel, workDir: string): Promise<void>;
  /** Environment of the ztunnel on `node` that points it at this source; after configure(). */
  ztunnelEnv(node: NodeName): Record<string, string>;
}

export class LocalFileControlPlane implements AmbientControlPlane {
  readonly description = 'local XDS file, FAKE_CA';
  private xdsPath: string | undefined;
  private clusterId = '';

  async configure(model: AmbientMeshModel, workDir: string): Promise<void> {
    this.xdsPath = join(workDir, 'ztunnel-xds.yaml');
    this.clusterId = model.clusterId;
    await writeFile(this.xdsPath, localXdsYaml(model));
  }

  ztunnelEnv(node: NodeName): Record<string, string> {
    if (!this.xdsPath) throw new Error('LocalFileControlPlane.ztunnelEnv before configure()');
    // Empty XDS_ADDRESS/CA_ADDRESS: no istiod to dial; the local file and the fake CA stand in.
    return { FAKE_CA: 'true', XDS_ADDRESS: '', CA_ADDRESS: '', LOCAL_XDS_PATH: this.xdsPath, CLUSTER_ID: this.clusterId, NODE_NAME: node };
  }
}
