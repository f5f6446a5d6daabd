import type { CompletionCommand } from './completion-tree';
import { shellSingleQuote } from '@skyport/contracts';
import { commandPaths } from './shell-words';

/**
 * A bash completion script for the program (bash 3.2 and later: no associative arrays). Static: the command tree
 * is written into the script, so pressing TAB runs no node process.
 */
export function bashCompletionScript(program: CompletionCommand, version: string): string {
  const name = program.name;
  const fn = `_${name.replace(/\W/g, '_')}`;
  const entries = commandPaths(program);
  const specCases = entries.map(({ spellings, command }) => {
    const words = (list: string[]): string => shellSingleQuote(list.join(' '));
    const values: [string, string[]][] = [
      ['cmds', command.commands.flatMap((sub) => [sub.name, ...sub.aliases])],
      ['opts', command.options.flatMap((o) => o.names)],
      ['value_opts', command.options.filter((o) => o.takesValue).flatMap((o) => o.names)],
      ['arg_values', command.argumentChoices],
    ];
    const lines = values.filter(([, list]) => list.length > 0).map(([variable, list]) => `${variable}=${words(list)}`);
    return `    ${spellings.map((words) => shellSingleQuote(words.join(' '))).join('|')})\n      ${lines.join('\n      ')}\n      ;;`;
  });
  const choiceCases = entries.flatMap(({ spellings, command }) =>
    command.options
      .filter((o) => o.choices.length > 0)
      .map((o) => {
        const patterns = spellings.flatMap((words) => o.names.map((flag) => shellSingleQuote(`${words.join(' ')}/${flag}`)));
        return `    ${patterns.join('|')}) values=${shellSingleQuote(o.choices.join(' '))} ;;`;
      }),
  );
  return `# bash completion for ${name} ${version}, written by \`${name} completion bash\`.
# Install: \`${name} completion --help\`. Regenerate it after upgrading ${name}.

# The subcommands, flags and argument values of the command named by $1 ('' is ${name} itself, then e.g. 'api login').
${fn}_spec() {
  cmds='' opts='' value_opts='' arg_values=''
  case $1 in
${specCases.join('\n')}
  esac
}

# The values that flag $2 of command $1 accepts, when it names them.
${fn}_choices() {
  values=''
  case $1/$2 in
${choiceCases.join('\n')}
  esac
}

${fn}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} path='' word option='' args=0 i
  local cmds opts value_opts arg_values values
  ${fn}_spec ''
  for (( i = 1; i < COMP_CWORD; i++ )); do
    word=\${COMP_WORDS[i]}
    # bash splits --flag=value at '=': keep waiting for the value.
    if [[ $word == '=' && -n $option ]]; then continue; fi
    if [[ -n $option ]]; then option=''; continue; fi
    # Everything after -- is passed through (ssh CLUSTER -- COMMAND): complete file names.
    if [[ $word == -- ]]; then return 0; fi
    if [[ $word == -* ]]; then
      if [[ " $value_opts " == *" $word "* ]]; then option=$word; fi
      continue
    fi
    if [[ " $cmds " == *" $word "* ]]; then
      path=\${path:+$path }$word
      args=0
      ${fn}_spec "$path"
    else
      args=$((args + 1))
    fi
  done
  if [[ -n $option ]]; then
    if [[ $cur == '=' ]]; then cur=''; fi
    ${fn}_choices "$path" "$option"
    # A value with no named choices: nothing here, so bash falls back to file names.
    if [[ -n $values ]]; then COMPREPLY=($(compgen -W "$values" -- "$cur")); fi
    return 0
  fi
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [[ -n $cmds ]]; then
    COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
  elif (( args == 0 )) && [[ -n $arg_values ]]; then
    COMPREPLY=($(compgen -W "$arg_values" -- "$cur"))
  fi
  return 0
}

complete -o default -F ${fn} ${name}
`;
}
