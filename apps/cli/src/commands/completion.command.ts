import { Argument, Command } from 'commander';
import type { CliContext } from '../context/cli-context';
import { bashCompletionScript } from '../completion/bash-completion';
import { completionTree } from '../completion/completion-tree';
import { zshCompletionScript } from '../completion/zsh-completion';

const SCRIPTS = { bash: bashCompletionScript, zsh: zshCompletionScript };
type Shell = keyof typeof SCRIPTS;

export function completionCommand(ctx: CliContext): Command {
  return new Command('completion')
    .description('Print a shell completion script (commands, subcommands, flags and their values) for bash or zsh')
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(Object.keys(SCRIPTS)))
    .addHelpText(
      'after',
      `
Examples:
  $ skyport completion bash > ~/.local/share/bash-completion/completions/skyport
  $ skyport completion zsh > ~/.zsh/completions/_skyport

Install for bash (either):
  - with the bash-completion package: save it where it looks, as above, and open a new shell;
  - or add this line to ~/.bashrc:  source <(skyport completion bash)

Install for zsh (either):
  - save it as _skyport in a directory of $fpath, before compinit runs in ~/.zshrc:
      mkdir -p ~/.zsh/completions && skyport completion zsh > ~/.zsh/completions/_skyport
      # in ~/.zshrc, before compinit:  fpath=(~/.zsh/completions $fpath)
  - or add this line to ~/.zshrc, after compinit:  source <(skyport completion zsh)

The script is generated from this version's commands: regenerate it after upgrading skyport.`,
    )
    .action((shell: Shell, _opts: unknown, command: Command) => {
      let program = command;
      while (program.parent) program = program.parent;
      ctx.stdout.write(SCRIPTS[shell](completionTree(program), program.version() ?? ''));
    });
}
