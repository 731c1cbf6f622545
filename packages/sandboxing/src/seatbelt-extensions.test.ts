import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readOnlyPermissionProfile } from "@codex-ts/protocol";
import { describe, expect, it } from "vitest";
import { buildSeatbeltCommand, SANDBOX_EXEC_PATH } from "./macos.js";
import { resolvePolicy } from "./policy.js";
import { prepareSandboxedCommand } from "./prepare.js";
import {
  DEFAULT_MACOS_EXTENSIONS,
  intersectMacOsExtensions,
  type MacOsSeatbeltExtensions,
  parseMacOsAutomation,
  parseMacOsExtensions,
  seatbeltExtensionClauses,
  withSeatbeltExtensions,
} from "./seatbelt-extensions.js";
import { createSandboxWrapper } from "./wrapper.js";

const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), "seatbelt-golden");

/** Compares with seatbelt-golden/<name>.sb (UPDATE_GOLDEN=1 rewrites it). */
function golden(name: string, text: string): void {
  const file = path.join(GOLDEN, `${name}.sb`);
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, text);
  expect(existsSync(file), `${file} is missing (run with UPDATE_GOLDEN=1 to write it)`).toBe(true);
  expect(text).toBe(readFileSync(file, "utf8"));
}

const ext = (over: Partial<MacOsSeatbeltExtensions>): MacOsSeatbeltExtensions => ({
  ...DEFAULT_MACOS_EXTENSIONS,
  ...over,
});

describe("macOS automation permission", () => {
  it("accepts none, all, a list and { bundle_ids } (trimmed, invalid dropped, empty → none)", () => {
    expect(parseMacOsAutomation("none")).toEqual({ ok: true, value: "none" });
    expect(parseMacOsAutomation("all")).toEqual({ ok: true, value: "all" });
    const list = [
      " com.apple.Notes ",
      "com.apple.Calendar",
      "bad bundle",
      "com.apple.Notes",
      'x.y") (allow default)',
    ];
    const expected = { ok: true, value: { bundleIds: ["com.apple.Calendar", "com.apple.Notes"] } };
    expect(parseMacOsAutomation(list)).toEqual(expected);
    expect(parseMacOsAutomation({ bundle_ids: list })).toEqual(expected);
    expect(parseMacOsAutomation([])).toEqual({ ok: true, value: "none" });
    expect(parseMacOsAutomation({ bundle_ids: ["nodot"] })).toEqual({ ok: true, value: "none" });
    for (const bad of ["some", 3, { ids: [] }, [1]]) expect(parseMacOsAutomation(bad).ok).toBe(false);
  });

  it("parses a profile's macos table with safe defaults and clear errors", () => {
    expect(parseMacOsExtensions(undefined)).toEqual({ ok: true, value: DEFAULT_MACOS_EXTENSIONS });
    expect(
      parseMacOsExtensions({ automations: { bundle_ids: ["com.apple.Music"] }, calendar: true }),
    ).toEqual({
      ok: true,
      value: ext({ automation: { bundleIds: ["com.apple.Music"] }, calendar: true }),
    });
    expect(parseMacOsExtensions({ camera: true })).toEqual({
      ok: false,
      error: "unknown macos permission `camera`",
    });
    expect(parseMacOsExtensions({ preferences: "all" }).ok).toBe(false);
    expect(parseMacOsExtensions({ accessibility: "yes" }).ok).toBe(false);
  });

  it("intersects two grants: lower preferences, common targets, and-ed flags", () => {
    const a = ext({
      preferences: "read_only",
      automation: { bundleIds: ["com.apple.Calendar", "com.apple.Notes"] },
      calendar: true,
    });
    const b = ext({
      preferences: "read_write",
      automation: { bundleIds: ["com.apple.Calendar", "com.apple.Reminders"] },
      accessibility: true,
    });
    expect(intersectMacOsExtensions(a, b)).toEqual(
      ext({
        preferences: "read_only",
        automation: { bundleIds: ["com.apple.Calendar"] },
        accessibility: false,
        calendar: false,
      }),
    );
    expect(
      intersectMacOsExtensions(
        ext({ automation: "all" }),
        ext({ automation: { bundleIds: ["com.apple.Notes"] } }),
      ).automation,
    ).toEqual({
      bundleIds: ["com.apple.Notes"],
    });
    expect(intersectMacOsExtensions(ext({ automation: "all" }), ext({ automation: "none" })).automation).toBe(
      "none",
    );
    expect(
      intersectMacOsExtensions(
        ext({ automation: { bundleIds: ["a.b"] } }),
        ext({ automation: { bundleIds: ["c.d"] } }),
      ).automation,
    ).toBe("none");
  });
});

