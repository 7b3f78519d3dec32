/** How deep a JSON value may nest in any input: far past real payloads, far below the stack. */
export const MAX_NESTING = 64;

/**
 * Whether `value` nests arrays and objects deeper than `max` levels. Stops at `max`, so it
 * is safe on hostile input, including a cyclic object from YAML aliases.
 */
export function nestsDeeperThan(value: unknown, max = MAX_NESTING): boolean {
  const walk = (node: unknown, depth: number): boolean => {
    if (node === null || typeof node !== "object" || ArrayBuffer.isView(node)) return false;
    if (depth >= max) return true;
    for (const child of Object.values(node)) if (walk(child, depth + 1)) return true;
    return false;
  };
  return walk(value, 0);
}
