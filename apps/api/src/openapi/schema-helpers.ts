/** Small builders for the hand-kept OpenAPI document: the shapes stay readable next to the DTOs they mirror. */
export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
export const int = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });
export const num = (extra: Schema = {}): Schema => ({ type: 'number', ...extra });
export const bool = (): Schema => ({ type: 'boolean' });
export const arr = (items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, ...extra });
export const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
export const map = (values: Schema): Schema => ({ type: 'object', additionalProperties: values });
export const dateTime = (): Schema => ({ type: 'string', format: 'date-time' });

/** An object whose listed keys are all required unless named in `optional`. */
export function obj(properties: Record<string, Schema>, optional: string[] = [], extra: Schema = {}): Schema {
  const required = Object.keys(properties).filter((k) => !optional.includes(k));
  return { type: 'object', properties, ...(required.length ? { required } : {}), ...extra };
}

