/** A cluster name argument with `*`, `?` or `[...]` is a pattern (`skyport down 'dev-*'`), as SkyPilot reads it. */
export function isClusterGlob(name: string): boolean {
  return /[*?[]/.test(name);
}

/**
 * Python's `fnmatch.fnmatchcase` as a regular expression: `*` any text, `?` one character, `[abc]` / `[a-z]` one
 * of them, `[!abc]` none of them; a `[` without its `]` is itself. Whole-name match, case-sensitive.
 */
export function fnmatchRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) {
        out += '\\[';
        continue;
      }
      let set = pattern.slice(i + 1, j).replace(/\\/g, '\\\\');
      if (set.startsWith('!')) set = `^${set.slice(1)}`;
      else if (set.startsWith('^')) set = `\\${set}`;
      out += `[${set}]`;
      i = j;
    } else out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^(?:${out})$`, 's');
}

/** The names that match any of the patterns, in the order given. */
export function matchClusterNames(patterns: readonly string[], names: readonly string[]): string[] {
  const regexps = patterns.map(fnmatchRegExp);
  return names.filter((name) => regexps.some((r) => r.test(name)));
}
