/** Waiting inside a namespace: answers when the server does, fails fast when its process dies. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inNetns } from '../../../../src/platforms/local/netns/exec.ts';
import { waitForHttpInNetns } from '../../../../src/platforms/local/netns/ready.ts';
import { NetnsTopology } from '../../../../src/platforms/local/netns/topology.ts';
import { startProcess } from '../../../../src/platforms/local/processes.ts';

const runId = `ready-test-${process.pid}`;

test('resolves once a server inside the pod answers 200; a process that exits first is named with its output', async () => {
  const t = await NetnsTopology.create({ runId });
  const netns = t.plan.pods.workload.netns;
  try {
    const server = startProcess({ name: 'server', ...inNetns(netns, process.execPath, ['-e', "require('http').createServer((q, r) => r.end('ok')).listen(8080, '127.0.0.1')"]) });
    await waitForHttpInNetns(netns, 'http://127.0.0.1:8080/', { timeoutMs: 10_000, signal: new AbortController().signal, process: server });
    await server.stop();
    const failing = startProcess({ name: 'failing', ...inNetns(netns, process.execPath, ['-e', "console.error('port taken'); process.exit(3)"]) });
    const error = await waitForHttpInNetns(netns, 'http://127.0.0.1:8080/', { timeoutMs: 10_000, signal: new AbortController().signal, process: failing }).then(() => null, (e: unknown) => e);
    assert.match(String(error), /failing exited \(3\) before http:\/\/127\.0\.0\.1:8080\/ answered: port taken/);
  } finally {
    await t.teardown();
  }
});

test.after(async () => {
  await NetnsTopology.sweep(runId);
});

test.run();
