const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argument for a POSIX shell: left alone when it is plainly safe, otherwise single-quoted. */
export function shellQuote(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * An argv as one command line. SSH carries a command as a string that the remote login shell parses, so the
 * same argv that the Kubernetes exec API runs (`['sh', '-c', script, 'sh', arg]`) must be quoted to mean the same.
 */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
