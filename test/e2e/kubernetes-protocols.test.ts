/**
 * Each protocol through `bench run` on the REAL nodes (scripts/k8s-tier.sh start --nodes real, then
 * scripts/istio/tier.sh up): h2c, gRPC and tcp, and the workload's own TLS (h2), with none and
 * istio-ambient, and h2 through Istio's sidecars too (its Service port says `appProtocol: https`,
 * so they pass the workload's TLS through, inside their mTLS, which their own stats must show). Fortio's server answers each on its own port behind the Service's port
 * (appProtocol per protocol), the engine Job speaks it, and every trial must be valid with every
 * request answered; h2's engine label says the loader negotiated TLS 1.3 with ALPN h2 against
 * Fortio's certificate (the run's CA, nothing else trusted), and the result says the mesh saw TLS
 * inside TCP. The tier is found as the other real-node tests find it (test/platforms/kubernetes/tier.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MeasuredTrial, RunResult } from '../../src/results/model.ts';
import { repoRoot } from '../helpers.ts';
import { ownedNamespaces } from '../platforms/kubernetes/cluster-fixtures.ts';
import { realTier } from '../platforms/kubernetes/tier.ts';
import { istioTier } from './istio-tier-helpers.ts';

const t = realTier();

// 16 s: the kubelets refresh their stats every 10-15 s, and a window needs two samples of each container.
const MESHES: Record<string, string[]> = { h2c: ['none', 'istio-ambient'], grpc: ['none', 'istio-ambient'], tcp: ['none', 'istio-ambient'], h2: ['none', 'istio', 'istio-ambient'] };

const scenario = (protocol: string) => `name: k8s ${protocol} real nodes
platform: kubernetes
meshes: [${MESHES[protocol]!.join(', ')}]
load:
  mode: rate
  rate: 100
  connections: 2
${protocol === 'tcp' || protocol === 'https' ? '' : '  streamsPerConnection: 2\n'}  warmup: 2s
  duration: 16s
  timeout: 1s
  # The two cores are shared with other work: a loader late by tens of ms is that, not the subject here.
  schedulerLagLimit: 1s
workload:
  protocol: ${protocol}
  payloadBytes: 128
kubernetes:
  images: {workload: ${t.workloadImage}, loader: ${t.loaderImage}}
  loaderStartLead: 10s
resources:
  sampleInterval: 500ms
repetitions: 1
`;

function bench(dir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/bench.js'), 'run', 's.yaml', '--output', 'out', '--kubeconfig', t.kubeconfig], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir, CI: 'true' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test.before(() => {
  const r = istioTier('up', t.kubeconfig);
  process.stdout.write(`\n  scripts/istio/tier.sh up: ${(r.ms / 1000).toFixed(1)} s\n`);
});

test.after(() => {
  istioTier('down', t.kubeconfig);
});

const LABEL: Record<string, RegExp> = {
  h2c: /\(h2c, 2 streams per connection, 1 worker/,
  grpc: /\(grpc, 2 streams per connection, 1 worker/,
  tcp: /\(tcp, 1 worker/,
  h2: /\(h2 \(TLSv1\.3, ALPN h2\), 2 streams per connection, 1 worker/,
};

for (const protocol of ['h2c', 'grpc', 'tcp', 'h2'] as const) {
  test(`${protocol} on the real nodes with ${MESHES[protocol]!.join(', ')}: every trial valid, every request answered in ${protocol}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), `meshbench-k8s-${protocol}-`));
    writeFileSync(join(dir, 's.yaml'), scenario(protocol));
    const cli = await bench(dir);
    assert.is(cli.code, 0, `${cli.stderr.split('\n').slice(-30).join('\n')}\n${cli.stdout}`);
    const [folder] = readdirSync(join(dir, 'out'));
    const result = JSON.parse(readFileSync(join(dir, 'out', folder!, 'result.json'), 'utf8')) as RunResult;
    assert.is(result.environment.protocol, protocol);
    assert.equal(result.trials.map((x) => `${x.trial.mesh}:${x.status}:${x.trial.protocol}`), MESHES[protocol]!.map((m) => `${m}:valid:${protocol}`), JSON.stringify(result.trials.map((x) => ('reasons' in x ? x.reasons : 'error' in x ? x.error : x.status))));
    for (const tr of result.trials as MeasuredTrial[]) {
      // 100 rps over 16 s, every one answered.
      assert.is(tr.load.requests, 1_600, `${tr.trial.mesh}: ${JSON.stringify(tr.load)}`);
      assert.is(tr.load.responses2xx, 1_600, `${tr.trial.mesh}: ${JSON.stringify(tr.load)}`);
      assert.match(tr.load.engine, LABEL[protocol]!);
      process.stdout.write(`  ${protocol} ${tr.trial.mesh}: p50 ${tr.latency.p50Us} µs, p99 ${tr.latency.p99Us} µs, ${tr.load.achievedRps.toFixed(1)} rps\n`);
    }
    const ambient = result.trials.find((x) => x.trial.mesh === 'istio-ambient') as MeasuredTrial;
    assert.is(ambient.resources.filter((r) => r.role === 'node-proxy').length, 2, 'the ztunnel of each node the trial used');
    if (protocol === 'h2') {
      assert.ok(result.environment.caveats.some((c) => c.includes('saw TLS inside TCP')), JSON.stringify(result.environment.caveats));
      // The sidecars' own stats: the workload's TLS went inside their mTLS (a handshake per load connection, and the loader's check).
      assert.match(result.environment.components['mutual TLS, istio c2-r100'] ?? '', /^\d+ inbound TLS handshakes with a client certificate at the workload's sidecar/, JSON.stringify(result.environment.components));
    }
    assert.equal(await ownedNamespaces(t.client, result.runId), []);
  });
}

test.run();
