import * as z from "zod";

/**
 * Shapes that carry their payload either by URL or by uploaded file id: exactly one of the two keys.
 * (One object with a check rather than a nested union, so the outer union stays discriminated.)
 */
export function oneOfKeys<S extends z.ZodRawShape, A extends string, B extends string>(shape: S, a: A, b: B) {
  return z
    .object({ ...shape, [a]: z.string().optional(), [b]: z.string().optional() } as S &
      Record<A | B, z.ZodOptional<z.ZodString>>)
    .superRefine((value, ctx) => {
      const record = value as Record<string, unknown>;
      if ((record[a] === undefined) === (record[b] === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: [a],
          message: `exactly one of \`${a}\` and \`${b}\` is required`,
        });
      }
    });
}
