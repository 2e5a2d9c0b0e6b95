/**
 * Rules across fields, run once the schema has passed (changesets' rules.ts): one function each,
 * returning problems with the paths they concern, the first one present in the file locating it.
 */
import type { MeshbenchError } from '../errors.ts';
import { bandwidthIssues } from './bandwidth-rules.ts';
import { parseGate } from './gates.ts';
import { didYouMean } from './did-you-mean.ts';
import { BASELINE_MESH, MESH_NAMES } from '../meshes/index.ts';
import { parseDurationUs } from './duration.ts';
import { parseMemoryBytes } from './resolve.ts';
import type { ScenarioInput } from './schema.ts';

export interface RuleIssue {
  /** Candidate locations, most specific first; a defaulted key is not in the file. */
  paths: (string | number)[][];
  what: string;
  fix: string;
}

type Rule = (s: ScenarioInput) => RuleIssue | undefined;

const meshesOnce: Rule = ({ meshes = [] }) => {
  const index = meshes.findIndex((m, i) => meshes.indexOf(m) !== i);
  if (index < 0) return undefined;
  return { paths: [['meshes', index]], what: `mesh "${meshes[index]}" is listed twice`, fix: 'list each mesh once; use `repetitions` to run it more often' };
};

const streamsNeedHttp2: Rule = (s) =>
  s.load.streamsPerConnection > 1 && s.workload.protocol !== 'h2c' && s.workload.protocol !== 'h2' && s.workload.protocol !== 'grpc'
    ? { paths: [['load', 'streamsPerConnection'], ['workload', 'protocol']], what: `\`load.streamsPerConnection: ${s.load.streamsPerConnection}\` needs HTTP/2 streams; protocol \`${s.workload.protocol}\` has one request in flight per connection`, fix: 'set `workload.protocol: h2c`, `h2` or `grpc`, or raise `load.connections` instead' }
    : undefined;


const tcpHasNoStatus: Rule = (s) => {
  if (s.workload.protocol !== 'tcp') return undefined;
  if (s.workload.payloadBytes === 0) return { paths: [['workload', 'payloadBytes'], ['workload', 'protocol']], what: 'protocol `tcp` echoes requests of `payloadBytes`, so 0 bytes would be no request at all', fix: 'set `workload.payloadBytes` to 1 or more' };
  if (s.workload.errorRate > 0 || s.workload.faults.length > 0)
    return { paths: [['workload', s.workload.errorRate > 0 ? 'errorRate' : 'faults'], ['workload', 'protocol']], what: 'protocol `tcp` has no status to fail with: `errorRate` and `faults` apply to http1, h2c and grpc', fix: 'remove `workload.errorRate`/`workload.faults`, or use an HTTP or gRPC protocol' };
  return undefined;
};

const externalSpeaksHttp1: Rule = (s) =>
  s.platform === 'external' && s.workload.protocol !== 'http1'
    ? { paths: [['workload', 'protocol'], ['platform']], what: `platform \`external\` loads an http(s):// URL; protocol \`${s.workload.protocol}\` is served by the built-in workload only`, fix: 'remove `workload.protocol`, or use platform `local`' }
    : undefined;

const autocannonSpeaksHttp1: Rule = (s) =>
  s.load.engine === 'autocannon' && s.workload.protocol !== 'http1'
    ? { paths: [['load', 'engine'], ['workload', 'protocol']], what: `autocannon speaks HTTP/1.1 only, not \`${s.workload.protocol}\``, fix: 'use `load.engine: meshbench`' }
    : undefined;

const externalNeedsTarget: Rule = (s) =>
  s.platform === 'external' && s.target === undefined
    ? { paths: [['platform']], what: 'platform `external` needs a `target` URL to load', fix: 'add `target: http://127.0.0.1:8080/` (the service to load)' }
    : undefined;

const targetOnlyForExternal: Rule = (s) =>
  s.platform !== 'external' && s.target !== undefined
    ? { paths: [['target']], what: `\`target\` is only used with \`platform: external\`; platform \`${s.platform}\` deploys its own workload`, fix: 'remove `target`, or set `platform: external`' }
    : undefined;

