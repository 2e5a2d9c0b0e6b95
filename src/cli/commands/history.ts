/** `bench history RESULTS_DIR`: a scenario's runs as a trend page with change points. */
import { relative, resolve } from 'node:path';
import { ExitCode } from '../../errors.ts';
import { renderHistoryCsv, renderHistoryHtml, renderHistoryText } from '../../report/history/index.ts';
import { buildHistory, parseSince, readRunFolder, selectRuns } from '../../results/history/index.ts';
import { writeFileAtomic } from '../../results/store.ts';
import { stringFlag, type Command } from '../command.ts';

export const historyCommand: Command = {
  name: 'history',
  summary: 'a scenario\'s runs as a trend page (html, csv), with change points and environment changes marked',
  usage: 'RESULTS_DIR',
  args: { min: 1, max: 1, example: 'bench history nightly-results --since 30d --html history.html --csv history.csv' },
  options: [
    { name: 'scenario', type: 'string', value: 'NAME', description: 'the scenario to draw (needed when the folder holds several)' },
    { name: 'since', type: 'string', value: '30d|DATE', description: 'only runs started since: a duration back from now (12h, 30d, 2w) or a date (all runs)' },
    { name: 'html', type: 'string', value: 'FILE', description: 'write the trend page there (self-contained, works offline)' },
    { name: 'csv', type: 'string', value: 'FILE', description: 'write one row per series and run there' },
  ],
  async run({ args, flags, io }) {
    const dir = resolve(io.cwd, args[0]!);
    const since = stringFlag(flags, 'since');
    const scenario = stringFlag(flags, 'scenario');
    const selected = selectRuns(await readRunFolder(dir), args[0]!, { ...(scenario ? { scenario } : {}), ...(since ? { since: parseSince(since, new Date()) } : {}) });
    const history = buildHistory(selected.scenario, selected.runs);
    const written: string[] = [];
    for (const [flag, render] of [['html', renderHistoryHtml], ['csv', renderHistoryCsv]] as const) {
      const out = stringFlag(flags, flag);
      if (!out) continue;
      const path = resolve(io.cwd, out);
      await writeFileAtomic(path, render(history));
      written.push(relative(io.cwd, path) || path);
    }
    io.stdout.write(`${renderHistoryText(history)}\n${written.length ? `Wrote ${written.join(', ')}` : 'Wrote nothing: add --html FILE and/or --csv FILE'}\n`);
    return ExitCode.ok;
  },
};
