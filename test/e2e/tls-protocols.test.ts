/**
 * TLS to the workload (`https`, `h2`) end to end through `bench run` on the local platform (as root,
 * as CI runs; needs Envoy, HAProxy, openssl and ztunnel 1.30.3): none, istio (Envoy sidecars over
 * mTLS, whose TCP counters must show the load crossed them) and istio-ambient (the real ztunnels,
 * whose counters must show mTLS) in the netns layout, and the HAProxy sidecars on loopback. Each
 * trial valid and every request answered; the engine's label says what the loader's own handshake
 * negotiated (TLS 1.3, ALPN h2 for h2); the result says the meshes saw TLS inside TCP; nothing left.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ztunnelOrBuild } from '../platforms/local/ztunnel/ztunnel-helpers.ts';
import { assertNothingLeft, currentResult, exitWithin, resultFolders, startBench } from './fault-helpers.ts';
import { netnsLeft, netnsScenarioYaml } from './netns-helpers.ts';

const PROTOCOLS = ['https', 'h2'] as const;
const NEGOTIATED = { https: /\(https \(TLSv1\.3, ALPN http\/1\.1\), 1 worker/, h2: /\(h2 \(TLSv1\.3, ALPN h2\), 4 streams per connection, 1 worker/ };

function tlsYaml(protocol: (typeof PROTOCOLS)[number], meshes: string): string {
  const base = netnsScenarioYaml({ name: `tls-${protocol}`, meshes, duration: '1s' });
  const streams = protocol === 'h2' ? '  streamsPerConnection: 4\n' : '';
  return `${base.replace('  connections: 2\n', `  connections: 2\n${streams}`)}workload:\n  protocol: ${protocol}\n  payloadBytes: 256\n`;
}

for (const protocol of PROTOCOLS) {
  test(`${protocol}: none, istio and istio-ambient in the netns layout, every trial valid over the workload's TLS, the meshes' TLS-in-TCP said; nothing left`, async () => {
    await ztunnelOrBuild();
    const run = startBench(tlsYaml(protocol, '[none, istio, istio-ambient]'));
    const exit = await exitWithin(run, 120_000);
    assert.is(exit.code, 0, run.stderr());
    const result = currentResult(run)!;
    assert.is(result.environment.layout, 'netns');
    assert.is(result.environment.protocol, protocol);
    assert.ok(result.environment.caveats.some((c) => c.startsWith(`TLS to the workload (${protocol}:`) && c.includes('saw TLS inside TCP')), JSON.stringify(result.environment.caveats));
    assert.equal(
      result.trials.map((t) => `${t.trial.mesh}:${t.status}:${t.trial.protocol}`),
      ['none', 'istio', 'istio-ambient'].map((m) => `${m}:valid:${protocol}`),
      JSON.stringify(result.trials.map((t) => ('reasons' in t ? t.reasons : 'error' in t ? t.error : t.status))),
    );
    for (const t of result.trials) {
      assert.ok(t.status === 'valid');
      assert.is(t.load.requests, 200);
      assert.is(t.load.responses2xx, 200);
      assert.match(t.load.engine, NEGOTIATED[protocol]);
    }
    await assertNothingLeft(result.runId, resultFolders(run.outDir));
    assert.equal(netnsLeft(result.runId), [], 'namespaces, links or iptables rules of the run are left');
  });
}

test('https and h2 through the HAProxy sidecars (loopback, mTLS between them, the workload\'s TLS inside): every trial valid', async () => {
  for (const protocol of PROTOCOLS) {
    const yaml = tlsYaml(protocol, '[istio]').replace('  layout: netns', '  layout: loopback\n  sidecar: haproxy');
    const run = startBench(yaml);
    const exit = await exitWithin(run, 60_000);
    assert.is(exit.code, 0, `${protocol}: ${run.stderr()}`);
    const result = currentResult(run)!;
    assert.is(result.environment.components.sidecar, 'haproxy');
    assert.equal(result.trials.map((t) => `${t.status}:${t.trial.protocol}`), [`valid:${protocol}`], `${protocol}: ${JSON.stringify(result.trials.map((t) => ('reasons' in t ? t.reasons : 'error' in t ? t.error : t.status)))}`);
    const t = result.trials[0]!;
    assert.ok(t.status === 'valid');
    assert.match(t.load.engine, NEGOTIATED[protocol]);
    await assertNothingLeft(result.runId, resultFolders(run.outDir));
  }
});

test.run();