const externalDeploysNoMesh: Rule = (s) =>
  s.platform === 'external' && s.meshes !== undefined && (s.meshes.length !== 1 || s.meshes[0] !== 'none')
    ? { paths: [['meshes']], what: 'platform `external` deploys nothing, so it cannot add a mesh', fix: 'remove `meshes` (or write `meshes: [none]`); run an external target once per mesh you installed' }
    : undefined;

const rateModeHasRates: Rule = (s) =>
  s.load.mode === 'rate' && s.load.rate === undefined
    ? { paths: [['load', 'mode']], what: 'mode `rate` needs `load.rate`', fix: 'add `rate: 1000` (requests per second) under `load`, or use `mode: max`' }
    : undefined;

const maxModeHasNoRates: Rule = (s) =>
  s.load.mode === 'max' && s.load.rate !== undefined
    ? { paths: [['load', 'rate']], what: '`rate` is only used with `mode: rate`', fix: 'remove `rate`, or set `mode: rate` to run at fixed rates' }
    : undefined;

const redlineModeHasObjective: Rule = (s) =>
  s.load.mode === 'redline' && s.load.redline === undefined
    ? { paths: [['load', 'mode']], what: 'mode `redline` needs `load.redline`: the objective and the search range', fix: 'add `redline: { p99: 50ms, errors: 0.1%, min: 50, max: 5000 }` under `load`' }
    : undefined;

const objectiveOnlyInRedline: Rule = (s) =>
  s.load.mode !== 'redline' && s.load.redline !== undefined
    ? { paths: [['load', 'redline']], what: '`redline` is only used with `mode: redline`', fix: 'remove `redline`, or set `mode: redline` to search for the highest rate that holds it' }
    : undefined;

const redlineFindsItsRates: Rule = (s) =>
  s.load.mode === 'redline' && s.load.rate !== undefined
    ? { paths: [['load', 'rate']], what: 'mode `redline` finds its own rates between `redline.min` and `redline.max`; `rate` is not used', fix: 'remove `rate`, or set `mode: rate` to run fixed rates' }
    : undefined;

const redlineOneLevel: Rule = (s) =>
  s.load.mode === 'redline' && Array.isArray(s.load.connections) && s.load.connections.length > 1
    ? { paths: [['load', 'connections']], what: 'mode `redline` searches one connection count; a list would make one search per value', fix: 'give one number, e.g. `connections: 16`, and a scenario per connection count' }
    : undefined;

const redlineRangeRises: Rule = (s) =>
  s.load.redline !== undefined && s.load.redline.min >= s.load.redline.max
    ? { paths: [['load', 'redline', 'max'], ['load', 'redline', 'min']], what: `redline.min (${s.load.redline.min}) must be below redline.max (${s.load.redline.max})`, fix: 'set min to a rate every mesh holds and max to one none should not reach' }
    : undefined;

const budgetCoversInjectedErrors: Rule = (s) =>
  s.load.errorBudget < s.workload.errorRate
    ? {
        paths: [['load', 'errorBudget'], ['workload', 'errorRate']],
        what: `load.errorBudget ${s.load.errorBudget} is below workload.errorRate ${s.workload.errorRate}: every trial would be invalid`,
        fix: `raise load.errorBudget to at least ${s.workload.errorRate}`,
      }
    : undefined;

const autocannonIsClosedLoop: Rule = (s) =>
  s.load.engine === 'autocannon' && s.load.mode !== 'max'
    ? { paths: [['load', 'engine']], what: 'autocannon has no fixed-rate mode: `engine: autocannon` needs `mode: max`', fix: 'remove `engine` (meshbench runs both modes), or set `mode: max`' }
    : undefined;

const podsNeedKubernetes: Rule = (s) =>
  s.load.pods > 1 && s.platform !== 'kubernetes'
    ? { paths: [['load', 'pods']], what: '`load.pods` makes an in-cluster Job of several load pods; only platform `kubernetes` runs one', fix: 'remove `load.pods` (use `workers` for more pacing threads), or set `platform: kubernetes`' }
    : undefined;

/** Each load pod needs a connection of its own. */
const everyPodHasAConnection: Rule = (s) => {
  const fewest = Math.min(...(Array.isArray(s.load.connections) ? s.load.connections : [s.load.connections]));
  return s.load.pods > fewest
    ? { paths: [['load', 'pods']], what: `\`load.pods\` is ${s.load.pods}, more than the fewest connections of a level (${fewest}): a pod would have none`, fix: `set \`load.pods\` to ${fewest} or less, or raise \`load.connections\`` }
    : undefined;
};

