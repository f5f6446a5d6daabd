import { Command } from 'commander';
import type { RawData } from 'ws';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { parseNonNegativeInt } from '../args/flags';

// Channels of the ssh protocol (@skyport/contracts ssh-protocol): the first byte of every binary frame.
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;

type Control = { type: 'exit'; code: number } | { type: 'error'; code: string; message: string };

export function sshCommand(ctx: CliContext): Command {
  return new Command('ssh')
    .description("Open a shell on a cluster's head node (or a worker), or run one command there, through the api")
    .argument('<cluster>', 'cluster name')
    .argument('[command...]', 'a command to run instead of a shell')
    .option('--node <rank>', 'node rank: 0 is the head', parseNonNegativeInt('--node'), 0)
    .addHelpText('after', "\nExamples:\n  $ skyport ssh dev\n  $ skyport ssh dev --node 1\n  $ skyport ssh dev -- nvidia-smi\n\nExit code 1 when the command (or shell) exits non-zero.")
    .action(async (cluster: string, words: string[], opts: { node: number }) => {
      const stdin = process.stdin;
      const stdout = process.stdout;
      const command = words.length ? words.join(' ') : undefined;
      const tty = command === undefined && Boolean(stdin.isTTY);
      const socket = ctx.client().openShell(cluster, { node: opts.node, command, tty, cols: stdout.columns, rows: stdout.rows });
      let raw = false;
      const code = await new Promise<number>((resolve, reject) => {
        let exitCode: number | undefined;
        socket.on('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => {
            let message = `the api refused the shell (HTTP ${res.statusCode ?? '?'})`;
            try {
              message = (JSON.parse(body) as { message?: string }).message ?? message;
            } catch {
              // not our error body
            }
            reject(new CliExit(res.statusCode === 400 ? ExitCode.Usage : ExitCode.Failed, message));
          });
        });
        socket.on('error', (error) => reject(new CliExit(ExitCode.Failed, `shell connection to '${cluster}' failed: ${error.message}`)));
        socket.on('open', () => {
          if (tty) {
            stdin.setRawMode(true);
            raw = true;
          }
          stdin.on('data', (chunk: Buffer) => socket.send(Buffer.concat([Buffer.from([STDIN]), chunk]), { binary: true }));
          stdin.resume();
          stdout.on('resize', () => socket.send(JSON.stringify({ type: 'resize', cols: stdout.columns, rows: stdout.rows })));
        });
        socket.on('message', (data: RawData, isBinary: boolean) => {
          const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
          if (isBinary) {
            if (buffer[0] === STDOUT) stdout.write(buffer.subarray(1));
            else if (buffer[0] === STDERR) process.stderr.write(buffer.subarray(1));
            return;
          }
          const control = JSON.parse(buffer.toString()) as Control;
          if (control.type === 'exit') exitCode = control.code;
          else reject(new CliExit(ExitCode.Failed, control.message));
        });
        socket.on('close', (closeCode) => resolve(exitCode ?? (closeCode === 1000 ? 0 : 1)));
      }).finally(() => {
        if (raw) stdin.setRawMode(false);
        stdin.pause();
      });
      if (code !== 0) throw new CliExit(ExitCode.Failed, command ? `'${command}' exited ${code} on '${cluster}'` : '');
    });
}
