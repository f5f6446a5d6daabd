import { Command } from 'commander';
import { openSsh } from '@skyport/client';
import { apiSettings } from '@skyport/config';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { parseNonNegativeInt } from '../args/flags';

export function sshCommand(ctx: CliContext): Command {
  return new Command('ssh')
    .description("Open a shell on a cluster's head node (or a worker), or run one command there, through the api")
    .argument('<cluster>', 'cluster name')
    .argument('[command...]', 'a command to run instead of a shell')
    .option('--node <rank>', 'node rank: 0 is the head', parseNonNegativeInt('--node'), 0)
    .addHelpText('after', '\nExamples:\n  $ skyport ssh dev\n  $ skyport ssh dev --node 1\n  $ skyport ssh dev -- nvidia-smi\n\nExit code 1 when the command (or shell) exits non-zero.')
    .action(async (cluster: string, words: string[], opts: { node: number }) => {
      const stdin = process.stdin;
      const stdout = process.stdout;
      const command = words.length ? words.join(' ') : undefined;
      const tty = command === undefined && Boolean(stdin.isTTY);
      const session = await openSsh(
        { ...apiSettings(ctx.config(), ctx.env), cluster, node: opts.node, command, tty, cols: stdout.columns, rows: stdout.rows },
        { stdout, stderr: process.stderr },
      );
      const onData = (chunk: Buffer): void => session.write(chunk);
      const onResize = (): void => session.resize(stdout.columns, stdout.rows);
      if (tty) stdin.setRawMode(true);
      stdin.on('data', onData);
      stdin.resume();
      stdout.on('resize', onResize);
      let code: number;
      try {
        code = await session.exit;
      } finally {
        if (tty) stdin.setRawMode(false);
        stdin.off('data', onData);
        stdout.off('resize', onResize);
        stdin.pause();
      }
      if (code !== 0) throw new CliExit(ExitCode.Failed, command ? `'${command}' exited ${code} on '${cluster}'` : '');
    });
}
