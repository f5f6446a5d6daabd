import { createInterface } from 'node:readline/promises';
import type { CliContext } from '../context/cli-context';
import { CliExit, ExitCode } from '../context/exit-codes';

/**
 * Asks before doing something that costs or destroys, when a person is there to answer; `-y` or a
 * non-interactive stdin (scripts, CI) skips the question.
 */
export async function confirm(ctx: CliContext, question: string, yes: boolean | undefined): Promise<void> {
  if (yes || !ctx.stdinIsTTY || !ctx.interactive) return;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${question} [Y/n] `)).trim().toLowerCase();
    if (answer !== '' && answer !== 'y' && answer !== 'yes') throw new CliExit(ExitCode.Failed, 'aborted');
  } finally {
    rl.close();
  }
}