const workersNeedRateMode: Rule = (s) =>
  s.load.mode === 'max' && s.load.workers > 1
    ? { paths: [['load', 'workers']], what: '`workers` splits an open-loop rate; mode `max` does not use it', fix: 'remove `workers`, or set `mode: rate`' }
    : undefined;

const everyWorkerHasAConnection: Rule = (s) => {
  const fewest = Math.min(...[s.load.connections].flat());
  return s.load.workers > fewest
    ? { paths: [['load', 'workers']], what: `${s.load.workers} workers need at least ${s.load.workers} connections, but a level has ${fewest}`, fix: `use at most ${fewest} workers, or more connections` }
    : undefined;
};

/** Gate expressions are checked with the scenario, so a typo fails before a long run, not after. */
function gateIssues(s: ScenarioInput): RuleIssue[] {
  const meshes = s.meshes ?? [];
  return s.gates.flatMap((text, i) => {
    try {
      const gate = parseGate(text, `gates[${i}]`);
      // A mesh a gate names but the run lacks would leave the gate inconclusive for ever: say so now.
      const named = [gate.mesh, gate.kind === 'cross' ? gate.reference.mesh : null].filter((m): m is string => m !== null);
      const missing = s.meshes === undefined ? [] : named.filter((m) => !meshes.includes(m));
      if (gate.metric === 'redline' && s.load.mode !== 'redline') {
        return [{ paths: [['gates', i]], what: `gate "${text}" judges the redline, which only \`load.mode: redline\` measures`, fix: 'set `load.mode: redline` with its `redline` objective, or gate on p99, rps, ...' }];
      }
      return missing.map((m) => ({ paths: [['gates', i]], what: `gate "${text}" names mesh "${m}", which this scenario does not run`, fix: `add ${m} to \`meshes\`, or correct the gate (meshes: ${meshes.join(', ')})` }));
    } catch (e) {
      const error = e as MeshbenchError;
      return [{ paths: [['gates', i]], what: error.what, fix: error.fix ?? '' }];
    }
  });
}

/** Claimed ranges must be ranges, of meshes the scenario runs, other than the baseline. */
function expectationIssues(s: ScenarioInput): RuleIssue[] {
  return Object.entries(s.expectations).flatMap(([mesh, e]) => {
    const issues: RuleIssue[] = [];
    if (s.meshes !== undefined && !s.meshes.includes(mesh)) issues.push({ paths: [['expectations', mesh]], what: `expectations name mesh "${mesh}", which this scenario does not run`, fix: `add ${mesh} to \`meshes\`, or remove its expectations` });
    if (mesh === BASELINE_MESH) issues.push({ paths: [['expectations', mesh]], what: `"${mesh}" is the baseline: nothing is added over it`, fix: 'give expectations for the meshes measured against it' });
    const low = (v: [unknown, unknown] | undefined, parse: (x: never) => number) => (v ? parse(v[0] as never) > parse(v[1] as never) : false);
    for (const [key, parse] of [['p50Added', parseDurationUs], ['p99Added', parseDurationUs], ['sidecarMemory', parseMemoryBytes], ['sidecarCpu', Number]] as const) {
      if (low(e[key], parse as (x: never) => number)) issues.push({ paths: [['expectations', mesh, key]], what: `expectations.${mesh}.${key} runs from high to low`, fix: 'write [low, high]' });
    }
    return issues;
  });
}

const faultsNeedLocal: Rule = (s) =>
  s.workload.faults.length > 0 && s.platform !== 'local'
    ? { paths: [['workload', 'faults']], what: `\`workload.faults\` are injected by meshbench's own workload, which runs on platform \`local\` only (this scenario: \`${s.platform}\`)`, fix: 'remove `workload.faults`, or set `platform: local`' }
    : undefined;

const linkerdAlwaysMtls: Rule = (s) =>
  s.meshes?.includes('linkerd') && !s.kubernetes.mtls
    ? { paths: [['kubernetes', 'mtls'], ['meshes']], what: 'Linkerd always uses mutual TLS between meshed pods; `kubernetes.mtls: false` cannot apply to it', fix: 'set `kubernetes.mtls: true`, or compare Linkerd in a scenario of its own' }
    : undefined;

