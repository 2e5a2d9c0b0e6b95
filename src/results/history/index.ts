/** `bench history` and the nightly step line: a scenario's runs as series, with change points. */
export { buildHistory, type History, type HistoryRun } from './history.ts';
export { parseSince, readRunFolder, selectRuns, type HistorySelection } from './load.ts';
export { HISTORY_METRICS, HISTORY_METRIC_NAMES, type HistoryMetric, type HistoryPoint, type HistorySeries } from './series.ts';
export type { ChangePoint } from './changes.ts';
export { EDIVISIVE_DEFAULTS, eDivisive, type EDivisiveOptions } from './edivisive.ts';
export { GATE_MARKS, gateMark, type GateMark } from './gate.ts';
export { describeStep, recentSteps, stepLinesForRun, RECENT_RUNS, type StepNote } from './notes.ts';
