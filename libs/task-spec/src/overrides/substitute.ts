const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Fills `${VAR}` and `$VAR` from the given values. A reference to a name without a value is left as written,
 * for the shell to resolve at run time, as SkyPilot does.
 */
export function substituteVariables(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(REFERENCE, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
  });
}

/** Names referenced as `${VAR}` / `$VAR` in the text. */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(REFERENCE)) names.add(match[1] ?? match[2]);
  return [...names];
}
