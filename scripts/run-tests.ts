/**
 * `npm test`: runs every test/**\/*.test.ts with uvu, then prints the closing line CI reads,
 * `N passed, N failed`. Arguments narrow the files: `npm test -- scenario` runs test/ files whose
 * path matches "scenario".
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const uvuBin = fileURLToPath(new URL('../node_modules/uvu/bin.js', import.meta.url));
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

const child = spawn(process.execPath, [uvuBin, 'test', pattern], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NO_COLOR: '1', TMPDIR: testTmp } });
let output = '';
child.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  output += chunk.toString();
});
const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));

// uvu's totals ("Total: 12", "Passed: 11", "Skipped: 0"), without colour codes.
const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
const count = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(plain)?.[1] ?? NaN);
const total = count('Total');
const passed = count('Passed');
const skipped = count('Skipped');
if (total === 0) {
  process.stdout.write(`\n0 passed, 1 failed\n(no test file matched "${filter}")\n`);
  process.exit(1);
}
if (Number.isNaN(total) || Number.isNaN(passed)) {
  process.stdout.write(`\n0 passed, 1 failed\n(uvu printed no totals; exit code ${code})\n`);
  process.exit(code || 1);
}
const failed = total - passed - (Number.isNaN(skipped) ? 0 : skipped);
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(code !== 0 ? code : failed > 0 ? 1 : 0);
