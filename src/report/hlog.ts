/**
 * HdrHistogram interval logs (.hlog), one per mesh and level, one interval per valid trial
 * (tagged trial-N): the format HistogramLogProcessor, HdrHistogramVisualizer and the libraries read.
 */
import { HistogramLogWriter } from 'hdr-histogram-js';
import { decodeHistogram } from '../results/histogram.ts';
import { validTrials, type RunResult } from '../results/model.ts';
import type { ReportFile } from './types.ts';

export function hlogFileName(mesh: string, level: string): string {
  return `histograms/${mesh}-${level}.hlog`;
}

export function renderHlogs(result: RunResult): ReportFile[] {
  // Mode bandwidth records no latency: an empty log would read as a measured one.
  if (result.scenario.load.mode === 'bandwidth') return [];
  const base = Date.parse(result.startedAt);
  const files: ReportFile[] = [];
  for (const level of result.levels) {
    for (const mesh of result.scenario.meshes) {
      let content = '';
      const writer = new HistogramLogWriter((text) => (content += text));
      writer.outputLogFormatVersion();
      writer.outputComment(`meshbench ${result.meshbenchVersion} run ${result.runId}: ${mesh} at ${level.id}; 2xx latency in µs (max column in ms)`);
      writer.outputStartTime(base);
      writer.baseTime = base;
      writer.outputLegend();
      for (const t of validTrials(result, mesh, level.id)) {
        const h = decodeHistogram(t.histograms.latencyUs);
        h.tag = `trial-${t.trial.index + 1}`;
        // The interval is the measured window, after deploy and warmup; older files only know the trial start.
        const startSec = (Date.parse(t.windowStartedAt ?? t.startedAt) - base) / 1000;
        writer.outputIntervalHistogram(h, startSec, startSec + t.load.durationMs / 1000, 1000);
      }
      files.push({ path: hlogFileName(mesh, level.id), content });
    }
  }
  return files;
}
