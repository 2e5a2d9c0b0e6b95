/**
 * Fault matrix: no loopback port to be had. The real `bench` runs in a network namespace of its
 * own (`unshare -n`, so the machine's ports are untouched) whose local port range is two ports,
 * both held by a listener before meshbench starts.
 */
import { existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { processesWith } from '../helpers.ts';
import { exitWithin, report, scenarioYaml, startBench } from './fault-helpers.ts';

/** Holds both ports of the range, then runs the command it is given and exits with its code. */
const HOLD_PORTS = `
const net = require('node:net');
const { spawnSync } = require('node:child_process');
const ports = [40000, 40001];
Promise.all(ports.map((p) => new Promise((resolve, reject) => net.createServer().once('error', reject).listen(p, '127.0.0.1', resolve)))).then(() => {
  const r = spawnSync(process.argv[1], process.argv.slice(2), { stdio: 'inherit' });
  process.exit(r.status ?? 1);
});`;

test('the local port range is used up: one clear error before anything starts, exit 2, no retries', async () => {
  const setup = 'ip link set lo up && sysctl -qw net.ipv4.ip_local_port_range="40000 40001" && exec "$@"';
  const run = startBench(scenarioYaml({ name: 'no ports', meshes: '[none, istio]' }), {
    wrap: ['unshare', '--net', 'sh', '-c', setup, 'sh', process.execPath, '-e', HOLD_PORTS],
  });
  const exit = await exitWithin(run, 15_000);
  report('loopback port range used up (refused before any load)', exit.ms, exit.code);
  assert.is(exit.code, 2, `stderr: ${run.stderr()}`);
  assert.match(run.stderr(), /no free TCP port on 127\.0\.0\.1 \(EADDRINUSE\): the local port range 40000-40001 is used up/);
  assert.match(run.stderr(), /hint: stop what holds the ports/);
  // Nothing ran: no results folder, no process left.
  assert.not.ok(existsSync(run.outDir), 'a results folder was made for a run that could not start');
  assert.equal(processesWith(run.dir), []);
});

test.run();
