/**
 * Core (snake_case) permission shapes, as codex-rs writes them in rollouts, core ops and
 * config-derived state, and the conversions around them. One module per seam:
 * - ./permissions/schemas.ts — the zod schemas (`PermissionProfile`, `AdditionalPermissionProfile`,
 *   filesystem entries, special paths, network policy, the legacy `CoreSandboxPolicy`);
 * - ./permissions/builders.ts — entry and profile builders, config `:special` tokens;
 * - ./permissions/convert.ts — legacy `SandboxPolicy` ↔ `PermissionProfile`;
 * - ./permissions/overlays.ts — additional-permission overlays (validate, materialize, merge, intersect);
 * - ./permissions/named.ts — `[permissions.<name>]` profiles from config.toml.
 */
export * from "./permissions/schemas.js";
export * from "./permissions/builders.js";
export * from "./permissions/convert.js";
export * from "./permissions/overlays.js";
export * from "./permissions/named.js";
