// How much of an RFI the schema does not know: Partner Center adds fields over time and the bot
// keeps them (the export and a later write-back carry them on), but only within bounds, so a
// small body cannot become a large stored record (docs/architecture.md#hardening).

import { z } from 'zod';

/** Characters (as compact JSON) of every key in `value` that `schema` does not name, at any depth. */
export function unknownFieldsSize(schema: z.ZodType, value: unknown): number {
  if (schema instanceof z.ZodOptional) return unknownFieldsSize(schema.unwrap() as z.ZodType, value);
  // A preprocess (null read as absent) is a pipe from a transform into the schema that names the fields.
  if (schema instanceof z.ZodPipe) return unknownFieldsSize((schema.in instanceof z.ZodTransform ? schema.out : schema.in) as z.ZodType, value);
  if (schema instanceof z.ZodArray && Array.isArray(value)) {
    return value.reduce<number>((sum, item) => sum + unknownFieldsSize(schema.element as z.ZodType, item), 0);
  }
  if (schema instanceof z.ZodUnion) {
    const objectOption = schema.options.find((option) => option instanceof z.ZodObject);
    return objectOption && isPlainObject(value) ? unknownFieldsSize(objectOption as z.ZodType, value) : 0;
  }
  if (schema instanceof z.ZodObject && isPlainObject(value)) {
    const shape = schema.shape as Record<string, z.ZodType>;
    let sum = 0;
    for (const [key, item] of Object.entries(value)) {
      sum += Object.hasOwn(shape, key) ? unknownFieldsSize(shape[key]!, item) : JSON.stringify({ [key]: item }).length;
    }
    return sum;
  }
  return 0;
}

/** The deepest nesting of objects and arrays in `value`, counting stops once past `limit`. */
export function valueDepth(value: unknown, limit: number): number {
  if (value === null || typeof value !== 'object') return 0;
  if (limit <= 0) return 1;
  let deepest = 0;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    deepest = Math.max(deepest, valueDepth(item, limit - 1));
    if (deepest >= limit) break;
  }
  return deepest + 1;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
