/**
 * The layer order of DESIGN.md, checked by `npm run lint:deps` (dependency-cruiser):
 *   cli → run → report / load → results → collectors → platforms → scenario → meshes → leaves
 * A folder imports only folders below it; report and load share a level and do not import each
 * other. Leaves (errors.ts, random.ts, loader-settings.ts, workload/) import no stage. No import cycles at all.
 *
 * TypeScript 7's package cannot be read by dependency-cruiser's default parser (it cruises 0
 * modules and reports nothing), so sources are parsed with swc; scripts/lint-deps.ts fails the
 * check when nothing was cruised.
 */
const LAYERS = ['cli', 'run', 'report|load', 'results', 'collectors', 'platforms', 'scenario', 'meshes'];
const LEAVES = '^src/(errors|random|loader-settings)\\.ts$|^src/workload/';

/** Stages at or above layer `i`, as a path pattern (what layer i must not import). */
function notBelow(i) {
  const names = LAYERS.slice(0, i + 1).flatMap((l) => l.split('|'));
  return `^src/(${names.join('|')})/`;
}

const layerRules = LAYERS.flatMap((layer, i) =>
  layer.split('|').map((name) => {
    // Its own folder is allowed; everything at its level or above is not.
    const forbidden = LAYERS.slice(0, i + 1).flatMap((l) => l.split('|')).filter((n) => n !== name);
    return {
      name: `${name}-imports-only-below`,
      comment: `src/${name}/ may import only stages below it (${LAYERS.slice(i + 1).join(' → ') || 'leaves'}) and leaves`,
      severity: 'error',
      from: { path: `^src/${name}/` },
      to: { path: `^src/(${forbidden.join('|')})/` },
    };
  }),
);

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'leaves-import-no-stage',
      comment: 'errors.ts, random.ts, loader-settings.ts and workload/ sit below every stage',
      severity: 'error',
      from: { path: LEAVES },
      to: { path: notBelow(LAYERS.length - 1) },
    },
    {
      name: 'no-circular',
      comment: 'no import cycle between files (and so none between folders)',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-never-imports-tests-or-bench',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    includeOnly: '^src/',
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
