/**
 * Bundles the CLI (main.ts and, split into chunks, every command it loads lazily) into dist/cli/,
 * for the commands that start no process of their own (bin/cli-entry.js lists them): Node loads
 * one chunk where it would otherwise resolve, read and link ~200 modules (zod's and yaml's alone),
 * which is most of `bench validate`'s start-up (bench/README.md, "Start-up"). Commands that spawn
 * engines, workers or platforms keep running from source: their paths are relative to their own
 * source files, which a bundle does not have beside it.
 *
 * Beside the chunks, `inputs.json` lists the project's own files the bundle was built from, and
 * when: bin/cli-entry.js uses the bundle only while none of them has changed since, so an edited
 * source is never shadowed by a stale bundle. Also a command: `node src/cli/bundle.ts [OUT_DIR]`.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI_ENTRY = path.join(ROOT, 'src/cli/main.ts');
export const CLI_BUNDLE_DIR = path.join(ROOT, 'dist/cli');

/** What bin/cli-entry.js reads: the bundle is current while no input is newer than `builtAtMs`. */
export interface BundleInputs {
  builtAtMs: number;
  /** Paths relative to the repository root: the project's sources and package files, not node_modules. */
  inputs: string[];
}

export async function bundleCli(outDir: string = CLI_BUNDLE_DIR): Promise<BundleInputs> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('bundling the CLI needs esbuild: run `npm install` (it is a devDependency)');
  }
  // Taken before esbuild reads a file: a source saved during the build counts as newer.
  const builtAtMs = Date.now();
  await rm(outDir, { recursive: true, force: true });
  // esbuild serves builds from a child process that otherwise lives as long as this one (~300 MB
  // of RSS in this process's tree: a test process's own memory figure counted it).
  const built = await esbuild.build({
    entryPoints: { main: CLI_ENTRY },
    outdir: outDir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    metafile: true,
    absWorkingDir: ROOT,
    logLevel: 'warning',
    legalComments: 'none',
    // CommonJS dependencies call require(); an ES module has none by itself.
    banner: { js: "import { createRequire as __meshbenchRequire } from 'node:module'; const require = __meshbenchRequire(import.meta.url);" },
  }).finally(() => esbuild.stop());
  const own = Object.keys(built.metafile.inputs).filter((p) => !p.split('/').includes('node_modules'));
  // Dependencies change with the lock file; the bundle holds their code too.
  const inputs = [...new Set([...own, 'package-lock.json'])].sort();
  const stamp: BundleInputs = { builtAtMs, inputs };
  await writeFile(path.join(outDir, 'inputs.json'), `${JSON.stringify(stamp)}\n`);
  return stamp;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? CLI_BUNDLE_DIR;
  const stamp = await bundleCli(out);
  process.stderr.write(`wrote ${out} (${stamp.inputs.length} inputs)\n`);
}
