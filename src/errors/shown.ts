/**
 * A value a caller passed, or a probe threw, as text for a message or its
 * details: what String() makes of it ("Error: message" for an Error). Bad
 * input must get its coded error, so this never throws: an object without a
 * prototype, or with a throwing toString, is named by its type.
 */
export function shown(value: unknown): string {
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}
