import { Command } from 'commander';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { DEFAULT_AUTOSTOP_IDLE_MINUTES } from '@skyport/task-spec';
import { expandClusterArgs } from './cluster-names';
import { confirm } from './confirm';
import { parseIdleFlag } from './task-options';

export function autostopCommand(ctx: CliContext): Command {
  return new Command('autostop')
    .description('Stop (or, with --down, tear down) clusters after they have been idle for a while')
    .argument('<clusters...>', "cluster names or patterns ('dev-*')")
    .option('-i, --idle-minutes <min>', `idle time: minutes or '30m', '2h' (default ${DEFAULT_AUTOSTOP_IDLE_MINUTES})`, parseIdleFlag)
    .option('--down', 'tear down instead of stopping')
    .option('--cancel', 'cancel the autostop')
    .option('-y, --yes', 'do not ask for confirmation (needed for --down without a terminal)')
    .addHelpText('after', '\nExamples:\n  $ skyport autostop dev -i 30\n  $ skyport autostop dev -i 1h --down\n  $ skyport autostop dev --cancel\n\nKubernetes clusters cannot be stopped: autostop tears them down (as --down).')
    .action(async (names: string[], opts: { idleMinutes?: number; down?: boolean; cancel?: boolean; yes?: boolean }) => {
      if (opts.cancel && opts.idleMinutes !== undefined) throw new CliExit(ExitCode.Usage, 'pass -i or --cancel, not both');
      const expanded = await expandClusterArgs(ctx, names);
      for (const pattern of expanded.unmatched) ctx.err(`No cluster of yours matches '${pattern}'.`);
      const clusters = expanded.names;
      // Scheduling a teardown destroys later what a script may not expect: as down, confirmed (or -y).
      if (opts.down && !opts.cancel && clusters.length) await confirm(ctx, `Tear down ${clusters.map((c) => `'${c}'`).join(', ')} when idle?`, opts.yes, { destructive: true });
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