describe("Seatbelt extension clauses (golden)", () => {
  it("default: read-only preferences only", () =>
    golden("default", seatbeltExtensionClauses(DEFAULT_MACOS_EXTENSIONS)));
  it("nothing at all", () => expect(seatbeltExtensionClauses(ext({ preferences: "none" }))).toBe(""));
  it("automation all", () =>
    golden("automation-all", seatbeltExtensionClauses(ext({ preferences: "none", automation: "all" }))));
  it("automation by bundle id, read-write preferences, accessibility, calendar", () =>
    golden(
      "automation-bundle-ids",
      seatbeltExtensionClauses(
        ext({
          preferences: "read_write",
          automation: { bundleIds: ["com.apple.Notes", "com.apple.Calendar"] },
          accessibility: true,
          calendar: true,
        }),
      ),
    ));

  it("extends a full command's profile and keeps its parameters and command", () => {
    const policy = resolvePolicy(readOnlyPermissionProfile(), { cwd: "/Users/dev/proj" });
    const base = buildSeatbeltCommand(policy, ["osascript", "-e", "1"]);
    const cmd = withSeatbeltExtensions(
      base,
      ext({ preferences: "none", automation: { bundleIds: ["com.apple.Notes"] } }),
    );
    golden("read-only-with-notes-automation", cmd.profile);
    expect(cmd.argv[0]).toBe(SANDBOX_EXEC_PATH);
    expect(cmd.argv[2]).toBe(cmd.profile);
    expect(cmd.argv.slice(cmd.argv.indexOf("--"))).toEqual(["--", "osascript", "-e", "1"]);
    expect(cmd.params).toEqual(base.params);
    expect(withSeatbeltExtensions(base, ext({ preferences: "none" }))).toBe(base);
  });
});

describe("a profile's macOS extensions through prepare and the wrapper", () => {
  const notes = ext({ preferences: "none", automation: { bundleIds: ["com.apple.Notes"] } });
  const policy = () => resolvePolicy(readOnlyPermissionProfile(), { cwd: process.cwd(), platform: "darwin" });

  it("macOS: the Seatbelt profile gets the automation clauses; without extensions it is unchanged", async () => {
    const withExt = await prepareSandboxedCommand({ policy: policy(), command: ["osascript"], platform: "macos", macos: notes });
    const without = await prepareSandboxedCommand({ policy: policy(), command: ["osascript"], platform: "macos" });
    if (!withExt.ok || !without.ok) throw new Error("prepare failed");
    expect(withExt.argv[2]).toContain('(appleevent-destination "com.apple.Notes")');
    expect(without.argv[2]).not.toContain("appleevent");
    expect(withExt.argv.slice(-2)).toEqual(["--", "osascript"]);
  });

  it("the wrapper passes the spec's extensions to Seatbelt", async () => {
    const wrap = createSandboxWrapper({ platform: "macos" });
    const spec = { argv: ["osascript"], cwd: process.cwd(), env: {}, sandbox: { mode: "read-only" as const }, macos: notes };
    const wrapped = await wrap(spec);
    if (!wrapped.ok) throw new Error(wrapped.error);
    expect(wrapped.argv[2]).toContain('(appleevent-destination "com.apple.Notes")');
  });
});
