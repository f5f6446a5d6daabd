import { Command } from 'commander';
import type { CliContext } from './context/cli-context';
import { apiCommand } from './commands/api.command';
import { autostopCommand } from './commands/autostop.command';
import { cancelCommand } from './commands/cancel.command';
import { completionCommand } from './commands/completion.command';
import { downCommand } from './commands/down.command';
import { execCommand } from './commands/exec.command';
import { checkCommand, costReportCommand, showGpusCommand } from './commands/info.commands';
import { launchCommand } from './commands/launch.command';
import { logsCommand } from './commands/logs.command';
import { queueCommand } from './commands/queue.command';
import { sshCommand } from './commands/ssh.command';
import { statusCommand } from './commands/status.command';
import { startCommand, stopCommand } from './commands/stop-start.commands';
import { validateCommand } from './commands/validate.command';
import { volumesCommand } from './commands/volumes.command';
import { storageCommand } from './commands/storage.command';
import { jobsCommand } from './commands/jobs.command';
import { collect } from './args/flags';

export const VERSION = '0.1.0';

/** The `skyport` command tree. Each command lives in commands/<name>.command.ts. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('skyport')
    .description('Run SkyPilot tasks on your Kubernetes clusters, bursting to another cluster or a cloud.')
    .version(VERSION, '--version')
    .showHelpAfterError('(run with --help for usage)')
    // SkyPilot's --config: laid over ~/.skyport/config.yaml for this run (any command; a launch sends its
    // task-level kubernetes settings with the task, where the admin's policy applies).
    .option('--config <file|key=value>', "a config file, or key.path=value pairs, laid over your config (repeatable): '--config kubernetes.provision_timeout=600'", collect, [])
    // Optional: tests drive the program with a partial context.
    .hook('preAction', (root) => ctx.setConfigOverrides?.((root.opts() as { config?: string[] }).config ?? []))
    .addHelpText(
      'after',
      `
Examples:
  $ skyport validate task.yaml
  $ skyport launch -c dev task.yaml
  $ skyport status
  $ skyport launch --config kubernetes.provision_timeout=600 task.yaml

Exit codes: 0 success, 1 the task or job failed, 2 usage or validation error.
The api is at $SKYPORT_API_URL, api.endpoint in ~/.skyport/config.yaml, or http://127.0.0.1:26580.`,
    );
  for (const make of [
    validateCommand,
    launchCommand,
    execCommand,
    statusCommand,
    queueCommand,
    logsCommand,
    cancelCommand,
    downCommand,
    stopCommand,
    startCommand,
    autostopCommand,
    checkCommand,
    showGpusCommand,
    costReportCommand,
    volumesCommand,
    storageCommand,
    jobsCommand,
    sshCommand,
    apiCommand,
    completionCommand,
  ]) {
    program.addCommand(make(ctx));
  }
  return program;
}
