import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sandboxPolicyToPermissionProfileForCwd } from "@codex-ts/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  environmentContextText,
  loadProjectDocs,
  permissionsMessage,
  systemTimezone,
  userInputMessage,
  workspaceRootsFor,
} from "./context.js";

let root: string;
beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), "codex-ctx-")));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("context assembly", () => {
  it("reads AGENTS.md from the git root down to cwd, override first, capped", () => {
    mkdirSync(path.join(root, ".git"));
    mkdirSync(path.join(root, "a", "b"), { recursive: true });
    writeFileSync(path.join(root, "AGENTS.md"), "root rules");
    writeFileSync(path.join(root, "a", "AGENTS.md"), "a rules");
    writeFileSync(path.join(root, "a", "AGENTS.override.md"), "a override");
    writeFileSync(path.join(root, "a", "b", "AGENTS.md"), "b rules");
    expect(loadProjectDocs(path.join(root, "a", "b"), 1000)).toBe("root rules\n\na override\n\nb rules");
    expect(loadProjectDocs(path.join(root, "a", "b"), 12)).toBe("root rules\n\na ");
    expect(loadProjectDocs(path.join(root, "a", "b"), 0)).toBeUndefined();
    // Outside the git root nothing above is read.
    expect(loadProjectDocs(os.tmpdir(), 1000)).toBeUndefined();
    // The workspace root is the cwd, not the git root above it (Codex 0.169).
    expect(workspaceRootsFor(path.join(root, "a", "b"), ["/extra"])).toEqual([path.join(root, "a", "b"), "/extra"]);
  });

  it("reads the system time zone like Codex: the /etc/localtime link, else /etc/timezone", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tz-"));
    try {
      const link = path.join(dir, "localtime");
      symlinkSync("/usr/share/zoneinfo/Etc/UTC", link);
      expect(systemTimezone(link, path.join(dir, "none"))).toBe("Etc/UTC");
      const deep = path.join(dir, "deep");
      symlinkSync("/var/db/timezone/zoneinfo/America/Argentina/Buenos_Aires", deep);
      expect(systemTimezone(deep, path.join(dir, "none"))).toBe("America/Argentina/Buenos_Aires");
      const plain = path.join(dir, "plain");
      writeFileSync(plain, "TZif");
      const tzFile = path.join(dir, "timezone");
      writeFileSync(tzFile, "Europe/Paris\n");
      expect(systemTimezone(plain, tzFile)).toBe("Europe/Paris");
      writeFileSync(tzFile, "not a zone name\n");
      expect(systemTimezone(plain, tzFile)).toBeUndefined();
      expect(systemTimezone(path.join(dir, "missing"), path.join(dir, "missing2"))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("renders environment context and permissions", () => {
    const text = environmentContextText({ cwd: "/w<x>", shell: "zsh", currentDate: "2026-01-02", timezone: "UTC", workspaceRoots: ["/w"] });
    expect(text).toContain("<cwd>/w&lt;x&gt;</cwd>");
    // Without a permission profile there is no <filesystem> line.
    expect(text).not.toContain("<filesystem>");
    const profile = sandboxPolicyToPermissionProfileForCwd({ type: "read-only", network_access: false }, "/w");
    const withProfile = environmentContextText({ cwd: "/w", shell: "bash", currentDate: "2026-01-02", timezone: "Etc/UTC", workspaceRoots: ["/w"], permissionProfile: profile });
    // Byte for byte what Codex 0.169 sends for a read-only thread in /w.
    expect(withProfile).toBe(
      [
        "<environment_context>",
        "  <cwd>/w</cwd>",
        "  <shell>bash</shell>",
        "  <current_date>2026-01-02</current_date>",
        "  <timezone>Etc/UTC</timezone>",
        '  <filesystem><workspace_roots><root>/w</root></workspace_roots><permission_profile type="managed"><file_system type="restricted"><entry access="read"><special>:root</special></entry></file_system></permission_profile></filesystem>',
        "</environment_context>",
      ].join("\n"),
    );
    const full = environmentContextText({ cwd: "/w", shell: "bash", currentDate: "2026-01-02", timezone: "Etc/UTC", workspaceRoots: ["/w"], permissionProfile: { type: "disabled" } });
    expect(full).toContain('<filesystem><workspace_roots><root>/w</root></workspace_roots><permission_profile type="disabled"><file_system type="unrestricted" /></permission_profile></filesystem>');
    const msg = permissionsMessage({ type: "read-only", network_access: false }, "never");
    expect(JSON.stringify(msg)).toContain("read-only");
    expect(JSON.stringify(msg)).toContain("`never`");
  });

  it("turns unreadable and non-image local files into notes", () => {
    writeFileSync(path.join(root, "notes.txt"), "plain text");
    const msg = userInputMessage(
      [
        { type: "local_image", path: "notes.txt" },
        { type: "local_image", path: "missing.png" },
        { type: "image", image_url: "https://x/y.png" },
      ],
      root,
    ) as any;
    const texts = msg.content.map((c: any) => c.text ?? c.image_url);
    expect(texts.slice(0, 3)).toEqual(["<image name=[Image #3]>", "https://x/y.png", "</image>"]);
    expect(texts[3]).toContain("not a supported image");
    expect(texts[4]).toContain("unreadable");
  });
});
