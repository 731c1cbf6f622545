import {
  pathEntry,
  readOnlyPermissionProfile,
  specialEntry,
  workspaceWritePermissionProfile,
} from "@codex-ts/protocol";
import { describe, expect, it } from "vitest";
import { buildSeatbeltCommand, SANDBOX_EXEC_PATH, SEATBELT_BASE_POLICY } from "./macos.js";
import { resolvePolicy } from "./policy.js";
import { restrictedProfile } from "./test-util.js";

// Paths under /Users do not exist on the test machine, so they stay literal (no symlink resolution).
const cwd = "/Users/dev/proj";

const BASE = `(version 1)
(deny default)
(allow process-exec)
(allow process-fork)
(allow signal (target same-sandbox))
(allow process-info* (target same-sandbox))
(allow sysctl-read)
(allow file-write-data (require-all (path "/dev/null") (vnode-type CHARACTER-DEVICE)))
(allow file-read-metadata)
(allow pseudo-tty)
(allow file-read* file-write* file-ioctl (literal "/dev/ptmx") (regex #"^/dev/ttys[0-9]+$"))
(allow mach-lookup
  (global-name "com.apple.system.opendirectoryd.libinfo")
  (global-name "com.apple.system.notification_center")
  (global-name "com.apple.trustd.agent")
  (global-name "com.apple.logd")
  (global-name "com.apple.system.logger"))
(allow ipc-posix-sem)
(allow user-preference-read)`;

describe("Seatbelt profile generation (golden text)", () => {
  it("the fixed base policy", () => {
    expect(SEATBELT_BASE_POLICY).toBe(BASE);
  });

  it("workspace-write: full reads, writable roots minus protected subpaths, network off", () => {
    const policy = resolvePolicy(
      workspaceWritePermissionProfile({
        excludeTmpdirEnvVar: true,
        excludeSlashTmp: true,
        writableRoots: ["/Users/dev/cache"],
      }),
      { cwd, workspaceRoots: [cwd], platform: "darwin" },
    );
    const cmd = buildSeatbeltCommand(policy, ["ls", "-la"]);
    expect(cmd.profile).toBe(`${BASE}

; reads
(allow file-read*)

; writes
(allow file-write*
  (require-all
    (subpath (param "WRITABLE_ROOT_0"))
    (require-not (subpath (param "WRITABLE_ROOT_0_RO_0")))
    (require-not (subpath (param "WRITABLE_ROOT_0_RO_1")))
    (require-not (subpath (param "WRITABLE_ROOT_0_RO_2")))
  )
)
(allow file-write*
  (require-all
    (subpath (param "WRITABLE_ROOT_1"))
    (require-not (subpath (param "WRITABLE_ROOT_1_RO_0")))
    (require-not (subpath (param "WRITABLE_ROOT_1_RO_1")))
    (require-not (subpath (param "WRITABLE_ROOT_1_RO_2")))
  )
)

; network
; (network disabled)
`);
    expect(cmd.argv).toEqual([
      SANDBOX_EXEC_PATH,
      "-p",
      cmd.profile,
      "-DWRITABLE_ROOT_0=/Users/dev/cache",
      "-DWRITABLE_ROOT_0_RO_0=/Users/dev/cache/.agents",
      "-DWRITABLE_ROOT_0_RO_1=/Users/dev/cache/.codex",
      "-DWRITABLE_ROOT_0_RO_2=/Users/dev/cache/.git",
      "-DWRITABLE_ROOT_1=/Users/dev/proj",
      "-DWRITABLE_ROOT_1_RO_0=/Users/dev/proj/.agents",
      "-DWRITABLE_ROOT_1_RO_1=/Users/dev/proj/.codex",
      "-DWRITABLE_ROOT_1_RO_2=/Users/dev/proj/.git",
      "--",
      "ls",
      "-la",
    ]);
  });

  it("restricted reads, an explicit grant under a protected path, a denied path and proxy-only network", () => {
    const profile = restrictedProfile([
      pathEntry("/usr/lib", "read"),
      specialEntry({ kind: "project_roots" }, "write"),
      specialEntry({ kind: "project_roots", subpath: ".git/hooks" }, "write"),
      specialEntry({ kind: "project_roots", subpath: "secrets" }, "deny"),
    ]);
    const policy = resolvePolicy(profile, {
      cwd,
      workspaceRoots: [cwd],
      platform: "darwin",
      networkProxy: { host: "127.0.0.1", port: 8080 },
    });
    const cmd = buildSeatbeltCommand(policy, ["make"]);
    expect(cmd.profile).toBe(`${BASE}

; reads
(allow file-read*
  (subpath (param "READABLE_ROOT_0"))
  (subpath (param "READABLE_ROOT_1"))
)

; writes
(allow file-write*
  (require-all
    (subpath (param "WRITABLE_ROOT_0"))
    (require-not (subpath (param "WRITABLE_ROOT_0_RO_0")))
    (require-not (subpath (param "WRITABLE_ROOT_0_RO_1")))
    (require-not (subpath (param "WRITABLE_ROOT_0_RO_2")))
    (require-not (subpath (param "WRITABLE_ROOT_0_RO_3")))
  )
)
(allow file-write*
  (require-all
    (subpath (param "WRITABLE_ROOT_1"))
    (require-not (subpath (param "WRITABLE_ROOT_1_RO_0")))
    (require-not (subpath (param "WRITABLE_ROOT_1_RO_1")))
    (require-not (subpath (param "WRITABLE_ROOT_1_RO_2")))
  )
)

; denied paths
(deny file-read* file-write* (subpath (param "DENIED_0")))

; network
(allow network-outbound (remote ip "localhost:8080"))
(allow system-socket)
`);
    const params = Object.fromEntries(cmd.params);
    expect(params).toMatchObject({
      READABLE_ROOT_0: "/usr/lib",
      READABLE_ROOT_1: "/Users/dev/proj",
      WRITABLE_ROOT_0: "/Users/dev/proj",
      WRITABLE_ROOT_0_RO_0: "/Users/dev/proj/.agents",
      WRITABLE_ROOT_0_RO_1: "/Users/dev/proj/.codex",
      WRITABLE_ROOT_0_RO_2: "/Users/dev/proj/.git",
      WRITABLE_ROOT_0_RO_3: "/Users/dev/proj/secrets",
      WRITABLE_ROOT_1: "/Users/dev/proj/.git/hooks",
      DENIED_0: "/Users/dev/proj/secrets",
    });
  });

  it("unrestricted filesystem with network on, and read-only with network on", () => {
    const full = buildSeatbeltCommand(
      resolvePolicy(
        { type: "managed", file_system: { type: "unrestricted" }, network: "enabled" },
        { cwd, platform: "darwin" },
      ),
      ["true"],
    );
    expect(
      full.profile.endsWith(`
; reads
(allow file-read*)

; writes
(allow file-write* (subpath "/"))

; network
(allow network-outbound)
(allow network-inbound)
(allow system-socket)
`),
    ).toBe(true);
    expect(full.params).toEqual([]);

    const ro = buildSeatbeltCommand(
      resolvePolicy(readOnlyPermissionProfile("enabled"), { cwd, platform: "darwin" }),
      ["true"],
    );
    expect(ro.profile).toBe(`${BASE}

; reads
(allow file-read*)

; writes

; network
(allow network-outbound)
(allow network-inbound)
(allow system-socket)
`);
  });
});
