import { createInterface } from 'node:readline/promises';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';

/**
 * Asks before doing something that costs or destroys, when a person is there to answer; `-y` skips the question.
 * Without a terminal to ask on (scripts, CI): a launch goes ahead, but a destructive command (`down`, `cancel`,
 * `autostop --down`) refuses unless `-y` says so — SkyPilot's prompt aborts there too — so a script never tears
 * something down by accident.
 */
export async function confirm(ctx: CliContext, question: string, yes: boolean | undefined, options: { destructive?: boolean } = {}): Promise<void> {
  if (yes) return;
  if (!ctx.stdinIsTTY || !ctx.interactive) {
    if (!options.destructive) return;
    throw new CliExit(ExitCode.Usage, `${question.replace(/\?$/, '')}: no terminal to confirm on; pass -y (--yes) to proceed without asking`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${question} [Y/n] `)).trim().toLowerCase();
    if (answer !== '' && answer !== 'y' && answer !== 'yes') throw new CliExit(ExitCode.Failed, 'aborted');
  } finally {
    rl.close();
  }
}
