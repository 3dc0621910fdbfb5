/**
 * Forward compatibility of message bodies: a receiver keeps the members its schema knows and drops
 * the others before validating (docs/federation.md, "Versioning"). A newer node may add optional
 * members; an older node reads what it knows and the stored message keeps the rest verbatim.
 * Walks zod 4 schema definitions: objects, optional/nullable/default wrappers, arrays and pipes.
 */
import type { z } from 'zod';

type SchemaDefinition = Readonly<{
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  shape?: Readonly<Record<string, z.ZodType>>;
}>;

function definitionOf(schema: z.ZodType): SchemaDefinition {
  return (schema as unknown as { _zod: { def: SchemaDefinition } })._zod.def;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `value` without the object members `schema` does not describe, at every depth. */
export function keepKnownMembers(schema: z.ZodType, value: unknown): unknown {
  const definition = definitionOf(schema);
  const inner = definition.innerType ?? definition.in;
  if (inner) return keepKnownMembers(inner, value);
  if (definition.type === 'array' && definition.element && Array.isArray(value)) {
    const element = definition.element;
    return value.map((item) => keepKnownMembers(element, item));
  }
  if (definition.type === 'object' && definition.shape && isPlainObject(value)) {
    const known: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(value)) {
      const memberSchema = definition.shape[name];
      if (memberSchema && Object.hasOwn(definition.shape, name))
        known[name] = keepKnownMembers(memberSchema, member);
    }
    return known;
  }
  return value;
}
