/** The folder of a run: its own even when another run starts in the same second, and a rescue when a write fails. */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isMeshbenchError } from '../../src/errors.ts';
import { ResultFolder } from '../../src/run/outputs.ts';
import { fakeRun } from '../fakes/results.ts';

test('runs started in the same second into one output get folders of their own', async () => {
  const out = mkdtempSync(join(tmpdir(), 'meshbench-folders-'));
  const at = new Date('2026-12-01T10:00:00.123Z');
  const folders = await Promise.all([1, 2, 3].map(() => ResultFolder.create(out, at, 'same name')));
  assert.equal(folders.map((f) => basename(f.path)).sort(), ['20261201T100000Z-same-name', '20261201T100000Z-same-name-2', '20261201T100000Z-same-name-3']);
  rmSync(out, { recursive: true });
});

test('a failed write rescues the result to a fallback the error names; later writes go there too', async () => {
  const out = mkdtempSync(join(tmpdir(), 'meshbench-folders-'));
  const folder = await ResultFolder.create(out, new Date(), 'rescue me');
  const result = fakeRun(() => ({ latenciesUs: [100, 200], achievedRps: 10 }), { repetitions: 1 });
  await folder.persist(result);
  rmSync(folder.path, { recursive: true });
  const error = await folder.persist(result).then(() => undefined, (e: unknown) => e);
  assert.ok(isMeshbenchError(error) && error.exitCode === 3);
  if (!isMeshbenchError(error)) return;
  assert.match(error.what, /\(ENOENT: the folder was removed\); the 3 finished trial\(s\) were written to \S+meshbench-rescued-\S+rescue-me\/result\.json instead/);
  assert.ok(folder.resultFile.startsWith(tmpdir()) && existsSync(folder.resultFile));
  // The run's end (its final status) lands in the fallback without a second error.
  await folder.persist({ ...result, status: 'failed' });
  assert.is(JSON.parse(readFileSync(folder.resultFile, 'utf8')).status, 'failed');
  rmSync(join(folder.resultFile, '..'), { recursive: true });
  chmodSync(out, 0o755);
  rmSync(out, { recursive: true });
});

test.run();
