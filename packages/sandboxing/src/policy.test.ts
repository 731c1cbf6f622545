import fs from "node:fs";
import path from "node:path";
import {
  AdditionalPermissionProfile,
  globEntry,
  pathEntry,
  readOnlyPermissionProfile,
  specialEntry,
  workspaceWritePermissionProfile,
} from "@codex-ts/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expandDenyGlobs } from "./globs.js";
import {
  accessFor,
  canReadPath,
  canWritePath,
  hasFullDiskRead,
  hasFullDiskWrite,
  resolvePolicy,
  unenforceableReason,
} from "./policy.js";
import { noTmp, removeDir, restrictedProfile, tempDir } from "./test-util.js";

let root: string;
beforeEach(() => {
  root = tempDir();
  for (const d of [".git", ".codex", ".agents", "src", "deep/a/b/c"])
    fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.writeFileSync(path.join(root, "secret.env"), "S=1");
  fs.writeFileSync(path.join(root, "deep/a/b/c/far.env"), "F=1");
});
afterEach(() => removeDir(root));

describe("resolvePolicy", () => {
  it("disabled and external profiles resolve to no filesystem sandbox", () => {
    const d = resolvePolicy({ type: "disabled" }, { cwd: root });
    expect(d.kind).toBe("disabled");
    expect(d.network.mode).toBe("enabled");
    const e = resolvePolicy({ type: "external", network: "restricted" }, { cwd: root });
    expect(e.kind).toBe("external");
    expect(e.network.mode).toBe("disabled");
    expect(canWritePath(e, "/anything")).toBe(true);
  });

  it("read-only reads everything and writes nothing", () => {
    const p = resolvePolicy(readOnlyPermissionProfile(), { cwd: root, workspaceRoots: [root] });
    expect(hasFullDiskRead(p)).toBe(true);
    expect(canReadPath(p, "/etc/hostname")).toBe(true);
    expect(canWritePath(p, path.join(root, "x"))).toBe(false);
    expect(canWritePath(p, "/tmp/x")).toBe(false);
    expect(p.network.mode).toBe("disabled");
  });

  it(":project_roots resolves to the runtime workspace roots, and to nothing when there are none", () => {
    const profile = workspaceWritePermissionProfile(noTmp);
    const withRoots = resolvePolicy(profile, { cwd: root, workspaceRoots: [root] });
    expect(canWritePath(withRoots, path.join(root, "src/a.ts"))).toBe(true);
    expect(canWritePath(withRoots, "src/a.ts")).toBe(true); // relative to cwd
    const none = resolvePolicy(profile, { cwd: root, workspaceRoots: [] });
    expect(canWritePath(none, path.join(root, "src/a.ts"))).toBe(false);
    expect(canReadPath(none, path.join(root, "src/a.ts"))).toBe(true);
  });

  it("project_roots subpaths resolve under every root", () => {
    const other = tempDir();
    try {
      const profile = restrictedProfile([specialEntry({ kind: "project_roots", subpath: "src" }, "write")]);
      const p = resolvePolicy(profile, { cwd: root, workspaceRoots: [root, other] });
      expect(canWritePath(p, path.join(root, "src/x"))).toBe(true);
      expect(canWritePath(p, path.join(other, "src/x"))).toBe(true);
      expect(canWritePath(p, path.join(root, "x"))).toBe(false);
      expect(canReadPath(p, "/etc")).toBe(false); // no :root read in this profile
    } finally {
      removeDir(other);
    }
  });

  it(".git, .codex and .agents under a writable root stay read-only unless granted explicitly", () => {
    const p = resolvePolicy(workspaceWritePermissionProfile(noTmp), { cwd: root, workspaceRoots: [root] });
    for (const name of [".git", ".codex", ".agents"]) {
      expect(canWritePath(p, path.join(root, name))).toBe(false);
      expect(canWritePath(p, path.join(root, name, "config"))).toBe(false);
      expect(canReadPath(p, path.join(root, name, "config"))).toBe(true);
    }
    expect(canWritePath(p, path.join(root, ".gitignore"))).toBe(true);

    const grant = AdditionalPermissionProfile.parse({
      file_system: { entries: [{ path: { type: "path", path: ".git" }, access: "write" }] },
    });
    const granted = resolvePolicy(workspaceWritePermissionProfile(noTmp), {
      cwd: root,
      workspaceRoots: [root],
      overlays: [grant],
    });
    expect(canWritePath(granted, path.join(root, ".git/hooks/pre-commit"))).toBe(true);
    expect(canWritePath(granted, path.join(root, ".codex/x"))).toBe(false);
  });

  it("protects the git dir a worktree's .git file points at", () => {
    const parent = tempDir();
    try {
      const gitdir = path.join(parent, "repo.git");
      const wt = path.join(parent, "wt");
      fs.mkdirSync(gitdir);
      fs.mkdirSync(wt);
      fs.writeFileSync(path.join(wt, ".git"), `gitdir: ../repo.git\n`);
      const p = resolvePolicy(workspaceWritePermissionProfile({ ...noTmp, writableRoots: [parent] }), {
        cwd: wt,
        workspaceRoots: [wt],
      });
      expect(canWritePath(p, path.join(wt, "file"))).toBe(true);
      expect(canWritePath(p, path.join(parent, "notes.txt"))).toBe(true);
      expect(canWritePath(p, path.join(gitdir, "HEAD"))).toBe(false);
      expect(canWritePath(p, path.join(wt, ".git"))).toBe(false);
    } finally {
      removeDir(parent);
    }
  });

  it("deny beats write and read; the most specific rule wins", () => {
    const profile = restrictedProfile([
      specialEntry({ kind: "root" }, "read"),
      pathEntry(root, "write"),
      { path: { type: "path", path: `${root}/src` }, access: "none" }, // the wire's old name for deny
      pathEntry(`${root}/src`, "write"),
      pathEntry(`${root}/src/public`, "read"),
    ]);
    const p = resolvePolicy(profile, { cwd: root });
    expect(accessFor(p, `${root}/src/x`)).toBe("deny");
    expect(accessFor(p, `${root}/src/public/y`)).toBe("read");
    expect(accessFor(p, `${root}/z`)).toBe("write");
    expect(hasFullDiskRead(p)).toBe(false);
    expect(hasFullDiskWrite(p)).toBe(false);
  });

  it("overlays widen network and add filesystem rules; relative overlay paths resolve against cwd", () => {
    const base = readOnlyPermissionProfile();
    const p = resolvePolicy(base, {
      cwd: root,
      overlays: [
        null,
        AdditionalPermissionProfile.parse({ network: { enabled: true } }),
        AdditionalPermissionProfile.parse({ file_system: { write: ["src"] } }),
      ],
    });
    expect(p.network.mode).toBe("enabled");
    expect(canWritePath(p, path.join(root, "src/new.ts"))).toBe(true);
    expect(canWritePath(p, path.join(root, "other"))).toBe(false);
  });

  it("a restricted network goes through the proxy when one is configured", () => {
    const p = resolvePolicy(readOnlyPermissionProfile(), {
      cwd: root,
      networkProxy: { host: "127.0.0.1", port: 3128 },
    });
    expect(p.network).toEqual({ mode: "proxied", proxy: { host: "127.0.0.1", port: 3128 } });
  });

  it(":tmpdir and /tmp resolve; :minimal gives platform reads; unknown special paths are ignored with a warning", () => {
    const profile = restrictedProfile([
      specialEntry({ kind: "minimal" }, "read"),
      specialEntry({ kind: "tmpdir" }, "write"),
      specialEntry({ kind: "slash_tmp" }, "write"),
      { path: { type: "special", value: { kind: "future_thing" } }, access: "write" }, // unknown on the wire
    ]);
    const p = resolvePolicy(profile, { cwd: root, tmpdir: root, platform: "linux" });
    expect(canWritePath(p, path.join(root, "t"))).toBe(true);
    expect(canWritePath(p, "/tmp/zzz-not-there")).toBe(true);
    expect(canReadPath(p, "/usr/bin/env")).toBe(true);
    expect(canReadPath(p, "/root")).toBe(false);
    expect(p.kind === "restricted" && p.warnings.join()).toContain(":future_thing");
  });

  it("deny-read globs are expanded with a bounded scan depth", () => {
    const profile = (depth?: number) =>
      restrictedProfile([specialEntry({ kind: "root" }, "read"), globEntry("**/*.env", "deny")], depth);
    const shallow = resolvePolicy(profile(2), { cwd: root });
    expect(canReadPath(shallow, path.join(root, "secret.env"))).toBe(false);
    expect(canReadPath(shallow, path.join(root, "deep/a/b/c/far.env"))).toBe(true); // beyond depth 2
    expect(canReadPath(shallow, path.join(root, "src"))).toBe(true);
    const deep = resolvePolicy(profile(), { cwd: root });
    expect(canReadPath(deep, path.join(root, "deep/a/b/c/far.env"))).toBe(false);
  });
});

