/**
 * How deeply a JSON text nests, found by one pass over its characters without recursion: the
 * check runs before `JSON.parse` and before any recursive validation, so a 16 KB event nested
 * 5,000 levels deep is refused by a loop instead of overflowing a stack (which, outside any
 * catch, stopped a space's sync in both directions). Brackets inside strings don't count.
 * Returns the depth, or stops early once it passes `limit` (returning limit + 1).
 */
export function jsonDepth(text: string, limit = Number.MAX_SAFE_INTEGER): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i += 1;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth += 1;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return limit + 1;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth -= 1;
  }
  return deepest;
}
