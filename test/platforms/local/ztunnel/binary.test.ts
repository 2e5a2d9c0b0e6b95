/** Finding ztunnel: the cache path of scripts/ztunnel.sh, and a clear way out when it is not there. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../../../src/errors.ts';
import { findZtunnel, ztunnelCacheDir } from '../../../../src/platforms/local/ztunnel/binary.ts';
import { ambientPreflight } from '../../../../src/platforms/local/ztunnel/preflight.ts';
import { ztunnelOrBuild } from './ztunnel-helpers.ts';

test('the cache follows XDG_CACHE_HOME, else ~/.cache, like scripts/ztunnel.sh', () => {
  assert.is(ztunnelCacheDir({ XDG_CACHE_HOME: '/c', HOME: '/h' }), '/c/meshbench/ztunnel-1.30.3');
  assert.is(ztunnelCacheDir({ HOME: '/h' }), '/h/.cache/meshbench/ztunnel-1.30.3');
});

test('a missing binary is a usage error (exit 2) that says how to build it', async () => {
  const error = await findZtunnel({ XDG_CACHE_HOME: '/nonexistent-meshbench' }).then(() => null, (e: unknown) => e);
  assert.instance(error, UsageError);
  const e = error as UsageError;
  assert.is(e.exitCode, 2);
  assert.match(e.what, /\/nonexistent-meshbench\/meshbench\/ztunnel-1\.30\.3\/ztunnel does not exist/);
  assert.match(e.fix ?? '', /\.\/scripts\/ztunnel\.sh build/);
});

test('a binary of another program or version is refused, naming what it said', async () => {
  const error = await findZtunnel({ MESHBENCH_ZTUNNEL: '/bin/echo' }).then(() => null, (e: unknown) => e);
  assert.instance(error, UsageError);
  assert.match((error as UsageError).what, /\/bin\/echo is not ztunnel 1\.30\.3 \(`ztunnel version` said: version\)/);
});

test('the preflight (as root, ztunnel built) returns the binary and the versions to record', async () => {
  const path = await ztunnelOrBuild();
  const pre = await ambientPreflight();
  assert.is(pre.ztunnelPath, path);
  assert.is(pre.components.ztunnel, '1.30.3');
  assert.match(pre.components.python ?? '', /^3\.\d+$/);
});

test('the preflight without the binary fails before anything starts, with the build advice', async () => {
  const e = await ambientPreflight({ ...process.env, MESHBENCH_ZTUNNEL: '/nonexistent/ztunnel' }).then(() => null, (x: unknown) => x);
  assert.instance(e, UsageError);
  assert.match((e as UsageError).fix ?? '', /scripts\/ztunnel\.sh build/);
});

test.run();
