/** Help comes from the command registry: every registered option is documented and parsed. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GLOBAL_OPTIONS, parseCommandLine } from '../../src/cli/command.ts';
import { commands as entries, loadCommands } from '../../src/cli/commands/index.ts';

const commands = await loadCommands();
import { main } from '../../src/cli/main.ts';
import { captureIO } from '../helpers.ts';

test('the command list bench --help reads says of each command what the command itself says', () => {
  assert.equal(entries.map((e) => [e.name, e.summary, e.usage]), commands.map((c) => [c.name, c.summary, c.usage]));
});

test('bench --help lists every registered command with its usage and summary', async () => {
  const io = captureIO();
  assert.is(await main(['--help'], io), 0);
  for (const c of commands) assert.ok(io.out().includes(`${c.name} ${c.usage}`.trim()) && io.out().includes(c.summary), `${c.name} missing from bench --help`);
});

for (const command of commands) {
  test(`bench ${command.name} --help documents every option, and each one parses`, async () => {
    const io = captureIO();
    assert.is(await main([command.name, '--help'], io), 0, io.err());
    for (const o of [...command.options, ...GLOBAL_OPTIONS]) {
      assert.ok(io.out().includes(`--${o.name}`), `--${o.name} is registered for ${command.name} but not in its help`);
      const argv = o.type === 'string' ? [`--${o.name}`, 'v1'] : [`--${o.name}`];
      const { flags } = parseCommandLine(command, argv, captureIO());
      const expected = o.type === 'boolean' ? true : o.multiple ? ['v1'] : 'v1';
      assert.equal(flags[o.name], expected, `--${o.name} of ${command.name} did not parse`);
      for (const alias of o.aliases ?? []) {
        assert.ok(io.out().includes(alias.length === 1 ? `-${alias}` : `--${alias}`), `old spelling ${alias} not in the help`);
        const old = captureIO();
        const parsed = parseCommandLine(command, [alias.length === 1 ? `-${alias}` : `--${alias}`, ...(o.type === 'string' ? ['v2'] : [])], old);
        assert.equal(parsed.flags[o.name], o.type === 'boolean' ? true : o.multiple ? ['v2'] : 'v2', `old spelling ${alias} is not read as --${o.name}`);
        if (alias.length > 1) assert.match(old.err(), new RegExp(`--${alias} is the old spelling of --${o.name}`));
      }
    }
  });
}

test('"where files go" and "output format" have one name in every command', () => {
  for (const c of commands) {
    const names = c.options.map((o) => o.name);
    assert.not.ok(names.includes('out') || names.includes('output-format'), `${c.name} still has an old flag name`);
    const output = c.options.find((o) => o.name === 'output');
    if (output) assert.is(output.value, 'DIR', `${c.name} --output must be a folder`);
  }
});

test.run();
