import { Command } from 'commander';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { parseNonNegativeInt } from '../args/flags';

export function sshCommand(ctx: CliContext): Command {
  return new Command('ssh')
    .description("Open an interactive shell on a cluster's head node (or a worker), through the api")
    .argument('<cluster>', 'cluster name')
    .option('--node <rank>', 'node rank: 0 is the head', parseNonNegativeInt('--node'), 0)
    .addHelpText('after', '\nExamples:\n  $ skyport ssh dev\n  $ skyport ssh dev --node 1')
    .action(async (cluster: string, opts: { node: number }) => {
      const stdin = process.stdin;
      const stdout = process.stdout;
      const socket = ctx.client().openShell(cluster, { node: opts.node, cols: stdout.columns, rows: stdout.rows });
      const code = await new Promise<number>((resolve, reject) => {
        socket.on('unexpected-response', (_req, res) => {
          const status = res.statusCode ?? 0;
          reject(
            new CliExit(
              status === 404 ? ExitCode.Failed : ExitCode.Failed,
              status === 404 ? `no interactive access to '${cluster}' (HTTP 404: no such cluster, or the api does not offer ssh yet)` : `the api refused the shell (HTTP ${status})`,
            ),
          );
        });
        socket.on('error', (error) => reject(new CliExit(ExitCode.Failed, `shell connection failed: ${error.message}`)));
        socket.on('open', () => {
          if (stdin.isTTY) stdin.setRawMode(true);
          stdin.resume();
          stdin.on('data', (chunk: Buffer) => socket.send(chunk, { binary: true }));
          stdout.on('resize', () => socket.send(JSON.stringify({ type: 'resize', cols: stdout.columns, rows: stdout.rows })));
        });
        socket.on('message', (data, isBinary) => {
          if (isBinary) stdout.write(data as Buffer);
        });
        socket.on('close', (closeCode) => resolve(closeCode >= 4000 && closeCode < 4256 ? closeCode - 4000 : 0));
      }).finally(() => {
        if (stdin.isTTY) stdin.setRawMode(false);
        stdin.pause();
      });
      if (code !== 0) throw new CliExit(ExitCode.Failed, '');
    });
}
