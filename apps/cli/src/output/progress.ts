import ora from 'ora';
import type { CliContext } from '../context/cli-context';

/** Shows long work as it happens: a spinner with a step list on a terminal, plain lines elsewhere. */
export interface Progress {
  /** The current step (replaces the spinner text; printed as a line when not interactive). */
  update(text: string): void;
  /** A finished step, kept on screen. */
  done(text: string): void;
  fail(text: string): void;
  /** Pauses the spinner to print ordinary output (logs). */
  stop(): void;
}

export function createProgress(ctx: CliContext, initial: string): Progress {
  if (ctx.interactive) {
    const spinner = ora({ text: initial, stream: ctx.stderr as NodeJS.WritableStream, color: 'cyan', isEnabled: true }).start();
    return {
      update: (text) => {
        if (!spinner.isSpinning) spinner.start();
        spinner.text = text;
      },
      done: (text) => {
        spinner.stopAndPersist({ symbol: ctx.colors.green('✓'), text });
      },
      fail: (text) => {
        spinner.stopAndPersist({ symbol: ctx.colors.red('✗'), text });
      },
      stop: () => {
        spinner.stop();
      },
    };
  }
  // Without a terminal each step is one line as it happens; a step that ends is not repeated, a failure is.
  let last = '';
  const line = (text: string): void => {
    if (text !== last) ctx.err(text);
    last = text;
  };
  line(initial);
  return {
    update: line,
    done: (t) => line(t),
    fail: (t) => {
      ctx.err(`✗ ${t}`);
      last = t;
    },
    stop: () => undefined,
  };
}
