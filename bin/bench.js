#!/usr/bin/env node
// Entry point of the `bench` command. Sources are TypeScript run by Node's type stripping, which
// needs Node >= 22.18; the repository pins Node 24 for `npm run` / `npx`.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    `meshbench needs Node >= 22.19; this is Node ${process.versions.node}.\n` +
      '  hint: run it through npm, which uses the Node 24 the project pins: `npx bench ...` or `npm run bench -- ...`\n',
  );
  process.exit(2);
}

// Node keeps the type-stripped, compiled sources in its compile cache (NODE_COMPILE_CACHE, else a
// folder under the temp dir), keyed by their content: without it every start strips the TypeScript
// again, about 90 ms of CPU before `bench --version` can answer.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();

const { cliEntry } = await import('./cli-entry.js');
const { main } = await import(cliEntry(process.argv.slice(2), new URL('../', import.meta.url)).href);
const controller = new AbortController();
let interrupts = 0;
// SIGINT (Ctrl-C) and SIGTERM (a CI runner cancelling) alike: the first stops the run after
// teardown, keeping finished trials; the second exits at once. Exit hooks then kill the children
// and remove temp files, and children started through setpriv die with this process even if it is
// killed outright (platforms/local/processes.ts).
const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
  interrupts++;
  if (interrupts === 1) {
    process.stderr.write(`\n${signal}: stopping after teardown; finished trials are kept (press Ctrl-C again to force)\n`);
    controller.abort(new Error(`interrupted by ${signal}`));
  } else {
    process.stderr.write(`\n${signal} again: forced exit; child processes are killed, result.json holds the trials finished so far\n`);
    process.exit(3);
  }
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
