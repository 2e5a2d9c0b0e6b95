/**
 * The in-cluster engine as the Job runs it: only the bundle, in an empty folder, run by plain
 * Node 24 against a loopback target; its result line decodes into a LoadOutcome, and the pods of
 * a distributed run merge exactly. Against a TLS workload it trusts the CA its settings carry
 * (nothing else), and a CA that did not sign the workload's certificate ends it (exit 3) with why.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleClusterEntry } from '../../src/load/bundle.ts';
import { decodeResultLine, mergeOutcomes } from '../../src/load/result-line.ts';
import { encodeHistogram } from '../../src/results/histogram.ts';
import { startHoldingTarget } from './holding-target.ts';
import { startWorkload } from '../../src/platforms/local/workload-process.ts';
import { createWorkloadCertificates } from '../../src/platforms/workload-tls.ts';
import { targetUrl } from '../../src/workload/protocol.ts';

const built = mkdtempSync(join(tmpdir(), 'meshbench-bundle-'));
const bundle = join(built, 'meshbench-loader.mjs');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Copies only the bundle into an empty folder and runs it there with these settings. */
function runBundle(settings: object, env: Record<string, string> = {}): Promise<Ran> {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-pod-'));
  copyFileSync(bundle, join(dir, 'loader.mjs'));
  writeFileSync(join(dir, 'load.json'), JSON.stringify(settings));
  const child = spawn(process.execPath, ['loader.mjs'], { cwd: dir, env: { PATH: process.env.PATH ?? '', MESHBENCH_LOAD_SETTINGS: join(dir, 'load.json'), ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test.before(async () => {
  await bundleClusterEntry(bundle);
  assert.equal(readdirSync(built), ['meshbench-loader.mjs'], 'one file');
});

test('the bundle alone runs an open loop and ends its stdout with one result line that decodes to a LoadOutcome', async () => {
  const target = await startHoldingTarget((n) => n % 50 !== 7);
  try {
    const r = await runBundle({ mode: 'rate', target: target.url.href, rateRps: 200, connections: 4, warmupMs: 100, durationMs: 1_000, timeoutMs: 300 });
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout.trim().split('\n').length, 1, 'stdout holds the result line only');
    assert.match(r.stderr, /measure at/);
    const { outcome, line } = decodeResultLine(r.stdout);
    assert.is(outcome.scheduledRequests, 200);
    assert.is(outcome.ok.totalCount + outcome.errorsByClass.timeout, 200);
    assert.ok(outcome.errorsByClass.timeout >= 3 && outcome.errorsByClass.timeout <= 5, JSON.stringify(outcome.errorsByClass));
    assert.is(outcome.error.totalCount, outcome.errorsByClass.timeout);
    assert.is(outcome.schedulerLag!.totalCount, 200);
    assert.is(outcome.uncorrected!.totalCount, outcome.ok.totalCount);
    assert.match(outcome.engine, /meshbench open loop .*pacing: /);
    assert.ok(line.window.endEpochMs - line.window.startEpochMs > 900, JSON.stringify(line.window));
    // The histograms survive the line bucket for bucket.
    assert.is(encodeHistogram(outcome.ok), line.histograms.ok);
  } finally {
    await target.close();
  }
});

test('three pods from one start time share the schedule; their outcomes merge exactly', async () => {
  const target = await startHoldingTarget(() => true);
  try {
    const startEpochMs = Date.now() + 1_500;
    const settings = { mode: 'rate', target: target.url.href, rateRps: 300, connections: 6, warmupMs: 100, durationMs: 500, timeoutMs: 1_000, startEpochMs, pods: 3 };
    const runs = await Promise.all([0, 1, 2].map((i) => runBundle(settings, { JOB_COMPLETION_INDEX: String(i) })));
    runs.forEach((r) => assert.is(r.code, 0, r.stderr));
    const parts = runs.map((r) => decodeResultLine(r.stdout));
    assert.equal(parts.map((p) => p.line.share.index), [0, 1, 2]);
    assert.equal(parts.map((p) => p.outcome.scheduledRequests), [50, 50, 50]);
    assert.equal(parts.map((p) => p.outcome.targetRps), [100, 100, 100]);
    const merged = mergeOutcomes(parts.map((p) => p.outcome));
    assert.is(merged.scheduledRequests, 150);
    assert.is(merged.targetRps, 300);
    assert.is(merged.ok.totalCount, 150);
    const added = parts[0]!.outcome.ok;
    added.add(parts[1]!.outcome.ok);
    added.add(parts[2]!.outcome.ok);
    assert.is(encodeHistogram(merged.ok), encodeHistogram(added));
  } finally {
    await target.close();
  }
});

test('a pod that starts after the common start fails (exit 3); bad settings exit 2 saying what is wrong', async () => {
  const late = await runBundle({ mode: 'rate', target: 'http://127.0.0.1:9/', rateRps: 10, connections: 1, warmupMs: 0, durationMs: 100, timeoutMs: 100, startEpochMs: Date.now() - 1_000 });
  assert.is(late.code, 3);
  assert.match(late.stderr, /pod 0 started \d+ ms too late/);
  assert.is(late.stdout, '');
  const bad = await runBundle({ mode: 'fast', target: 'ftp://x', connections: 0, warmupMs: 0, durationMs: 100, timeoutMs: 100 });
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /mode must be "rate", "max" or "bandwidth".*target must be a URL of one of http:\/\/, h2c:\/\/, grpc:\/\/, tcp:\/\/, https:\/\/, h2:\/\/.*connections must be a positive number/);
  const workers = await runBundle({ mode: 'rate', target: 'http://127.0.0.1:9/', rateRps: 10, connections: 2, warmupMs: 0, durationMs: 100, timeoutMs: 100, workers: 2 });
  assert.is(workers.code, 2);
  assert.match(workers.stderr, /the bundled loader runs one worker per pod: use more pods/);
});

test('the bundle alone runs mode bandwidth: its writer threads start from the one file, and the totals agree to the byte', async () => {
  const w = await startWorkload({ protocol: 'tcp', payloadBytes: 64, serviceDelayUs: 0, errorRate: 0 }, `bw-entry-${process.pid}`, 10_000, new AbortController().signal);
  try {
    const r = await runBundle({ mode: 'bandwidth', target: targetUrl('tcp', '127.0.0.1', w.port).href, messageBytes: 64, connections: 4, warmupMs: 100, durationMs: 500, timeoutMs: 2_000 });
    assert.is(r.code, 0, r.stderr);
    const b = decodeResultLine(r.stdout).outcome.bandwidth!;
    assert.is(b.connections, 4);
    assert.ok(b.sentBytes > 0 && b.receivedBytes! > 0, JSON.stringify(b));
    assert.is(b.totalReceivedBytes, b.totalSentBytes);
  } finally {
    await w.process.stop();
  }
});

test('a log that does not end with a result line of this version is refused, saying why', () => {
  assert.throws(() => decodeResultLine('meshbench load pod 0/1: measure at ...\nSegmentation fault\n'), /does not end with its result line \(last line: "Segmentation fault"\)/);
  assert.throws(() => decodeResultLine('{"kind":"something-else"}'), /is not a meshbench-load-result line/);
  assert.throws(() => decodeResultLine('{"kind":"meshbench-load-result","version":2}'), /version 2; this meshbench reads version 1/);
});

const ours = await createWorkloadCertificates(mkdtempSync(join(tmpdir(), 'tls-entry-')));
const theirs = await createWorkloadCertificates(mkdtempSync(join(tmpdir(), 'tls-entry-')));

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
