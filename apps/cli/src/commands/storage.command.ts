import { Command } from 'commander';
import { isSkyportError, type StorageView } from '@skyport/contracts';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { ago, printJson } from '../output/print';
import { renderTable } from '../output/table';
import { outputOption, type OutputOptions } from './common';

export function renderStorage(items: StorageView[], ctx: Pick<CliContext, 'colors'>, now = Date.now()): string {
  if (items.length === 0) return 'No storage. A task creates one with file_mounts: {/dst: {name: BUCKET, source: ./dir, store: s3, mode: COPY}}';
  return renderTable(
    ['NAME', 'STORE', 'STATUS', 'PERSISTENT', 'CREATED BY', 'USED BY', 'OWNER', 'CREATED'],
    items.map((s) => [s.name, s.store.toUpperCase(), s.status, s.persistent ? 'yes' : 'no', s.clusterName ?? '-', s.usedBy.join(', ') || '-', s.ownerName ?? '-', ago(s.createdAt, now)]),
    ctx.colors,
  );
}

/** `skyport storage ls|delete` (SkyPilot's `sky storage`): the buckets Skyport created for named storage. */
export function storageCommand(ctx: CliContext): Command {
  const storage = new Command('storage')
    .description('List and delete the buckets Skyport created for named storage in file_mounts')
    .addHelpText('after', '\nExamples:\n  $ skyport storage ls\n  $ skyport storage delete my-bucket');
  storage
    .command('ls')
    .alias('list')
    .description('List your team\'s buckets and the clusters using them')
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  $ skyport storage ls\n  $ skyport storage ls -o json')
    .action(async (opts: OutputOptions) => {
      const items = await ctx.client().listStorage();
      if (opts.output === 'json') printJson(ctx, items);
      else ctx.out(renderStorage(items, ctx));
    });
  storage
    .command('delete')
    .description('Delete buckets and their objects (refused while a cluster uses one)')
    .argument('<names...>', 'storage names')
    .option('-y, --yes', 'do not ask (accepted for SkyPilot compatibility; Skyport does not ask)')
    .addHelpText('after', '\nExamples:\n  $ skyport storage delete my-bucket\n  $ skyport storage delete a b')
    .action(async (names: string[]) => {
      let failed = 0;
      for (const name of names) {
        try {
          await ctx.client().deleteStorage(name);
          ctx.out(`${ctx.colors.green('✓')} deleting storage '${name}' (the bucket and its objects go shortly)`);
        } catch (error) {
          if (!isSkyportError(error)) throw error;
          failed += 1;
          ctx.err(`${ctx.colors.red('✗')} ${error.userMessage}`);
        }
      }
      if (failed > 0) throw new CliExit(ExitCode.Failed);
    });
  return storage;
}
