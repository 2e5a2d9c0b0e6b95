import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXPORT_FORMATS, exportResult } from '../../../src/report/export/index.ts';
import { fakeRun } from '../../fakes/results.ts';

const run = fakeRun((mesh, rep) => ({ latenciesUs: [100 * rep, 200, 300], achievedRps: 10, status: mesh === 'istio' && rep === 3 ? 'invalid' : 'valid' }), { load: { connections: [2, 8] } });

for (const format of EXPORT_FORMATS) {
  test(`${format}: every file has its own path under ${format}/ and is JSON`, () => {
    const files = exportResult(run, format);
    assert.ok(files.length >= run.trials.length, 'at least one file per measured trial');
    assert.is(new Set(files.map((f) => f.path)).size, files.length, 'no two files share a path');
    for (const f of files) {
      assert.ok(f.path.startsWith(`${format}/`), f.path);
      assert.type(JSON.parse(f.content), 'object');
    }
  });
}

test('the Fortio resolution option reaches the files', () => {
  const coarse = JSON.parse(exportResult(run, 'fortio', { resolutionS: 0.001 })[0]!.content);
  assert.is(coarse.Resolution, 0.001);
  assert.is(coarse.DurationHistogram.Data.length, 1, 'at 1 ms resolution all of 100-300 µs share the first bucket');
});

test.run();
