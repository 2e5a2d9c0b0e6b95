// Which copy of the CLI bin/bench.js runs: the bundle in dist/cli/ (src/cli/bundle.ts; built by
// `npm run build:cli` and scripts/setup.sh) for the commands that start no process, while it is
// current, else the sources. Plain JavaScript, and only node:fs, so that choosing costs ~1 ms.
import { readFileSync, statSync } from 'node:fs';

/** The first arguments that run from the bundle: no engine, worker or platform is started. */
export const BUNDLED_COMMANDS = new Set(['validate', 'help', '--help', '-h', '--version', '-V']);

/**
 * The module to import for these arguments, from the repository at `root` (a file: URL ending in
 * '/'): dist/cli/main.js when the command is a bundled one and no input of the bundle is newer
 * than it or gone; src/cli/main.ts otherwise, and whenever anything about the bundle is unreadable.
 * @param {readonly string[]} argv
 * @param {URL} root
 * @param {URL} [dir] the bundle's folder (tests build one elsewhere)
 * @returns {URL}
 */
export function cliEntry(argv, root, dir = new URL('dist/cli/', root)) {
  const source = new URL('src/cli/main.ts', root);
  if (!BUNDLED_COMMANDS.has(argv[0] ?? '')) return source;
  try {
    /** @type {{ builtAtMs: number, inputs: string[] }} */
    const stamp = JSON.parse(readFileSync(new URL('inputs.json', dir), 'utf8'));
    if (!Array.isArray(stamp.inputs) || stamp.inputs.length === 0 || typeof stamp.builtAtMs !== 'number') return source;
    for (const input of stamp.inputs) {
      if (statSync(new URL(input, root)).mtimeMs > stamp.builtAtMs) return source;
    }
    return new URL('main.js', dir);
  } catch {
    return source;
  }
}
