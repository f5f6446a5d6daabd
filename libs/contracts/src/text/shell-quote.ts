const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** `text` as one single-quoted POSIX shell word, always quoted (bash, zsh and sh alike): taken literally. */
export function shellSingleQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** One word as a POSIX shell needs it written: unchanged when plainly safe, else single-quoted (`''` when empty). */
export function shellQuote(word: string): string {
  return PLAIN_WORD.test(word) ? word : shellSingleQuote(word);
}

/**
 * An argv as one command line. SSH carries a command as a string that the remote login shell parses, so the
 * same argv that the Kubernetes exec API runs (`['sh', '-c', script, 'sh', arg]`) must be quoted to mean the same.
 */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
