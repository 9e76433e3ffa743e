// JSON text to a value, with the limits a hostile body needs: a nesting depth checked before
// parsing (deep nesting overflows the stack of every recursive walk after it), and no `__proto__`
// keys, so parsed data can never supply inherited properties (docs/architecture.md#hardening).

export type JsonParse = { ok: true; value: unknown } | { ok: false; message: string };

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The deepest nesting of objects and arrays in `text` (strings skipped), stopping early past `limit`. */
export function nestingDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i += 1;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      depth += 1;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      depth -= 1;
    }
  }
  return deepest;
}

function withoutProto(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}

/** Parses `text` as JSON nested at most `maxDepth` levels; `__proto__` keys are dropped. */
export function parseJsonText(text: string, maxDepth: number): JsonParse {
  if (nestingDepth(text, maxDepth) > maxDepth) return { ok: false, message: `the body nests objects and arrays deeper than ${maxDepth} levels` };
  try {
    return { ok: true, value: JSON.parse(text, withoutProto) };
  } catch (error) {
    return { ok: false, message: `the body is not valid JSON: ${(error as Error).message}` };
  }
}
