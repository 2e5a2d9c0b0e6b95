/**
 * Each protocol end to end through `bench run` on the local platform (as root, as CI runs; needs
 * Envoy, HAProxy, openssl and ztunnel 1.30.3): h2c, gRPC, tcp, and the workload's own TLS (https,
 * h2) for none, istio (Envoy sidecars over mTLS, whose own counters must show the load crossed
 * them) and istio-ambient (the real ztunnels, whose counters must show mTLS) in the netns layout,
 * and through the HAProxy sidecars on loopback. A few hundred requests each; every trial valid,
 * the protocol in each trial, the environment and the engine's label (for https and h2, what the
 * loader's own handshake negotiated: TLS 1.3 and the ALPN; and the caveat that the meshes saw TLS
 * inside TCP), and nothing left behind.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ztunnelOrBuild } from '../platforms/local/ztunnel/ztunnel-helpers.ts';
import { assertNothingLeft, currentResult, exitWithin, resultFolders, startBench } from './fault-helpers.ts';
import { netnsLeft, netnsScenarioYaml } from './netns-helpers.ts';

const PROTOCOLS = ['h2c', 'grpc', 'tcp', 'https', 'h2'] as const;
const STREAMS: readonly string[] = ['h2c', 'grpc', 'h2'];
/** What the engine's label says it spoke: for TLS, what its handshake negotiated. */
const LABEL: Record<(typeof PROTOCOLS)[number], RegExp> = {
  h2c: /\(h2c, 4 streams per connection,/,
  grpc: /\(grpc, 4 streams per connection,/,
  tcp: /\(tcp, 1 worker/,
  https: /\(https \(TLSv1\.3, ALPN http\/1\.1\), 1 worker/,
  h2: /\(h2 \(TLSv1\.3, ALPN h2\), 4 streams per connection,/,
};

/** The netns scenario with the protocol's workload (and 4 streams per connection where there are streams). */
function protocolYaml(protocol: (typeof PROTOCOLS)[number], meshes: string, extra: string[] = []): string {
  const base = netnsScenarioYaml({ name: `protocol-${protocol}`, meshes, duration: '1s' });
  const streams = STREAMS.includes(protocol) ? '  streamsPerConnection: 4\n' : '';
  return `${base.replace('  connections: 2\n', `  connections: 2\n${streams}`)}workload:\n  protocol: ${protocol}\n  payloadBytes: 256\n${extra.join('\n')}\n`;
}

for (const protocol of PROTOCOLS) {
  test(`${protocol}: none, istio and istio-ambient in the netns layout, every trial valid and measured in ${protocol}; nothing left`, async () => {
    await ztunnelOrBuild();
    const run = startBench(protocolYaml(protocol, '[none, istio, istio-ambient]'));
    const exit = await exitWithin(run, 120_000);
    assert.is(exit.code, 0, run.stderr());
    const result = currentResult(run)!;
    assert.is(result.environment.layout, 'netns');
    assert.is(result.environment.protocol, protocol);
    const tlsCaveat = result.environment.caveats.some((c) => c.startsWith(`TLS to the workload (${protocol}:`) && c.includes('saw TLS inside TCP'));
    assert.is(tlsCaveat, protocol === 'https' || protocol === 'h2', JSON.stringify(result.environment.caveats));
    assert.equal(
      result.trials.map((t) => `${t.trial.mesh}:${t.status}:${t.trial.protocol}`),
      ['none', 'istio', 'istio-ambient'].map((m) => `${m}:valid:${protocol}`),
      JSON.stringify(result.trials.map((t) => ('reasons' in t ? t.reasons : 'error' in t ? t.error : t.status))),
    );
    for (const t of result.trials) {
      assert.ok(t.status === 'valid');
      // 200 rps for 1 s: every request answered, in this protocol.
      assert.is(t.load.requests, 200);
      assert.is(t.load.responses2xx, 200);
      assert.match(t.load.engine, LABEL[protocol]);
    }
    const runId = result.runId;
    await assertNothingLeft(runId, resultFolders(run.outDir));
    assert.equal(netnsLeft(runId), [], 'namespaces, links or iptables rules of the run are left');
  });
}

test('h2c, gRPC, tcp, https and h2 through the HAProxy sidecars (loopback, mTLS between them): every trial valid', async () => {
  for (const protocol of PROTOCOLS) {
    const yaml = protocolYaml(protocol, '[istio]').replace('  layout: netns', '  layout: loopback\n  sidecar: haproxy');
    const run = startBench(yaml);
    const exit = await exitWithin(run, 60_000);
    assert.is(exit.code, 0, `${protocol}: ${run.stderr()}`);
    const result = currentResult(run)!;
    assert.is(result.environment.components.sidecar, 'haproxy');
    assert.equal(result.trials.map((t) => `${t.status}:${t.trial.protocol}`), [`valid:${protocol}`], `${protocol}: ${JSON.stringify(result.trials.map((t) => ('reasons' in t ? t.reasons : 'error' in t ? t.error : t.status)))}`);
    const t = result.trials[0]!;
    assert.ok(t.status === 'valid');
    assert.match(t.load.engine, LABEL[protocol]);
    await assertNothingLeft(result.runId, resultFolders(run.outDir));
  }
});

test.run();
