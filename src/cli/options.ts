/** Option groups shared by several commands, so a flag means the same thing everywhere. */
import type { OptionSpec } from './command.ts';

export const COMPARE_OPTIONS: readonly OptionSpec[] = [
  { name: 'gate', type: 'string', multiple: true, value: 'EXPR', description: 'a gate, e.g. "p99 < +10%", "istio:p50 < +0.2ms", "rps > -5%" (default: the scenario\'s gates, else p50 < +10%, p99 < +10%, rps > -5%)' },
  { name: 'inconclusive', type: 'string', value: 'pass|fail', description: 'the exit code of an inconclusive verdict (pass: 0); it is shown as inconclusive either way, never as a pass' },
  { name: 'confidence', type: 'string', value: 'LEVEL', description: 'the level a firm verdict needs, 0.5 to 0.999 (0.95): 6 pairs reach 95 %, 5 reach 90 %' },
  { name: 'allow-env-diff', type: 'boolean', description: 'compare with a baseline from another platform, layout or machine (the report lists what differs)' },
  { name: 'allow-scenario-diff', type: 'boolean', description: 'compare with a baseline of another scenario (the report lists what differs)' },
  { name: 'force', type: 'boolean', description: 'replaced by --allow-env-diff and --allow-scenario-diff (an error that says so)' },
  { name: 'reference-mesh', type: 'string', value: 'NAME', description: "the mesh another tool's raw output given as the baseline measured (default: the one mesh the cross-mesh gates name)" },
  { name: 'level', type: 'string', value: 'cN-rR', description: "the load level of another tool's raw output given as the baseline, when its format does not record it" },
  { name: 'baseline-runs', type: 'string', value: 'N', description: 'runs of a baseline folder to use, newest first (5)' },
  { name: 'markdown', type: 'string', value: 'FILE', description: 'also write the comparison as Markdown' },
  { name: 'junit', type: 'string', value: 'FILE', description: 'also write the comparison as JUnit XML' },
];

export const COST_OPTIONS: readonly OptionSpec[] = [
  { name: 'pods', type: 'string', value: 'N', description: 'meshed pods the cost estimate is for (100)' },
  { name: 'usd-per-vcpu-hour', type: 'string', value: 'X', description: 'price of a vCPU-hour (AWS Fargate on-demand, us-east-1)' },
  { name: 'usd-per-gib-hour', type: 'string', value: 'Y', description: 'price of a GiB-hour (AWS Fargate on-demand, us-east-1)' },
];

/** "Where files go": one name in every command that writes files. */
export const OUTPUT_OPTION = (description: string, aliases?: readonly string[]): OptionSpec => ({ name: 'output', type: 'string', value: 'DIR', description, ...(aliases ? { aliases } : {}) });

/** Which cluster (platform `kubernetes`), as kubectl picks it: docs/kubernetes.md "Which cluster". */
export const KUBE_OPTIONS: readonly OptionSpec[] = [
  { name: 'kubeconfig', type: 'string', value: 'FILE', description: 'Kubernetes: this kubeconfig file alone (default: every file of KUBECONFIG, else ~/.kube/config, else the pod\'s service account)' },
  { name: 'context', type: 'string', value: 'NAME', description: 'Kubernetes: this context of the kubeconfig instead of its current one' },
];

/** Machine output: one JSON document on stdout (docs/json-output.md); people's text goes to stderr. */
export const JSON_OPTION: OptionSpec = { name: 'json', type: 'boolean', description: 'print one JSON document on stdout and nothing else there (shapes: docs/json-output.md); the text goes to stderr' };
