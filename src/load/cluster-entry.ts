/**
 * The load engine's in-cluster entry point, bundled into one file (bench build: esbuild) that a
 * stock Node 24 image runs from a ConfigMap. Progress goes to stderr; the result is ONE JSON line,
 * last on stdout (result-line.ts). Exit 0 with a result, 2 for bad settings, 3 when the run
 * failed. See cluster-run.ts for the settings.
 */
import type { LoaderSettings } from '../loader-settings.ts';
import { quitSidecar, readSettings, runClusterLoad } from './cluster-run.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);
const controller = new AbortController();
for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => controller.abort(new Error(`stopped by ${s}`)));

let settings: LoaderSettings;
try {
  settings = readSettings(process.env);
} catch (e) {
  log((e as Error).message);
  process.exit(2);
}
try {
  const line = await runClusterLoad(settings, controller.signal, log);
  process.stdout.write(`${line}\n`);
  process.exitCode = 0;
} catch (e) {
  log(`meshbench load failed: ${(e as Error).message}`);
  process.exitCode = 3;
}
await quitSidecar(settings.quitUrl, log);
