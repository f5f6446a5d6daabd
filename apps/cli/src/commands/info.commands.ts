import { Command } from 'commander';
import type { CliContext } from '../context/cli-context';
import { printJson } from '../output/print';
import { renderCheck, renderCostReport, renderGpus } from '../format/infra-views';
import { outputOption, type OutputOptions } from './common';

export function checkCommand(ctx: CliContext): Command {
  return new Command('check')
    .description('Check which infrastructure Skyport can use: Kubernetes contexts (reachable, permissions, GPUs) and clouds')
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  $ skyport check\n  $ skyport check -o json')
    .action(async (opts: OutputOptions) => {
      const report = await ctx.client().check();
      if (opts.output === 'json') printJson(ctx, report);
      else ctx.out(renderCheck(report, ctx.colors));
    });
}

export function showGpusCommand(ctx: CliContext): Command {
  return new Command('show-gpus')
    .description('Show GPUs: per Kubernetes context the total and free counts, per cloud the offerings and prices')
    .argument('[name]', "an accelerator to show, e.g. 'A100'")
    .option('--infra <infra>', "only this infra: 'k8s', 'kubernetes/<context>', 'aws', ...")
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  $ skyport show-gpus\n  $ skyport show-gpus A100 --infra k8s')
    .action(async (name: string | undefined, opts: OutputOptions & { infra?: string }) => {
      const gpus = await ctx.client().gpus({ name, infra: opts.infra });
      if (opts.output === 'json') printJson(ctx, gpus);
      else ctx.out(renderGpus(gpus, ctx.colors));
    });
}

export function costReportCommand(ctx: CliContext): Command {
  return new Command('cost-report')
    .description('Show the estimated cost of your clusters, running and past')
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  $ skyport cost-report\n  $ skyport cost-report -o json')
    .action(async (opts: OutputOptions) => {
      const report = await ctx.client().costReport();
      if (opts.output === 'json') printJson(ctx, report);
      else ctx.out(renderCostReport(report, ctx.colors));
    });
}
