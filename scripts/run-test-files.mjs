// uvu's own runner over the files named in MESHBENCH_TEST_SUITES (scripts/run-tests.ts). A file,
// not `node -e`: worker threads inherit the parent's execArgv, and an inherited `-e` script ran
// in every worker the tests started instead of its own file (the pacing threads hung).
import { run } from 'uvu/run';

await run(JSON.parse(process.env.MESHBENCH_TEST_SUITES ?? '[]'), { bail: false });
