/** A sub-agent's requested mode narrows the parent's profile; it never drops its deny rules. */
import { globEntry, workspaceWritePermissionProfile } from "@codex-ts/protocol";
import { canReadPath, canWritePath, resolvePolicy } from "@codex-ts/sandboxing";
import { describe, expect, it } from "vitest";
import { narrowProfile } from "./effective.js";

describe("narrowProfile", () => {
  const parent = workspaceWritePermissionProfile({ excludeSlashTmp: true, excludeTmpdirEnvVar: true });
  if (parent.type === "managed" && parent.file_system.type === "restricted") parent.file_system.entries.push(globEntry("/srv/secret.env", "deny"));
  const resolve = (p: ReturnType<typeof narrowProfile>) => resolvePolicy(p, { cwd: "/srv", workspaceRoots: ["/srv"] });

  it("read-only: writes become reads, the deny rule stays", () => {
    const child = resolve(narrowProfile(parent, "read-only"));
    expect(canWritePath(child, "/srv/a.txt")).toBe(false);
    expect(canReadPath(child, "/srv/a.txt")).toBe(true);
    expect(canReadPath(child, "/srv/secret.env")).toBe(false);
  });

  it("workspace-write keeps the parent's profile; a disabled parent becomes plain modes", () => {
    expect(narrowProfile(parent, "workspace-write")).toBe(parent);
    expect(narrowProfile({ type: "disabled" }, "read-only")).toMatchObject({ type: "managed" });
    expect(canWritePath(resolve(narrowProfile({ type: "disabled" }, "read-only")), "/srv/a.txt")).toBe(false);
  });
});
