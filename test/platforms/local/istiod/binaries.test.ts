/** Istio's binaries for control: istiod come from the project's cache; a missing one says which script builds it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../../../src/errors.ts';
import { findIstioBinaries, ISTIO_STAMP } from '../../../../src/platforms/local/istiod/binaries.ts';

test('an empty cache: a UsageError naming the missing binary and `./scripts/istio.sh build`', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'meshbench-istio-cache-'));
  try {
    const error = await findIstioBinaries({ ...process.env, XDG_CACHE_HOME: cache }).then(() => null, (e: unknown) => e);
    assert.instance(error, UsageError);
    const e = error as UsageError;
    assert.is(e.what, `istiod's control of the Envoy sidecars needs Istio's binaries, and ${cache}/meshbench/istio-${ISTIO_STAMP}/pilot-discovery does not exist`);
    assert.match(e.fix ?? '', /`\.\/scripts\/istio\.sh build`/);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('the built cache (as CI has it): every binary at the pinned stamp, and Istio\'s bootstrap template', async () => {
  const b = await findIstioBinaries();
  assert.is(b.version, ISTIO_STAMP);
  assert.match(b.pilotAgent, new RegExp(`/meshbench/istio-${ISTIO_STAMP.replace('+', '\\+')}/pilot-agent$`));
  assert.match(b.bootstrapTemplate, /istio\.io\/istio@v0\.0\.0-20260827124520-eed52ebb66ad\/tools\/packaging\/common\/envoy_bootstrap\.json$/);
});

test.run();
