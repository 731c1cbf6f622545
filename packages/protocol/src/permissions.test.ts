import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as Permissions from "./permissions.js";
import * as v2 from "./v2/index.js";
import {
  AdditionalPermissionProfile,
  FileSystemAccessMode,
  FileSystemPermissions,
  FileSystemSpecialPath,
  PermissionProfile,
  CoreSandboxPolicy,
  formatSpecialPathToken,
  intersectAdditionalPermissions,
  materializeAdditionalPermissions,
  mergeAdditionalPermissions,
  relativeOverlayPaths,
  parseSpecialPathToken,
  permissionProfileToSandboxPolicy,
  sandboxPolicyToPermissionProfile,
  sandboxPolicyToPermissionProfileForCwd,
  workspaceWritePermissionProfile,
} from "./permissions.js";

function issuePaths(schema: z.ZodType, input: unknown): string[] {
  const r = schema.safeParse(input);
  expect(r.success).toBe(false);
  return r.error!.issues.map((i) => i.path.join("."));
}

describe("FileSystemAccessMode", () => {
  it("reads none as deny and writes deny", () => {
    expect(FileSystemAccessMode.parse("none")).toBe("deny");
    expect(FileSystemAccessMode.parse("deny")).toBe("deny");
    expect(FileSystemAccessMode.parse("write")).toBe("write");
    expect(FileSystemAccessMode.safeParse("nope").success).toBe(false);
  });
});

describe("FileSystemSpecialPath", () => {
  it("reads the old current_working_directory tag as project_roots", () => {
    expect(FileSystemSpecialPath.parse({ kind: "current_working_directory" })).toEqual({
      kind: "project_roots",
    });
    expect(FileSystemSpecialPath.parse({ kind: "project_roots", subpath: "docs" })).toEqual({
      kind: "project_roots",
      subpath: "docs",
    });
  });
  it("keeps unknown future kinds as unknown", () => {
    expect(FileSystemSpecialPath.parse({ kind: "home_dir" })).toEqual({ kind: "unknown", path: ":home_dir" });
  });
  it("parses and formats config tokens", () => {
    expect(parseSpecialPathToken(":cwd")).toEqual({ kind: "project_roots" });
    expect(parseSpecialPathToken(":project_roots", "src")).toEqual({ kind: "project_roots", subpath: "src" });
    expect(parseSpecialPathToken("/abs")).toBeNull();
    expect(formatSpecialPathToken({ kind: "slash_tmp" })).toBe(":slash_tmp");
    expect(formatSpecialPathToken({ kind: "unknown", path: ":x" })).toBe(":x");
  });
});

