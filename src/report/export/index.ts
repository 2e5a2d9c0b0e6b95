/**
 * `bench export RESULT --format fortio|smp`: a meshbench result in other tools' formats. Pure,
 * like the reporters: a result in, files (relative path and text) out; the CLI writes them.
 */
import type { RunResult } from '../../results/model.ts';
import type { ReportFile } from '../types.ts';
import { exportFortio, type FortioExportOptions } from './fortio.ts';
import { exportSmp } from './smp.ts';

export { exportFortio, type FortioExportOptions } from './fortio.ts';
export { exportSmp, smpDocuments, SMP_VERSION } from './smp.ts';

export const EXPORT_FORMATS = ['fortio', 'smp'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

interface Exporter {
  readonly description: string;
  render(result: RunResult, options: FortioExportOptions): ReportFile[];
}

export const exporters = {
  fortio: {
    description: 'Fortio JSON, one file per measured trial (fortio/MESH-LEVEL-repN.json), as `fortio load -json` writes it',
    render: (result, options) => exportFortio(result, options),
  },
  smp: {
    description: 'Service Mesh Performance documents (smp/*.json): a PerformanceTestResult per measured trial, with its test, mesh and environment configs',
    render: (result) => exportSmp(result),
  },
} as const satisfies Record<ExportFormat, Exporter>;

export function exportResult(result: RunResult, format: ExportFormat, options: FortioExportOptions = {}): ReportFile[] {
  return exporters[format].render(result, options);
}
