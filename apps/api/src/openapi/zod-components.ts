import { z } from 'zod';
import type { Schema } from './schema-helpers';

/**
 * OpenAPI 3.1 component schemas (JSON Schema 2020-12) generated from the contracts' zod schemas, with zod's own
 * converter. `io: 'input'` documents what a client may send (a defaulted field is optional, a null `priority` is
 * allowed) and leaves answers open to added fields, as the hand-written schemas were.
 */
export function zodComponents(schemas: Record<string, z.ZodType>): Record<string, Schema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'input', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(
    Object.entries(generated.schemas).map(([id, schema]) => {
      // Each comes out as a document of its own; inside components.schemas they are plain schemas.
      const component: Schema = { ...schema };
      delete component.$schema;
      delete component.$id;
      return [id, component];
    }),
  );
}