describe("rules that cannot be enforced fail closed", () => {
  it("a deny on an unknown special path or a capped deny-glob scan makes the policy unenforceable", () => {
    const unknownDeny = restrictedProfile([
      specialEntry({ kind: "root" }, "read"),
      { path: { type: "special", value: { kind: "unknown", path: ":future_secret" } }, access: "deny" },
    ]);
    const p = resolvePolicy(unknownDeny, { cwd: root });
    expect(unenforceableReason(p)).toMatch(/unsupported: .*:future_secret/);
    const readUnknown = restrictedProfile([
      specialEntry({ kind: "root" }, "read"),
      { path: { type: "special", value: { kind: "unknown", path: ":future_thing" } }, access: "read" },
    ]);
    expect(unenforceableReason(resolvePolicy(readUnknown, { cwd: root }))).toBeNull();
  });
});

describe("expandDenyGlobs", () => {
  it("matches dotfiles, treats non-globs as paths, and reports a capped scan", () => {
    fs.writeFileSync(path.join(root, ".hidden.env"), "");
    const r = expandDenyGlobs([`${root}/*.env`, `${root}/plain`], { maxDepth: 1 });
    expect(r.paths.sort()).toEqual([`${root}/.hidden.env`, `${root}/plain`, `${root}/secret.env`].sort());
    const capped = expandDenyGlobs([`${root}/**/*.env`], { maxDepth: 10, maxVisited: 2 });
    expect(capped.warnings.length).toBe(1);
  });
});