/** istio-ambient runs the real ztunnel, which needs pods as network namespaces: never on loopback. */
const ambientNeedsNetns: Rule = (s) => {
  const index = s.meshes?.indexOf('istio-ambient') ?? -1;
  return s.platform === 'local' && s.local.layout === 'loopback' && index >= 0
    ? { paths: [['local', 'layout'], ['meshes', index]], what: 'istio-ambient runs the real ztunnel on platform `local`, which needs pods as network namespaces, and `local.layout` is `loopback`', fix: 'set `local.layout: auto` (or `netns`) and run as root, or remove istio-ambient from `meshes`' }
    : undefined;
};

/**
 * A listed mesh is built in or defined under customMeshes; a typo gets a did-you-mean. It reads
 * the raw input too, so a misspelt mesh is reported with the schema's own problems.
 */
export function unknownMeshes(s: { meshes?: unknown; customMeshes?: unknown }): RuleIssue[] {
  const custom = s.customMeshes && typeof s.customMeshes === 'object' ? Object.keys(s.customMeshes) : [];
  const known = [...MESH_NAMES, ...custom];
  const listed = Array.isArray(s.meshes) ? s.meshes : [];
  return listed.flatMap((mesh, i) => {
    if (typeof mesh !== 'string' || known.includes(mesh)) return [];
    const guess = didYouMean(mesh, known);
    return [{ paths: [['meshes', i]], what: `unknown mesh "${mesh}": it is not built in (${MESH_NAMES.join(', ')}) and not defined under customMeshes`, fix: guess ? `did you mean "${guess}"?` : 'define it under `customMeshes`, or use a built-in mesh' }];
  });
}

const customNotBuiltIn = (s: ScenarioInput): RuleIssue[] =>
  Object.keys(s.customMeshes)
    .filter((name) => (MESH_NAMES as readonly string[]).includes(name))
    .map((name) => ({ paths: [['customMeshes', name]], what: `customMeshes.${name} has the name of a built-in mesh`, fix: 'give it a name of its own, e.g. `my-' + name + '`' }));

/** istiod drives Envoy through pilot-agent, in pod namespaces (its capture is istio-iptables'). */
const istiodNeedsEnvoyInNetns: Rule = (s) => {
  if (s.local.control !== 'istiod') return undefined;
  if (s.local.sidecar === 'haproxy') return { paths: [['local', 'control'], ['local', 'sidecar']], what: '`local.control: istiod` drives Envoy sidecars through pilot-agent, and `local.sidecar` is `haproxy`', fix: 'remove `sidecar: haproxy` (Envoy is the default), or set `control: static`' };
  if (s.local.layout === 'loopback') return { paths: [['local', 'control'], ['local', 'layout']], what: '`local.control: istiod` runs pilot-agent and its capture rules inside pod network namespaces, and `local.layout` is `loopback`', fix: 'set `local.layout: auto` (or `netns`) and run as root, or set `control: static`' };
  return undefined;
};

export const rules: readonly Rule[] = [linkerdAlwaysMtls, meshesOnce, externalNeedsTarget, targetOnlyForExternal, externalDeploysNoMesh, rateModeHasRates, maxModeHasNoRates, redlineModeHasObjective, objectiveOnlyInRedline, redlineFindsItsRates, redlineOneLevel, redlineRangeRises, autocannonIsClosedLoop, budgetCoversInjectedErrors, workersNeedRateMode, everyWorkerHasAConnection, podsNeedKubernetes, everyPodHasAConnection, faultsNeedLocal, ambientNeedsNetns, istiodNeedsEnvoyInNetns, streamsNeedHttp2, tcpHasNoStatus, externalSpeaksHttp1, autocannonSpeaksHttp1];

export function checkRules(s: ScenarioInput): RuleIssue[] {
  return [...unknownMeshes(s), ...customNotBuiltIn(s), ...rules.map((rule) => rule(s)).filter((i): i is RuleIssue => i !== undefined), ...gateIssues(s), ...expectationIssues(s), ...bandwidthIssues(s)];
}
