/**
 * The loader bundle, as a pod or the local platform's loader process runs it, against a TLS
 * workload: it trusts the CA its settings carry (nothing else), reports what it negotiated, and
 * a CA that did not sign the workload's certificate ends it (exit 3) with why on stderr.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleClusterEntry } from '../../src/load/bundle.ts';
import { decodeResultLine } from '../../src/load/result-line.ts';
import { createWorkloadCertificates } from '../../src/platforms/workload-tls.ts';
import { startWorkload } from '../../src/platforms/local/workload-process.ts';
import { targetUrl } from '../../src/workload/protocol.ts';

const built = mkdtempSync(join(tmpdir(), 'meshbench-bundle-'));
const bundle = join(built, 'meshbench-loader.mjs');
const ours = await createWorkloadCertificates(mkdtempSync(join(tmpdir(), 'tls-entry-')));
const theirs = await createWorkloadCertificates(mkdtempSync(join(tmpdir(), 'tls-entry-')));

function runBundle(settings: object): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-pod-'));
  copyFileSync(bundle, join(dir, 'loader.mjs'));
  writeFileSync(join(dir, 'load.json'), JSON.stringify(settings));
  const child = spawn(process.execPath, ['loader.mjs'], { cwd: dir, env: { PATH: process.env.PATH ?? '', MESHBENCH_LOAD_SETTINGS: join(dir, 'load.json') } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test.before(async () => {
  await bundleClusterEntry(bundle);
});

test('h2 over the workload\'s TLS: the bundle trusts the CA in its settings, and a CA that did not sign the workload ends it with why', async () => {
  const w = await startWorkload({ protocol: 'h2', payloadBytes: 128, serviceDelayUs: 0, errorRate: 0 }, `tls-entry-${process.pid}`, 10_000, new AbortController().signal, undefined, ours);
  try {
    const base = { mode: 'rate', target: targetUrl('h2', '127.0.0.1', w.port).href, rateRps: 200, connections: 2, streamsPerConnection: 2, warmupMs: 100, durationMs: 500, timeoutMs: 2_000 };
    const good = await runBundle({ ...base, trust: ours.trust });
    assert.is(good.code, 0, good.stderr);
    const { outcome } = decodeResultLine(good.stdout);
    assert.is(outcome.ok.totalCount, 100);
    assert.match(outcome.engine, /\(h2 \(TLSv1\.3, ALPN h2\), 2 streams per connection,/);

    const wrong = await runBundle({ ...base, trust: theirs.trust });
    assert.is(wrong.code, 3, wrong.stderr);
    assert.is(wrong.stdout, '', 'no result line');
    assert.match(wrong.stderr, /meshbench load failed: the workload's TLS certificate is not trusted by the loader: unable to verify the first certificate \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\); the loader trusts only the CA that the run generated/);

    // No trust at all: the system's CAs, which do not hold the run's CA either.
    const none = await runBundle(base);
    assert.is(none.code, 3, none.stderr);
    assert.match(none.stderr, /not trusted by the loader/);

    const bad = await runBundle({ ...base, trust: { caPem: 'not a certificate', serverName: '' } });
    assert.is(bad.code, 2);
    assert.match(bad.stderr, /trust must be \{ "caPem": "-----BEGIN CERTIFICATE-----\.\.\.", "serverName": "\.\.\." \}/);
  } finally {
    await w.process.stop();
  }
});

test.run();
