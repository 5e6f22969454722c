/**
 * Event masks: JSONPath expressions (evaluated by jsonpath-plus, script evaluation off) whose string
 * values are replaced by a same-length run of `*` in the copies that are stored or logged. The
 * delivered copy is never masked.
 */
import { JSONPath } from 'jsonpath-plus';

export class InvalidMaskError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidMaskError';
  }
}

/** A masked deep copy of `value` and how many strings the masks replaced. Throws InvalidMaskError for a bad expression. */
export function maskCopy<T>(value: T, masks: readonly string[]): { masked: T; replaced: number } {
  const masked = structuredClone(value);
  let replaced = 0;
  masks.forEach((path, index) => {
    if (!path.startsWith('$')) throw new InvalidMaskError(index, 'a mask is a JSONPath expression starting with "$"');
    let matches: { parent: unknown; parentProperty: string | number; value: unknown }[];
    try {
      matches = JSONPath({ path, json: masked as object, resultType: 'all', eval: false, wrap: true }) as typeof matches;
    } catch (error) {
      throw new InvalidMaskError(index, `not a usable JSONPath expression: ${(error as Error).message}`);
    }
    for (const match of matches ?? []) {
      if (typeof match.value !== 'string' || match.parent === null || typeof match.parent !== 'object') continue;
      (match.parent as Record<string | number, unknown>)[match.parentProperty] = '*'.repeat([...match.value].length);
      replaced++;
    }
  });
  return { masked, replaced };
}
