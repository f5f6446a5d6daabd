/** A query value as a string: a repeated parameter (`?a=1&a=2`) or a nested one is refused by using its first value. */
export function str(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return str(value[0]);
  return typeof value === 'string' ? value : undefined;
}
