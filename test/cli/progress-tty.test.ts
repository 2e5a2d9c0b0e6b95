/**
 * The live progress line, seen as a person sees it: `bench run` under `script`, which gives it a
 * pseudo-terminal, against a real server on loopback. On the terminal the status line is redrawn in
 * place with a bar that fills and the window's rps and failed requests so far; with CI=true the
 * same run prints the timestamped lines of a log, with no live figures.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot, finishedRun } from '../helpers.ts';

const RATE = 300;
let server: Server;
let url = '';

test.before(async () => {
  server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

test.after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** `bench run` of the URL under a pseudo-terminal; what the terminal received. */
async function underPty(env: Record<string, string | undefined>): Promise<{ code: number | null; screen: string }> {
  const out = mkdtempSync(join(tmpdir(), 'meshbench-tty-'));
  const command = [process.execPath, 'bin/bench.js', 'run', '--url', url, '--rate', String(RATE), '--warmup', '1s', '--duration', '3s', '--reps', '1', '--output', out].map((a) => `'${a}'`).join(' ');
  // Async: the server answering the run lives in this process's event loop.
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: repoRoot, env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm', COLUMNS: '200', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let screen = '';
  child.stdout.on('data', (chunk: Buffer) => (screen += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (screen += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, screen };
}

test('on a terminal the status line is redrawn in place, its bar filling over the window', async () => {
  const { code, screen } = await underPty({});
  assert.ok(finishedRun(code ?? -1, screen), screen);
  const redraws = screen.split('\r\x1b[2K').slice(1).map((s) => s.split(/\r?\n/)[0]!).filter((s) => s.includes('trial 1/1 none'));
  const measuring = redraws.filter((s) => / measure /.test(s));
  assert.ok(measuring.length >= 4, `${measuring.length} redraws while measuring:\n${redraws.join('\n')}`);
  const filled = measuring.map((s) => (/\[(█*)░*\]/.exec(s)?.[1] ?? '').length);
  assert.ok(filled.at(-1)! > filled[0]!, `the bar did not fill: ${filled.join(', ')}`);
  assert.match(measuring.at(-1)!, /\d+(ms|s)\/3s · trial 1\/1 none c4-r300 rep 1 · \d+ rps · 0 failed so far · (about \d+s|under a second) left/, measuring.join('\n'));
  // The window's rate so far, as the engine counts it while the window runs: redrawn as it goes.
  const rates = measuring.flatMap((s) => /· (\d+) rps ·/.exec(s)?.[1] ?? []).map(Number);
  assert.ok(rates.length >= 3, `${rates.length} redraws with a live rps:\n${measuring.join('\n')}`);
  assert.ok(rates.at(-1)! > RATE / 2 && rates.at(-1)! < RATE * 1.5, `the last live rps ${rates.at(-1)} is not near the rate ${RATE}: ${rates.join(', ')}`);
  assert.not.ok(redraws.some((s) => / (deploy|warmup|drain|teardown) .* rps · /.test(s)), `a live figure outside the window:\n${redraws.join('\n')}`);
  assert.match(screen, /trial 1\/1 none c4-r300 rep 1: (valid|invalid): p50 /);
  assert.not.match(screen, /^\d\d:\d\d:\d\d trial/m, 'no log lines on a terminal');
});

test('with CI=true the same run prints plain timestamped lines and never redraws', async () => {
  const { code, screen } = await underPty({ CI: 'true' });
  assert.ok(finishedRun(code ?? -1, screen), screen);
  assert.not.ok(screen.includes('\x1b[2K'), 'a redraw in CI output');
  assert.match(screen, /^\d\d:\d\d:\d\d run started: 1 trials, about \d+s\r?$/m);
  assert.match(screen, /^\d\d:\d\d:\d\d trial 1\/1 none c4-r300 rep 1: measure\r?$/m);
  assert.match(screen, /^\d\d:\d\d:\d\d trial 1\/1 none c4-r300 rep 1: (valid|invalid): p50 \d/m);
  assert.not.match(screen, /failed so far|rps ·/, 'no live figures in a log');
});

test.run();
