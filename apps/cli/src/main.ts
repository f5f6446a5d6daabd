import { CommanderError } from 'commander';
import { isSkyportError } from '@skyport/contracts';
import { createContext } from './context/cli-context';
import { CliExit, ExitCode, exitCodeFor } from './context/exit-codes';
import { buildProgram } from './program';

async function main(argv: string[]): Promise<number> {
  const ctx = createContext();
  const program = buildProgram(ctx);
  // Commander prints its own usage errors; we only decide the exit code.
  const override = (command: typeof program): void => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync(argv);
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.Ok;
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    if (error instanceof CliExit) {
      if (error.message) ctx.err(`${ctx.colors.red('Error:')} ${error.message}`);
      return error.exitCode;
    }
    if (isSkyportError(error)) {
      ctx.err(`${ctx.colors.red('Error:')} ${error.userMessage}`);
      return exitCodeFor(error);
    }
    // Not ours: still no stack trace for users, unless they ask for one.
    ctx.err(`${ctx.colors.red('Error:')} ${(error as Error)?.message ?? String(error)}`);
    if (process.env.SKYPORT_DEBUG) ctx.err((error as Error)?.stack ?? '');
    return ExitCode.Failed;
  }
}

// `skyport queue | head`: the reader went away; that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
