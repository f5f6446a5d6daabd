import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command, Option } from 'commander';
import pc from 'picocolors';
import type { CliContext } from '../context/cli-context';
import { buildProgram, VERSION } from '../program';
import { bashCompletionScript } from './bash-completion';
import { completeInBash, completeInZsh, hasZsh } from './complete-in-shell';
import { completionTree } from './completion-tree';
import { zshCompletionScript } from './zsh-completion';

const ctx = { colors: pc.createColors(false), env: {} } as unknown as CliContext;
const tree = completionTree(buildProgram(ctx));
const bash = bashCompletionScript(tree, VERSION);
const zsh = zshCompletionScript(tree, VERSION);

describe('completion tree', () => {
  it('is read from the command definitions: every command, subcommand and flag, with help and choices', () => {
    const names = tree.commands.map((c) => c.name);
    for (const name of ['launch', 'exec', 'status', 'logs', 'ssh', 'down', 'check', 'api', 'completion']) assert.ok(names.includes(name), name);
    const api = tree.commands.find((c) => c.name === 'api');
    assert.deepEqual(
      api?.commands.map((c) => c.name),
      ['info', 'login', 'help'],
    );
    const login = api?.commands.find((c) => c.name === 'login');
    assert.deepEqual(login?.options.find((o) => o.names.includes('--endpoint')), {
      names: ['-e', '--endpoint'],
      description: 'api URL, e.g. http://127.0.0.1:26580',
      takesValue: true,
      valueName: 'url',
      choices: [],
    });
    const status = tree.commands.find((c) => c.name === 'status');
    assert.deepEqual(status?.options.find((o) => o.names.includes('--output'))?.choices, ['table', 'json']);
    assert.deepEqual(tree.commands.find((c) => c.name === 'completion')?.argumentChoices, ['bash', 'zsh']);
    assert.ok(tree.options.some((o) => o.names.includes('--version')));
  });

  it('follows a new command, an alias and a hidden flag without a second list to keep', () => {
    const program = new Command('tool').version('1.2.3', '--version');
    program
      .command('deploy')
      .alias('dep')
      .description('Deploy it')
      .option('--region <name>', 'where')
      .addOption(new Option('--secret-flag').hideHelp());
    const deploy = completionTree(program).commands.find((c) => c.name === 'deploy');
    assert.deepEqual(deploy?.aliases, ['dep']);
    assert.deepEqual(deploy?.options.map((o) => o.names), [['--region'], ['-h', '--help']]);
    const script = bashCompletionScript(completionTree(program), '1.2.3');
    assert.deepEqual(completeInBash(script, ['tool', 'dep', '--r']), ['--region']);
  });
});

describe('bash completion script', () => {
  const cases: [string[], string[]][] = [
    [['skyport', 'la'], ['launch']],
    [['skyport', 's'], ['status', 'stop', 'start', 'show-gpus', 'storage', 'ssh']],
    [['skyport', 'launch', '--c'], ['--cluster', '--cpus']],
    [['skyport', 'status', '-o', ''], ['table', 'json']],
    [['skyport', 'status', '--output', '=', 'j'], ['json']],
    [['skyport', 'api', ''], ['info', 'login', 'help']],
    [['skyport', 'api', 'login', '--t'], ['--token', '--token-file']],
    [['skyport', 'completion', ''], ['bash', 'zsh']],
    [['skyport', 'help', 'cost'], ['cost-report']],
    // A value option's value is not a command: `-c launch` names a cluster.
    [['skyport', 'launch', '-c', 'launch', '--dr'], ['--dryrun']],
    // Arguments complete as file names (bash's default), also after `--`.
    [['skyport', 'launch', '-c', 'dev', ''], []],
    [['skyport', 'ssh', 'dev', '--', 'l'], []],
  ];
  for (const [words, expected] of cases) {
    it(`${words.join(' ')}<TAB> offers ${expected.join(' ') || 'file names'}`, () => {
      assert.deepEqual(completeInBash(bash, words), expected);
    });
  }
  it('registers with -o default, so arguments and unknown values complete as file names', () => {
    assert.match(bash, /^complete -o default -F _skyport skyport$/m);
  });
});

describe('zsh completion script', { skip: !hasZsh() && 'zsh (with zsh/zpty) is not installed' }, () => {
  const cases: [string, string[]][] = [
    ['skyport la', ['launch']],
    ['skyport status -o ', ['table', 'json']],
    ['skyport api l', ['login']],
    ['skyport api login --t', ['--token', '--token-file']],
    ['skyport completion ', ['bash', 'zsh']],
    ['skyport help sh', ['show-gpus']],
  ];
  for (const [line, expected] of cases) {
    it(`${line}<TAB> offers ${expected.join(' ')}`, () => {
      assert.deepEqual(completeInZsh(zsh, 'skyport', line).sort(), [...expected].sort());
    });
  }
  it('lists every command with its description', () => {
    const offered = completeInZsh(zsh, 'skyport', 'skyport ');
    for (const command of tree.commands) assert.ok(offered.includes(command.name), command.name);
    assert.match(zsh, /'launch:Launch a cluster and run a task on it/);
  });
});
