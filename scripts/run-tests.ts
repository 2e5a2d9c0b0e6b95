/**
 * `npm test`: runs every test/**\/*.test.ts with uvu, then prints the closing line CI reads,
 * `N passed, N failed`. Arguments narrow the files: `npm test -- scenario` runs test/ files whose
 * path matches "scenario".
 *
 * uvu runs all files in one process, and a file that ends that process (an `after` hook that
 * throws inside uvu's `finally`, an unhandled rejection, a test that exits) stops the rest: uvu
 * prints "Exiting early before testing is finished." and no totals. So when a process ends before
 * uvu's totals, the file it was in is counted as failed and the files after it run in a new
 * process: every file runs and is counted whatever another did.
 * MESHBENCH_TEST_DIR names another folder of tests (the runner's own test uses it).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'uvu/parse';

const repo = fileURLToPath(new URL('..', import.meta.url));
const filter = process.argv[2] ?? '';
const pattern = `${filter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*\\.test\\.ts$`;

// One temp folder for the whole run, removed at its end: tests make hundreds of folders (runs'
// outputs, bundles, simulated pods) and do not each remove theirs. Writable by all, as /tmp is:
// some steps run as nobody.
const testTmp = mkdtempSync(join(tmpdir(), 'meshbench-tests-'));
chmodSync(testTmp, 0o1777);
const removeTestTmp = () => rmSync(testTmp, { recursive: true, force: true, maxRetries: 3 });
process.on('exit', removeTestTmp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

interface Suite {
  name: string;
  file: string;
}
const { suites } = (await parse(process.env.MESHBENCH_TEST_DIR ?? join(repo, 'test'), pattern, { cwd: repo })) as { suites: Suite[] };
if (suites.length === 0) {
  process.stdout.write(`\n0 passed, 1 failed\n(no test file matched "${filter}")\n`);
  process.exit(1);
}

/** uvu's own runner over the given files, in a process of their own; stdout is passed through and kept. */
function runFiles(files: Suite[]): Promise<{ code: number; output: string }> {
  const script = "import { run } from 'uvu/run'; await run(JSON.parse(process.env.MESHBENCH_TEST_SUITES), {});";
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NO_COLOR: '1', TMPDIR: testTmp, MESHBENCH_TEST_SUITES: JSON.stringify(files) },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    output += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (c, signal) => resolve({ code: c ?? (signal ? 1 : 0), output: output.replace(/\x1b\[[0-9;]*m/g, '') })));
}

const count = (text: string, label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(text)?.[1] ?? NaN);
let total = 0;
let passed = 0;
let skipped = 0;
let worst = 0;
const broken: string[] = [];
let left = suites;
while (left.length > 0) {
  const { code, output } = await runFiles(left);
  worst = Math.max(worst, code);
  const t = count(output, 'Total');
  if (!Number.isNaN(t)) {
    total += t;
    passed += count(output, 'Passed');
    skipped += count(output, 'Skipped') || 0;
    break;
  }
  // uvu names each file as it starts it; the last one named is where the process ended.
  const started = left.filter((s) => output.includes(`${s.name}\n`));
  const last = started.at(-1);
  for (const m of output.matchAll(/\((\d+) \/ (\d+)\)/g)) {
    passed += Number(m[1]);
    total += Number(m[2]);
  }
  const at = last ? left.indexOf(last) : 0;
  const culprit = left[at]!;
  broken.push(`${culprit.name} (exit code ${code})`);
  // The file that ended the process counts as one failed test, on top of what it printed.
  total += 1;
  worst = Math.max(worst, 1);
  left = left.slice(at + 1);
  if (left.length) process.stdout.write(`\n(the test process ended in ${culprit.name} before its totals; the remaining ${left.length} file(s) run in a new one)\n`);
}

const failed = total - passed - skipped;
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
if (broken.length) process.stdout.write(`(ended their test process early: ${broken.join(', ')})\n`);
process.exit(worst !== 0 ? worst : failed > 0 ? 1 : 0);
