import { Command } from 'commander';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { DEFAULT_AUTOSTOP_IDLE_MINUTES } from '@skyport/task-spec';
import { parseIdleFlag } from './task-options';

export function autostopCommand(ctx: CliContext): Command {
  return new Command('autostop')
    .description('Stop (or, with --down, tear down) clusters after they have been idle for a while')
    .argument('<clusters...>', 'cluster names')
    .option('-i, --idle-minutes <min>', `idle time: minutes or '30m', '2h' (default ${DEFAULT_AUTOSTOP_IDLE_MINUTES})`, parseIdleFlag)
    .option('--down', 'tear down instead of stopping')
    .option('--cancel', 'cancel the autostop')
    .addHelpText('after', '\nExamples:\n  $ skyport autostop dev -i 30\n  $ skyport autostop dev -i 1h --down\n  $ skyport autostop dev --cancel')
    .action(async (clusters: string[], opts: { idleMinutes?: number; down?: boolean; cancel?: boolean }) => {
      if (opts.cancel && opts.idleMinutes !== undefined) throw new CliExit(ExitCode.Usage, 'pass -i or --cancel, not both');
      for (const cluster of clusters) {
        if (opts.cancel) {
          await ctx.client().setAutostop(cluster, { idleMinutes: -1 });
          ctx.out(`Autostop cancelled for '${cluster}'.`);
        } else {
          const idleMinutes = opts.idleMinutes ?? DEFAULT_AUTOSTOP_IDLE_MINUTES;
          const answer = await ctx.client().setAutostop(cluster, { idleMinutes, down: Boolean(opts.down) });
          const down = answer.autostop?.down || opts.down || answer.note !== undefined;
          ctx.out(`'${cluster}' will ${down ? 'be torn down' : 'stop'} after ${answer.autostop?.idleMinutes ?? idleMinutes} idle minute(s).`);
          if (answer.note) ctx.err(ctx.colors.dim(`Note: ${answer.note}`));
        }
      }
    });
}