describe("PermissionProfile", () => {
  it("parses the tagged shapes unchanged", () => {
    for (const p of [
      { type: "disabled" },
      { type: "external", network: "enabled" },
      workspaceWritePermissionProfile({ writableRoots: ["/data"] }),
      { type: "managed", file_system: { type: "unrestricted" }, network: "restricted" },
    ]) {
      expect(PermissionProfile.parse(p)).toEqual(p);
    }
  });

  it("upgrades the legacy untagged shape and writes it canonically", () => {
    const legacy = {
      network: { enabled: true },
      file_system: { read: ["/etc"], write: ["/work"] },
    };
    const parsed = PermissionProfile.parse(legacy);
    expect(parsed).toEqual({
      type: "managed",
      network: "enabled",
      file_system: {
        type: "restricted",
        entries: [
          { path: { type: "path", path: "/etc" }, access: "read" },
          { path: { type: "path", path: "/work" }, access: "write" },
        ],
      },
    });
    // canonical on write: a re-read of the written JSON is a fixed point
    expect(PermissionProfile.parse(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
    expect(PermissionProfile.parse({})).toEqual({
      type: "managed",
      network: "restricted",
      file_system: { type: "restricted", entries: [] },
    });
  });

  it("upgrades legacy access and special-path spellings nested inside", () => {
    const parsed = PermissionProfile.parse({
      network: null,
      file_system: {
        entries: [
          { path: { type: "special", value: { kind: "current_working_directory" } }, access: "write" },
          { path: { type: "glob_pattern", pattern: "**/*.env" }, access: "none" },
        ],
        glob_scan_max_depth: 3,
      },
    });
    expect(parsed).toEqual({
      type: "managed",
      network: "restricted",
      file_system: {
        type: "restricted",
        glob_scan_max_depth: 3,
        entries: [
          { path: { type: "special", value: { kind: "project_roots" } }, access: "write" },
          { path: { type: "glob_pattern", pattern: "**/*.env" }, access: "deny" },
        ],
      },
    });
  });

  it("bad input yields a zod error naming the path", () => {
    expect(
      issuePaths(PermissionProfile, {
        type: "managed",
        network: "restricted",
        file_system: { type: "restricted", entries: [{ path: { type: "path", path: "/x" }, access: "all" }] },
      }),
    ).toEqual(["file_system.entries.0.access"]);
    expect(issuePaths(PermissionProfile, { network: { enabled: "yes" } })).toEqual(["network.enabled"]);
    expect(
      issuePaths(PermissionProfile, {
        type: "managed",
        network: "on",
        file_system: { type: "unrestricted" },
      }),
    ).toEqual(["network"]);
    expect(issuePaths(z.object({ p: PermissionProfile }), { p: { file_system: { read: [1] } } })).toEqual([
      "p.file_system.read.0",
    ]);
    expect(PermissionProfile.safeParse({ bogus: 1 }).success).toBe(false);
    expect(PermissionProfile.safeParse("managed").success).toBe(false);
  });
});

describe("AdditionalPermissionProfile", () => {
  it("fills absent fields with null and upgrades legacy read/write", () => {
    expect(AdditionalPermissionProfile.parse({})).toEqual({ network: null, file_system: null });
    expect(AdditionalPermissionProfile.parse({ network: {}, file_system: { write: ["/a"] } })).toEqual({
      network: { enabled: null },
      file_system: { entries: [{ path: { type: "path", path: "/a" }, access: "write" }] },
    });
    expect(FileSystemPermissions.parse({ entries: [] })).toEqual({ entries: [] });
    expect(
      issuePaths(AdditionalPermissionProfile, { file_system: { entries: [{ access: "read" }] } }),
    ).toEqual(["file_system.entries.0.path"]);
  });
});

describe("SandboxPolicy conversions", () => {
  const cwd = "/home/u/proj";

  it("applies defaults when reading", () => {
    expect(CoreSandboxPolicy.parse({ type: "workspace-write" })).toEqual({
      type: "workspace-write",
      writable_roots: [],
      network_access: false,
      exclude_tmpdir_env_var: false,
      exclude_slash_tmp: false,
    });
    expect(CoreSandboxPolicy.parse({ type: "external-sandbox" })).toEqual({
      type: "external-sandbox",
      network_access: "restricted",
    });
    expect(issuePaths(CoreSandboxPolicy, { type: "read-only", network_access: "no" })).toEqual([
      "network_access",
    ]);
  });

  it("danger-full-access ↔ disabled and external-sandbox ↔ external", () => {
    expect(sandboxPolicyToPermissionProfile({ type: "danger-full-access" })).toEqual({ type: "disabled" });
    expect(permissionProfileToSandboxPolicy({ type: "disabled" }, cwd)).toEqual({
      ok: true,
      policy: { type: "danger-full-access" },
    });
    const ext = CoreSandboxPolicy.parse({ type: "external-sandbox", network_access: "enabled" });
    expect(sandboxPolicyToPermissionProfile(ext)).toEqual({ type: "external", network: "enabled" });
    expect(permissionProfileToSandboxPolicy({ type: "external", network: "enabled" }, cwd)).toEqual({
      ok: true,
      policy: ext,
    });
  });

  it("read-only and workspace-write round-trip through the symbolic projection", () => {
    for (const raw of [
      { type: "read-only", network_access: true },
      { type: "workspace-write", writable_roots: ["/data"], exclude_slash_tmp: true },
      { type: "workspace-write", network_access: true, exclude_tmpdir_env_var: true },
    ]) {
      const policy = CoreSandboxPolicy.parse(raw);
      const profile = sandboxPolicyToPermissionProfile(policy);
      expect(profile.type).toBe("managed");
      expect(permissionProfileToSandboxPolicy(profile, cwd)).toEqual({ ok: true, policy });
    }
  });

  it("the symbolic projection writes :project_roots, the cwd-bound one writes cwd and protects subpaths", () => {
    const policy = CoreSandboxPolicy.parse({ type: "workspace-write", writable_roots: ["/data"] });
    const symbolic = sandboxPolicyToPermissionProfile(policy);
    expect(JSON.stringify(symbolic)).toContain('"project_roots"');
    expect(JSON.stringify(symbolic)).not.toContain(cwd);
    const bound = sandboxPolicyToPermissionProfileForCwd(policy, cwd);
    if (bound.type !== "managed" || bound.file_system.type !== "restricted")
      throw new Error("expected managed");
    const entries = bound.file_system.entries;
    expect(entries).toContainEqual({ path: { type: "path", path: cwd }, access: "write" });
    expect(entries).toContainEqual({ path: { type: "path", path: `${cwd}/.git` }, access: "read" });
    expect(entries).toContainEqual({ path: { type: "path", path: "/data/.codex" }, access: "read" });
    expect(JSON.stringify(bound)).not.toContain("project_roots");
    expect(permissionProfileToSandboxPolicy(bound, cwd)).toEqual({ ok: true, policy });
  });

  it("a profile writing outside any workspace cannot become a legacy policy", () => {
    const r = permissionProfileToSandboxPolicy(
      {
        type: "managed",
        network: "restricted",
        file_system: {
          type: "restricted",
          entries: [{ path: { type: "path", path: "/elsewhere" }, access: "write" }],
        },
      },
      cwd,
    );
    expect(r.ok).toBe(false);
  });
});

describe("additional-permission overlays", () => {
  const cwd = "/home/u/proj";
  const overlay = AdditionalPermissionProfile.parse({
    network: { enabled: true },
    file_system: {
      entries: [
        { path: { type: "path", path: "build" }, access: "write" },
        { path: { type: "path", path: "/etc/ssl" }, access: "read" },
        { path: { type: "special", value: { kind: "project_roots", subpath: "docs" } }, access: "read" },
      ],
    },
  });

  it("finds relative paths and materializes them against the workdir", () => {
    expect(relativeOverlayPaths(overlay)).toEqual(["build"]);
    const m = materializeAdditionalPermissions(overlay, cwd);
    expect(m.file_system?.entries.map((e) => e.path)).toEqual([
      { type: "path", path: `${cwd}/build` },
      { type: "path", path: "/etc/ssl" },
      { type: "path", path: `${cwd}/docs` },
    ]);
    expect(relativeOverlayPaths(m)).toEqual([]);
  });

  it("merges overlays as a union", () => {
    const a = AdditionalPermissionProfile.parse({ file_system: { read: ["/a"] } });
    const b = AdditionalPermissionProfile.parse({
      network: { enabled: false },
      file_system: { read: ["/a"], write: ["/b"] },
    });
    const c = AdditionalPermissionProfile.parse({ network: { enabled: true } });
    expect(mergeAdditionalPermissions(a, null, b, c)).toEqual({
      network: { enabled: true },
      file_system: {
        entries: [
          { path: { type: "path", path: "/a" }, access: "read" },
          { path: { type: "path", path: "/b" }, access: "write" },
        ],
      },
    });
    expect(mergeAdditionalPermissions()).toEqual({ network: null, file_system: null });
  });

  it("intersects a client's grant with the request: no more than asked", () => {
    const granted = AdditionalPermissionProfile.parse({
      network: { enabled: true },
      file_system: {
        entries: [
          { path: { type: "path", path: `${cwd}/build` }, access: "read" }, // weaker than asked: kept
          { path: { type: "path", path: "/etc/ssl" }, access: "write" }, // stronger than asked: dropped
          { path: { type: "path", path: "/root" }, access: "write" }, // never asked: dropped
          { path: { type: "path", path: "/secret" }, access: "deny" }, // narrows: kept
        ],
      },
    });
    expect(intersectAdditionalPermissions(overlay, granted, cwd)).toEqual({
      network: { enabled: true },
      file_system: {
        entries: [
          { path: { type: "path", path: `${cwd}/build` }, access: "read" },
          { path: { type: "path", path: "/secret" }, access: "deny" },
        ],
      },
    });
    const noNet = intersectAdditionalPermissions(
      AdditionalPermissionProfile.parse({}),
      AdditionalPermissionProfile.parse({ network: { enabled: true } }),
      cwd,
    );
    expect(noNet.network).toEqual({ enabled: false });
  });
});

describe("JSON Schema", () => {
  it("every permission schema has one, for input and for output", () => {
    const schemas = Object.entries(Permissions).filter(([, v]) => v instanceof z.ZodType);
    expect(schemas.length).toBeGreaterThan(10);
    for (const [name, schema] of schemas) {
      for (const io of ["input", "output"] as const) {
        expect(() => z.toJSONSchema(schema as z.ZodType, { io }), `${name} (${io})`).not.toThrow();
      }
    }
    const out = z.toJSONSchema(PermissionProfile, { io: "output" }) as { oneOf?: unknown[] };
    expect(out.oneOf).toHaveLength(3);
  });
});

describe("legacy read-access fields on the sandbox policy: fullAccess dropped, restricted rejected", () => {
  const restricted = { type: "restricted", includePlatformDefaults: true, readableRoots: ["/work"] };
  it.each([
    ["core read-only", CoreSandboxPolicy, { type: "read-only", access: restricted }, "access"],
    ["core workspace-write", CoreSandboxPolicy, { type: "workspace-write", read_only_access: restricted }, "read_only_access"],
    ["v2 readOnly", v2.SandboxPolicy, { type: "readOnly", access: restricted }, "access"],
    ["v2 workspaceWrite", v2.SandboxPolicy, { type: "workspaceWrite", readOnlyAccess: restricted }, "readOnlyAccess"],
  ] as const)("%s: restricted is an issue on the field, never full read", (_name, schema, input, field) => {
    const r = (schema as z.ZodType).safeParse(input);
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(r.error.issues[0]?.path).toEqual([field]);
      expect(r.error.issues[0]?.message).toMatch(new RegExp(`^${field}: restricted read access`));
    }
  });

  it("fullAccess (the no-op default) is accepted and dropped; so is null", () => {
    expect(CoreSandboxPolicy.parse({ type: "read-only", access: { type: "full-access" } })).toEqual({
      type: "read-only",
      network_access: false,
    });
    expect(v2.SandboxPolicy.parse({ type: "workspaceWrite", readOnlyAccess: { type: "fullAccess" } })).toEqual({
      type: "workspaceWrite",
      writableRoots: [],
      networkAccess: false,
      excludeTmpdirEnvVar: false,
      excludeSlashTmp: false,
    });
    expect(v2.SandboxPolicy.parse({ type: "readOnly", access: null })).toEqual({ type: "readOnly", networkAccess: false });
    // An unknown access shape is not silently read as full either.
    expect(v2.SandboxPolicy.safeParse({ type: "readOnly", access: "everything" }).success).toBe(false);
  });
});

describe("permissionProfileFromConfig ([permissions.NAME] tables)", () => {
  const { permissionProfileFromConfig } = Permissions;
  it("builds the profile: filesystem entries (deny globs kept), workspace roots, network, extends", () => {
    const profiles = {
      base: { filesystem: { ":minimal": "read", ":project_roots": { ".": "write", "**/*.env": "deny", docs: "read" } } },
      dev: { extends: "base", network: { enabled: true }, workspace_roots: { "/srv/extra": true, "/srv/off": false } },
    };
    const r = permissionProfileFromConfig("dev", profiles);
    expect(r).toEqual({
      ok: true,
      profile: {
        type: "managed",
        network: "enabled",
        file_system: {
          type: "restricted",
          entries: [
            { path: { type: "special", value: { kind: "minimal" } }, access: "read" },
            { path: { type: "special", value: { kind: "project_roots" } }, access: "write" },
            { path: { type: "glob_pattern", pattern: "**/*.env" }, access: "deny" },
            { path: { type: "special", value: { kind: "project_roots", subpath: "docs" } }, access: "read" },
            { path: { type: "path", path: "/srv/extra" }, access: "write" },
          ],
        },
      },
    });
    expect(permissionProfileFromConfig(":danger-full-access", {})).toEqual({ ok: true, profile: { type: "disabled" } });
  });

  it("refuses what it cannot express instead of dropping it", () => {
    const err = (id: string, profiles: Record<string, unknown>) => {
      const r = permissionProfileFromConfig(id, profiles);
      return r.ok ? "ok" : r.error;
    };
    expect(err("nope", {})).toContain("unknown permission profile: `nope`");
    expect(err("a", { a: { filesystem: { ":future": "deny" } } })).toContain("unknown special path :future");
    expect(err("a", { a: { filesystem: { ":project_roots": { "**/*.md": "read" } } } })).toContain("only deny globs");
    expect(err("a", { a: { filesystem: { "/x": "execute" } } })).toContain("unknown access");
    expect(err("a", { a: { extends: "a" } })).toContain("extends itself");
    expect(err("a", { a: { network: { enabled: true, domains: ["x"] } } })).toContain("only network.enabled");
    expect(err("a", { a: { unknown_thing: 1 } })).toContain("does not support: unknown_thing");
  });
});
