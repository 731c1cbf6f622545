import { describe, expect, it } from "vitest";
import { additionalPermissionsFromV2, additionalPermissionsToV2 } from "./index.js";

describe("additional permissions v2 <-> core", () => {
  it("round-trips entries, network and glob depth", () => {
    const core = {
      network: { enabled: true },
      file_system: {
        entries: [
          { path: { type: "path" as const, path: "/srv/a" }, access: "write" as const },
          { path: { type: "special" as const, value: { kind: "project_roots" as const } }, access: "read" as const },
        ],
        glob_scan_max_depth: 3,
      },
    };
    const wire = additionalPermissionsToV2(core);
    expect(wire.fileSystem?.entries?.[1]).toEqual({
      path: { type: "special", value: { kind: "project_roots", subpath: null } },
      access: "read",
    });
    expect(additionalPermissionsFromV2(wire)).toEqual({ ok: true, permissions: core });
  });

  it("turns legacy read/write lists into entries and refuses relative paths", () => {
    expect(additionalPermissionsFromV2({ fileSystem: { write: ["/x"] } })).toEqual({
      ok: true,
      permissions: { network: null, file_system: { entries: [{ path: { type: "path", path: "/x" }, access: "write" }] } },
    });
    const bad = additionalPermissionsFromV2({ fileSystem: { write: ["rel/dir"] } });
    expect(bad).toEqual({ ok: false, error: "permission paths must be absolute: rel/dir" });
    expect(additionalPermissionsFromV2({ network: { enabled: "yes" } }).ok).toBe(false);
  });
});
