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

/**
 * Whether `value` holds more than `max` object keys and array items in all, counted at every
 * level. Walks without recursion and stops as soon as the count passes `max`, so it ends on
 * any input, a cyclic one included.
 */
export function holdsMoreEntriesThan(value: unknown, max: number): boolean {
  const pending: unknown[] = [value];
  let count = 0;
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === null || typeof node !== "object" || ArrayBuffer.isView(node)) continue;
    const children = Array.isArray(node) ? node : Object.values(node);
    count += children.length;
    if (count > max) return true;
    for (const child of children) pending.push(child);
  }
  return false;
}
