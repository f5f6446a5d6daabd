import type { Command, Option } from 'commander';

/** One flag as the shell completion scripts see it. */
export interface CompletionOption {
  /** `-o`, `--output`: every spelling of the flag. */
  names: string[];
  description: string;
  /** The next word is this flag's value (`--output json`), not a command or an argument. */
  takesValue: boolean;
  /** What the value is called in help (`format`), for zsh's prompt. */
  valueName: string;
  /** The only values accepted (commander's `.choices()`), offered as completions. */
  choices: string[];
}

/** A command, a subcommand (`api login`) or the program itself. */
export interface CompletionCommand {
  name: string;
  aliases: string[];
  description: string;
  options: CompletionOption[];
  commands: CompletionCommand[];
  /** It takes positional arguments (a task file, a cluster name): those complete as file names... */
  takesArguments: boolean;
  /** ...unless the first one accepts only these (`completion <shell>`: bash, zsh; `help [command]`: the commands). */
  argumentChoices: string[];
}

/**
 * The completion model of a commander program, read from the same definitions that parse the command line and
 * print `--help` (commander's own Help decides what is visible), so a new command or flag completes with no
 * second list to keep.
 */
export function completionTree(command: Command): CompletionCommand {
  const help = command.createHelp();
  const commands = help.visibleCommands(command).map(completionTree);
  // Commander's own `help [command]` takes the name of a sibling command.
  const helpCommand = commands.find((sub) => sub.name === 'help');
  if (helpCommand) helpCommand.argumentChoices = commands.filter((sub) => sub !== helpCommand).map((sub) => sub.name);
  return {
    name: command.name(),
    aliases: command.aliases(),
    description: firstLine(command.description()),
    options: help.visibleOptions(command).map(completionOption),
    commands,
    takesArguments: command.registeredArguments.length > 0,
    argumentChoices: command.registeredArguments[0]?.argChoices ?? [],
  };
}

function completionOption(option: Option): CompletionOption {
  const valueName = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? 'value';
  return {
    names: [option.short, option.long].filter((name): name is string => Boolean(name)),
    description: firstLine(option.description),
    takesValue: option.required || option.optional,
    valueName: valueName.replace(/\.\.\.$/, ''),
    choices: option.argChoices ?? [],
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
