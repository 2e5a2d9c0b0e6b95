/** Finding ztunnel: the cache path of scripts/ztunnel.sh, and a clear way out when it is not there. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../../../src/errors.ts';
import { findZtunnel, ztunnelCacheDir } from '../../../../src/platforms/local/ztunnel/binary.ts';

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

test.run();
