/**
 * The command line loads only the module of the command it runs (src/cli/commands/index.ts): each
 * module must register exactly the commands it is listed under, or a command would be missing
 * when named and listed twice in the help.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { COMMANDS, commandModulesFor } from '../../src/cli/commands/index.ts';
import { buildProgram } from '../../src/cli/main.ts';

describe('command modules', () => {
  it('each module registers exactly the commands it is listed under', async () => {
    for (const module of COMMANDS) {
      const program = new Command();
      (await module.load())(program);
      assert.deepEqual(program.commands.map((command) => command.name()).sort(), [...module.names].sort());
    }
  });

  it('loads the module of the command named, and every module for help or an unknown command', async () => {
    assert.deepEqual(
      commandModulesFor(['outbox', 'list']).map((module) => module.names),
      [['peers', 'outbox']],
    );
    assert.equal(commandModulesFor(['--help']).length, COMMANDS.length);
    assert.equal(commandModulesFor(['no-such-command']).length, COMMANDS.length);
    assert.equal(commandModulesFor([]).length, COMMANDS.length);
    const names = (await buildProgram(['demo', '--help'])).commands.map((command) => command.name());
    assert.deepEqual(names, ['demo']);
    const all = (await buildProgram()).commands.map((command) => command.name());
    assert.deepEqual(
      all,
      COMMANDS.flatMap((module) => module.names),
    );
  });
});
