export type { Collector, CollectorWindow, ResourceUsage } from './types.ts';
export { ProcfsCollector } from './procfs.ts';
