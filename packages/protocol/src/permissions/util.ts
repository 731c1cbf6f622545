/** Helpers shared by the permission modules (not part of the package's API). */

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `base/sub` with one slash between them (`/` + `x` → `/x`). */
export function joinPath(base: string, sub: string): string {
  return `${base.replace(/\/+$/, "") || ""}/${sub}`.replace(/^\/\//, "/");
}
