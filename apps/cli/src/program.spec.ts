import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import pc from 'picocolors';
import type { CliContext } from './context/cli-context';
import { buildProgram } from './program';

const ctx = {
  colors: pc.createColors(false),
  env: {},
  out: () => undefined,
  err: () => undefined,
  config: () => ({}),
  client: () => {
    throw new Error('no api in this test');
  },
} as unknown as CliContext;

function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

function all(command: Command): Command[] {
  return [command, ...command.commands.flatMap(all)];
}

describe('every command', () => {
  const program = buildProgram(ctx);
  for (const command of all(program).filter((c) => c.name() !== 'help')) {
    it(`${command.name()}: --help has a description and an example`, () => {
      const help = helpOf(command);
      assert.ok(command.description().length > 10, 'no description');
      assert.match(help, /Examples?:\n {2}\$ skyport /);
    });
  }
  it('read commands take -o json', () => {
    for (const name of ['validate', 'status', 'queue', 'check', 'show-gpus', 'cost-report']) {
      const command = program.commands.find((c) => c.name() === name);
      assert.ok(command?.options.some((o) => o.long === '--output'), `${name} has no -o`);
    }
  });
});
