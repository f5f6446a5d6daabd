// Test support: what a real bash or zsh offers for a command line, given a completion script.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { shellSingleQuote } from '@skyport/contracts';

/**
 * The candidates bash's completion offers for `words` (the last one is the word being completed, '' for a new
 * one), after loading `script` as a user's shell would; the completion function is the one that `complete -p`
 * registered for the command.
 */
export function completeInBash(script: string, words: string[], bash = 'bash'): string[] {
  const driver = `${script}
registered=$(complete -p ${shellSingleQuote(words[0])}) || exit 3
fn=\${registered#*-F }; fn=\${fn%% *}
COMP_WORDS=(${words.map(shellSingleQuote).join(' ')})
COMP_CWORD=${words.length - 1}
COMP_LINE=${shellSingleQuote(words.join(' '))}
COMP_POINT=\${#COMP_LINE}
COMPREPLY=()
"$fn" ${shellSingleQuote(words[0])} ${shellSingleQuote(words[words.length - 1])} ${shellSingleQuote(words[words.length - 2] ?? '')}
printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync(bash, ['--norc', '--noprofile', '-c', driver], { encoding: 'utf8', timeout: 10_000 })
    .split('\n')
    .filter(Boolean);
}

export function hasZsh(): boolean {
  return spawnSync('zsh', ['-fc', 'zmodload zsh/zpty'], { stdio: 'ignore' }).status === 0;
}

/**
 * The candidates zsh offers when TAB is pressed after `line`, in an interactive zsh (driven through zpty) that
 * autoloads `script` from $fpath as `_<command>` after compinit. Every candidate any completer adds is reported.
 */
export function completeInZsh(script: string, command: string, line: string): string[] {
  // On a loaded machine the pty session now and then reads nothing back from a completion (seen in CI: an empty
  // answer for a line that offers two options); an empty answer is asked again twice before it is believed.
  for (let attempt = 1; ; attempt++) {
    const words = completeInZshOnce(script, command, line);
    if (words.length > 0 || attempt === 3) return words;
  }
}

function completeInZshOnce(script: string, command: string, line: string): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'skyport-zsh-'));
  try {
    writeFileSync(path.join(dir, `_${command}`), script);
    // READY/DONE are typed with quotes in the middle so that zle's echo of the typed line does not match.
    const driver = `
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='' PROMPT='' RPROMPT=''"
zpty -w z "fpath=(\${(q)1} \\$fpath); autoload -U compinit; compinit -u -d \${(q)1}/.zcompdump"
zpty -w z 'compadd() { local -a hits; builtin compadd -A hits "$@"; (( $#hits )) && print -r -- "<<\${(j: :)hits}>>"; builtin compadd "$@" }'
zpty -w z "zstyle ':completion:*' list-prompt ''; zstyle ':completion:*' menu no"
zpty -w z 'print RE""ADY'
zpty -r z ignored '*READY*'
zpty -w -n z "$2"$'\\t\\x15'$'print DO""NE\\n'
zpty -r z out '*DONE*'
zpty -d z
print -r -- "$out"`;
    const out = execFileSync('zsh', ['-fc', driver, 'zsh', dir, line], { encoding: 'utf8', timeout: 20_000 });
    const words = [...out.matchAll(/<<(.*?)>>/g)].flatMap((match) => match[1].split(' '));
    return [...new Set(words)].filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
