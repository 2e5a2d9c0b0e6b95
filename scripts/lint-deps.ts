/**
 * `npm run lint:deps`: the layer order of DESIGN.md and the absence of import cycles, checked by
 * dependency-cruiser with the rules in .dependency-cruiser.cjs. It says what it covered and fails
 * when it covered nothing: a check that passes on 0 modules hides a broken set-up (as with
 * TypeScript 7 and dependency-cruiser's default parser).
 *
 * `npm run lint:deps -- DIR` checks another tree (a test uses it on a fixture with an upward import).
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { cruise, type ICruiseOptions, type IReporterOutput } from 'dependency-cruiser';

const root = resolve(process.argv[2] ?? '.');
const require = createRequire(import.meta.url);
const config = require(resolve(import.meta.dirname, '..', '.dependency-cruiser.cjs')) as { forbidden: NonNullable<ICruiseOptions['ruleSet']>['forbidden']; options: ICruiseOptions };

process.chdir(root);
const output: IReporterOutput = await cruise(['src'], { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true, outputType: 'json' });
const report = typeof output.output === 'string' ? (JSON.parse(output.output) as { summary: Summary }) : { summary: output.output.summary as unknown as Summary };

interface Summary {
  totalCruised: number;
  totalDependenciesCruised: number;
  violations: { from: string; to: string; rule: { name: string }; cycle?: { name: string }[] }[];
}

const { summary } = report;
for (const v of summary.violations) {
  const via = v.cycle?.length ? ` (cycle: ${[v.from, ...v.cycle.map((c) => c.name)].join(' → ')})` : '';
  process.stderr.write(`error ${v.rule.name}: ${v.from} → ${v.to}${via}\n`);
}
process.stdout.write(`lint:deps: ${summary.totalCruised} modules, ${summary.totalDependenciesCruised} imports cruised, ${summary.violations.length} violation(s)\n`);
if (summary.totalCruised === 0) {
  process.stderr.write('lint:deps: cruised 0 modules, so it checked nothing; is the swc parser (@swc/core) installed?\n');
  process.exit(1);
}
process.exit(summary.violations.length > 0 ? 1 : 0);
