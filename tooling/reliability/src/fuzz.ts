/** fast-check generators for the hostile-input tests: token soups and mutations of valid texts. */
import fc from "fast-check";

/** Text built from `tokens` (fragments of the real grammar) and random characters. */
export function soup(tokens: readonly string[], maxLength = 40): fc.Arbitrary<string> {
  return fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...tokens) },
        { weight: 1, arbitrary: fc.string({ maxLength: 6, unit: "binary" }) },
      ),
      { maxLength },
    )
    .map((parts) => parts.join(""));
}

/** A valid text with a few characters deleted, duplicated or replaced. */
export function mutation(valid: string): fc.Arbitrary<string> {
  const edit = fc.tuple(
    fc.nat({ max: valid.length }),
    fc.nat({ max: 8 }),
    fc.string({ maxLength: 4, unit: "binary" }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let text = valid;
    for (const [at, cut, insert] of edits) {
      const i = Math.min(at, text.length);
      text = text.slice(0, i) + insert + text.slice(i + cut);
    }
    return text;
  });
}

/** Either a soup or a mutation: the usual hostile text. */
export function hostile(tokens: readonly string[], valid: string): fc.Arbitrary<string> {
  return fc.oneof(soup(tokens), mutation(valid));
}

/** A readable error: a non-empty string that is not a stringified object. */
export function isClearError(message: unknown): boolean {
  return (
    typeof message === "string" && message.trim().length > 0 && !/\[object Object\]|^undefined$/.test(message)
  );
}
