import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { checkTaskYaml, formatProblem, requiredVariables, type TaskSpec } from '@skyport/task-spec';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';
import { printJson } from '../output/print';
import { outputOption, type OutputOptions } from './common';

/** Secret values never leave the machine in output; their names do. */
function masked(task: TaskSpec): TaskSpec {
  return { ...task, secrets: Object.fromEntries(Object.entries(task.secrets).map(([k, v]) => [k, v === null ? null : '<hidden>'])) };
}

export function validateCommand(ctx: CliContext): Command {
  return new Command('validate')
    .description('Check a task file offline (no server needed) and print the normalised task')
    .argument('<task.yaml>', 'SkyPilot-compatible task file')
    .addOption(outputOption())
    .addHelpText('after', '\nExamples:\n  $ skyport validate train.yaml\n  $ skyport validate train.yaml -o json | jq .tasks[0].resources\n\nExit codes: 0 valid, 2 invalid.')
    .action((file: string, opts: OutputOptions) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new CliExit(ExitCode.Usage, `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'error')}`);
      }
      const result = checkTaskYaml(text, { source: file });
      if (!result.ok) {
        if (opts.output === 'json') printJson(ctx, { valid: false, source: file, problems: result.problems });
        else {
          ctx.err(`${ctx.colors.red('✗')} ${file} is not a valid task:`);
          for (const p of result.problems) ctx.err(`  - ${formatProblem(p)}`);
        }
        throw new CliExit(ExitCode.Usage);
      }
      const { tasks, pipelineName, jobGroup } = result.file;
      const required = tasks.map(requiredVariables);
      if (opts.output === 'json') {
        printJson(ctx, { valid: true, source: file, ...(pipelineName !== undefined ? { pipelineName } : {}), ...(jobGroup ? { jobGroup } : {}), tasks: tasks.map(masked), required });
        return;
      }
      const what = jobGroup
        ? `a job group of ${tasks.length} task(s) ('${jobGroup.name}', all at once; run it with skyport jobs launch)`
        : tasks.length === 1
          ? '1 task'
          : `a pipeline of ${tasks.length} tasks${pipelineName ? ` ('${pipelineName}')` : ''}`;
      ctx.out(`${ctx.colors.green('✓')} ${file} is valid: ${what}`);
      tasks.forEach((task, i) => {
        const need = [...required[i].envs.map((n) => `--env ${n}=<value>`), ...required[i].secrets.map((n) => `--secret ${n}=<value>`)];
        if (tasks.length > 1 || jobGroup) ctx.out(`\n# task ${i + 1}${task.name ? `: ${task.name}` : ''}`);
        if (need.length) ctx.out(`Required at launch: ${need.join(' ')}`);
        if (task.ignoredKeys.length) ctx.out(`Accepted but not used by Skyport: ${task.ignoredKeys.join(', ')}`);
        if (task.service) ctx.out('The service: section is valid; launch runs the task and leaves it unused.');
        ctx.out(stringify(masked(task), { lineWidth: 0 }).trimEnd());
      });
    });
}

