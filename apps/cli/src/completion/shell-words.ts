import type { CompletionCommand } from './completion-tree';

export interface CommandPath {
  /** The words after the program's name: [] for the program, ['api', 'login'] for `api login`. */
  path: string[];
  /** The same with aliases too: every way of typing the path. */
  spellings: string[][];
  command: CompletionCommand;
}

/** Every command of the tree with the words that reach it, the program first, parents before children. */
export function commandPaths(program: CompletionCommand): CommandPath[] {
  const walk = (command: CompletionCommand, path: string[], spellings: string[][]): CommandPath[] => [
    { path, spellings, command },
    ...command.commands.flatMap((sub) =>
      walk(
        sub,
        [...path, sub.name],
        spellings.flatMap((words) => [sub.name, ...sub.aliases].map((word) => [...words, word])),
      ),
    ),
  ];
  return walk(program, [], [[]]);
}
