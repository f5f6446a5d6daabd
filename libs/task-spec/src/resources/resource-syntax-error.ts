/** Thrown by the resource parsers; the normaliser turns it into a problem at the key path being parsed. */
export class ResourceSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResourceSyntaxError';
  }
}
