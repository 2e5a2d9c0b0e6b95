/**
 * A consistent reading of a process tree while it changes (issue 24, item 18): the netns loader's
 * node process, reaped by its holder shell just as the window ends, must not vanish from the
 * loader's CPU. The reap is placed exactly between the collector's read of the holder's stat and
 * its listing of the holder's children, where it really happens (a reading straddles it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProcfsCollector } from '../../src/collectors/procfs.ts';
import { FakeProc } from './fake-proc.ts';

const HOLDER = 4300;
const LOADER = 4301;

test('a child reaped in the middle of the last reading is counted once, in its parent\'s reaped time: the loader\'s CPU is not negative', async () => {
  const proc = new FakeProc();
  try {
    // The holder shell used 15 ticks; its child, the loader, 500 (startup and warmup).
    proc.set(HOLDER, { ppid: 1, utime: 10, stime: 5, children: [LOADER] });
    proc.set(LOADER, { ppid: HOLDER, utime: 400, stime: 100 });
    const window = await new ProcfsCollector({ intervalMs: 60_000, procRoot: proc.root }).begin([{ kind: 'process', pod: 'loadgen', container: 'loadgen', role: 'loadgen', pid: HOLDER }]);
    const children = proc.gate(HOLDER, `task/${HOLDER}/children`);
    const ended = window.end();
    // The last reading has read the holder's stat and waits on its children list. Meanwhile the
    // loader uses 5 more ticks, exits, and the holder reaps it: 505 ticks move into its cutime.
    await children.reached;
    proc.stat(HOLDER, { ppid: 1, utime: 10, stime: 5, cutime: 505 });
    proc.remove(LOADER);
    await children.release('');
    const [usage] = await ended;
    const seconds = usage!.windowMs / 1_000;
    assert.ok(usage!.cpuCores >= 0, `loadgen ${usage!.cpuCores} cores`);
    // 5 ticks at USER_HZ 100 over the window.
    assert.ok(Math.abs(usage!.cpuCores - 0.05 / seconds) < 1e-9, `loadgen ${usage!.cpuCores} cores over ${seconds} s, expected ${0.05 / seconds}`);
  } finally {
    proc.cleanup();
  }
});

test('a child listed, then reaped before its own stat is read, is not lost either', async () => {
  const proc = new FakeProc();
  try {
    proc.set(HOLDER, { ppid: 1, utime: 10, children: [LOADER] });
    proc.set(LOADER, { ppid: HOLDER, utime: 500 });
    const window = await new ProcfsCollector({ intervalMs: 60_000, procRoot: proc.root }).begin([{ kind: 'process', pod: 'loadgen', container: 'loadgen', role: 'loadgen', pid: HOLDER }]);
    const loaderStat = proc.gate(LOADER, 'stat');
    const ended = window.end();
    await loaderStat.reached;
    // Listed as a child; its stat read waits. It exits and is reaped: the read gets nothing.
    proc.set(HOLDER, { ppid: 1, utime: 10, cutime: 503, children: [] });
    await loaderStat.release('');
    proc.remove(LOADER);
    const [usage] = await ended;
    assert.ok(Math.abs(usage!.cpuCores - 0.03 / (usage!.windowMs / 1_000)) < 1e-9, `loadgen ${usage!.cpuCores} cores over ${usage!.windowMs} ms`);
  } finally {
    proc.cleanup();
  }
});

test('a child forked by another thread of its parent (a Go program: pilot-agent and its Envoy) is in the container', async () => {
  const AGENT = 5100;
  const ENVOY = 5200;
  const proc = new FakeProc();
  try {
    proc.set(AGENT, { ppid: 1, utime: 10, rssKiB: 40_000 });
    proc.set(ENVOY, { ppid: AGENT, utime: 100, rssKiB: 70_000 });
    // The kernel lists a child under the thread that forked it: here thread 5107, not the main one.
    mkdirSync(join(proc.root, String(AGENT), 'task', '5107'), { recursive: true });
    writeFileSync(join(proc.root, String(AGENT), 'task', '5107', 'children'), `${ENVOY} `);
    const window = await new ProcfsCollector({ intervalMs: 60_000, procRoot: proc.root }).begin([{ kind: 'process', pod: 'workload', container: 'istio-proxy', role: 'sidecar', pid: AGENT }]);
    // Envoy uses 2 ticks in the window (long enough for the collector's plausibility check).
    await new Promise((resolve) => setTimeout(resolve, 300));
    proc.stat(ENVOY, { ppid: AGENT, utime: 102 });
    const [usage] = await window.end();
    assert.is(usage!.memoryBytesMax, (40_000 + 70_000) * 1024);
    assert.ok(Math.abs(usage!.cpuCores - 0.02 / (usage!.windowMs / 1_000)) < 1e-9, `${usage!.cpuCores} cores over ${usage!.windowMs} ms`);
  } finally {
    proc.cleanup();
  }
});

test.run();
