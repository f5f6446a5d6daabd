import type { CompletionCommand, CompletionOption } from './completion-tree';
import { shellSingleQuote } from '@skyport/contracts';
import { commandPaths } from './shell-words';

/**
 * A zsh completion script for the program: one `_arguments` function per command, with the help texts as
 * descriptions. Works from a directory in $fpath (file `_<name>`) or sourced after compinit.
 */
export function zshCompletionScript(program: CompletionCommand, version: string): string {
  const name = program.name;
  const functionName = (path: string[]): string => ['', name, ...path].join('_').replace(/\W/g, '_');
  const functions = commandPaths(program).map(({ path, command }) => {
    const specs = command.options.map(optionSpec);
    const fn = functionName(path);
    if (command.commands.length === 0) {
      if (command.argumentChoices.length > 0) specs.push(shellSingleQuote(`1:argument:(${command.argumentChoices.join(' ')})`));
      else if (command.takesArguments) specs.push(shellSingleQuote('*:file:_files'));
      return `${fn}() {\n  _arguments -s${specs.map((spec) => ` \\\n    ${spec}`).join('')}\n}`;
    }
    specs.push(shellSingleQuote('1:command:->command'), shellSingleQuote('*::argument:->argument'));
    const described = command.commands.flatMap((sub) => [sub.name, ...sub.aliases].map((word) => shellSingleQuote(`${word.replace(/:/g, '\\:')}:${sub.description}`)));
    const dispatch = command.commands.map((sub) => `        ${[sub.name, ...sub.aliases].map(shellSingleQuote).join('|')}) ${functionName([...path, sub.name])} ;;`);
    return `${fn}() {
  local curcontext=$curcontext state line
  typeset -A opt_args
  _arguments -C -s${specs.map((spec) => ` \\\n    ${spec}`).join('')}
  case $state in
    command)
      local -a commands
      commands=(
        ${described.join('\n        ')}
      )
      _describe -t commands ${shellSingleQuote(`${[name, ...path].join(' ')} command`)} commands
      ;;
    argument)
      curcontext=\${curcontext%:*:*}:${[name, ...path].join('-')}-$words[1]:
      case $words[1] in
${dispatch.join('\n')}
      esac
      ;;
  esac
}`;
  });
  return `#compdef ${name}
# zsh completion for ${name} ${version}, written by \`${name} completion zsh\`.
# Install: \`${name} completion --help\`. Regenerate it after upgrading ${name}.

${functions.join('\n\n')}

# Autoloaded from $fpath the file is the body of ${functionName([])}: define everything, then complete. Sourced: register.
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  ${functionName([])} "$@"
else
  compdef ${functionName([])} ${name}
fi
`;
}

/** `_arguments` specs for one flag: `'*'{-o,--output}'[output format]:format:(table json)'`. */
function optionSpec(option: CompletionOption): string {
  const description = `[${option.description.replace(/([\\[\]])/g, '\\$1')}]`;
  const value = option.takesValue ? `:${option.valueName.replace(/:/g, '\\:')}:${option.choices.length ? `(${option.choices.join(' ')})` : ' '}` : '';
  // Flags with values may repeat (--env A=1 --env B=2); plain flags are offered once.
  const repeat = option.takesValue ? '*' : '';
  const names = option.names.length > 1 ? `{${option.names.join(',')}}` : option.names[0];
  return `${repeat ? shellSingleQuote(repeat) : ''}${names}${shellSingleQuote(description + value)}`;
}
