/**
 * Bundles the in-cluster entry (cluster-entry.ts) and everything it imports into one ES module
 * that plain Node 24 runs with no node_modules: what the Kubernetes platform ships in a
 * ConfigMap. esbuild is a devDependency, so it is imported only when a bundle is built.
 * Also a command: `node src/load/bundle.ts OUT_FILE`.
 */
import { fileURLToPath } from 'node:url';

export const CLUSTER_ENTRY = fileURLToPath(new URL('./cluster-entry.ts', import.meta.url));

export async function bundleClusterEntry(outFile: string): Promise<void> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('bundling the in-cluster load engine needs esbuild: run `npm install` (it is a devDependency)');
  }
  await esbuild.build({
    entryPoints: [CLUSTER_ENTRY],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    logLevel: 'warning',
    legalComments: 'none',
    // The bundle travels in a ConfigMap (1 MiB at most): minified it is 0.19 MB, so room is left.
    // (It was 0.61 MB minified and 1.34 MB not while the gRPC client was grpc-js's.)
    minify: true,
    // CommonJS dependencies (hdr-histogram-js) call require(); an ES module has none by itself.
    banner: { js: "import { createRequire as __meshbenchRequire } from 'node:module'; const require = __meshbenchRequire(import.meta.url);" },
  })
    // esbuild serves builds from a child process that otherwise lives as long as this one.
    .finally(() => esbuild.stop());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('usage: node src/load/bundle.ts OUT_FILE\n');
    process.exit(2);
  }
  await bundleClusterEntry(out);
  process.stderr.write(`wrote ${out}\n`);
}
