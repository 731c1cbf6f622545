/**
 * Escape attempts through whole turns: a scripted model (fake Responses server over real HTTP/SSE)
 * drives a real session under workspace-write with approvals `never`, commands run under real
 * bubblewrap. Every attack is paired with an allowed control in the same turn that must succeed,
 * so a sandbox that refuses everything (or a broken harness) fails the suite too.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { globEntry, type PermissionProfile, specialEntry, workspaceWritePermissionProfile } from "@codex-ts/protocol";
import { type ItemSpec, sse, turn } from "@codex-ts/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, type SessionDirs, say, startSession, useSessionDirs } from "../session/test-harness.js";
import { probeBwrap } from "@codex-ts/sandboxing";

/** Whether bubblewrap can build a sandbox here (the suite is skipped elsewhere). */
const bwrapWorks = process.platform === "linux" && (await probeBwrap("bwrap")) === null;

/** A directory no default policy makes writable: not under /tmp or $TMPDIR (workspace-write writes both). */
function outsideDir(): string {
  const tmpRoots = ["/tmp", os.tmpdir()].map((p) => realpathSync(p));
  for (const base of ["/var/tmp", os.homedir()]) {
    try {
      const real = realpathSync(base);
      if (tmpRoots.some((t) => real === t || real.startsWith(`${t}/`))) continue;
      return realpathSync(mkdtempSync(path.join(real, "codex-escape-")));
    } catch {
      // try the next one
    }
  }
  throw new Error("no directory outside /tmp and $TMPDIR is writable for the test");
}

interface World {
  work: string;
  outside: string;
}

interface EscapeCase {
  name: string;
  setup?(w: World): void;
  /** A per-turn permission profile (default: plain workspace-write). */
  profile?(w: World): PermissionProfile;
  attack(w: World): ItemSpec[];
  control(w: World): ItemSpec[];
  /** The attack had no effect (files, outputs). */
  denied(w: World, out: (callId: string) => string): void;
  /** The control did what it should. */
  allowed(w: World, out: (callId: string) => string): void;
}

const exec = (callId: string, cmd: string, extra: Record<string, unknown> = {}) =>
  sse.functionCall("exec_command", { cmd, login: false, yield_time_ms: 5_000, ...extra }, { callId });
const patch = (callId: string, body: string) =>
  sse.customToolCall("apply_patch", `*** Begin Patch\n${body}*** End Patch\n`, { callId });
const file = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : undefined);

const CASES: EscapeCase[] = [
  {
    name: "exec_command with workdir outside the workspace",
    attack: (w) => [exec("a", "echo pwned > escape.txt", { workdir: w.outside })],
    control: (w) => [exec("c", "echo ok > control.txt", { workdir: path.join(w.work, "sub") })],
    denied: (w, out) => {
      expect(file(path.join(w.outside, "escape.txt"))).toBeUndefined();
      expect(out("a")).toMatch(/Read-only file system/);
    },
    allowed: (w) => expect(file(path.join(w.work, "sub", "control.txt"))).toBe("ok\n"),
  },
  {
    name: "cd out of the workspace, `..` paths and /proc/self/cwd",
    attack: (w) => [
      exec("a", `cd ${w.outside} && echo pwned > cd.txt`),
      exec("a2", `echo pwned > ${path.relative(w.work, w.outside)}/dots.txt`),
      exec("a3", "echo pwned > /proc/self/cwd/proc.txt", { workdir: w.outside }),
    ],
    control: () => [exec("c", "cd sub && echo ok > ../sub/cd-ok.txt")],
    denied: (w) => {
      for (const f of ["cd.txt", "dots.txt", "proc.txt"]) expect(file(path.join(w.outside, f))).toBeUndefined();
    },
    allowed: (w) => expect(file(path.join(w.work, "sub", "cd-ok.txt"))).toBe("ok\n"),
  },
  {
    name: "a symlink inside the workspace pointing out (pre-existing, made by the command, through apply_patch)",
    setup: (w) => symlinkSync(w.outside, path.join(w.work, "link")),
    attack: () => [
      exec("a", "echo pwned > link/sym.txt"),
      exec("a2", `ln -s "$(readlink link)" made && echo pwned > made/made.txt`),
      patch("a3", "*** Add File: link/patched.txt\n+pwned\n"),
    ],
    control: () => [exec("c", "echo ok > sub/real.txt")],
    denied: (w, out) => {
      for (const f of ["sym.txt", "made.txt", "patched.txt"]) expect(file(path.join(w.outside, f))).toBeUndefined();
      expect(out("a3")).toMatch(/rejected/);
    },
    allowed: (w) => expect(file(path.join(w.work, "sub", "real.txt"))).toBe("ok\n"),
  },
  {
    name: "a hardlink to a file outside, and TMPDIR pointed outside by the command",
    setup: (w) => writeFileSync(path.join(w.outside, "target.txt"), "original\n"),
    attack: (w) => [
      exec("a", `ln ${w.outside}/target.txt hard; echo pwned >> hard; echo pwned >> ${w.outside}/target.txt`),
      exec("a2", `export TMPDIR=${w.outside}; echo pwned > "$TMPDIR/env.txt"`),
    ],
    control: () => [exec("c", 'echo ok > "$TMPDIR/../ok-tmp.txt" 2>/dev/null; echo ok > env-ok.txt')],
    denied: (w) => {
      expect(file(path.join(w.outside, "target.txt"))).toBe("original\n");
      expect(file(path.join(w.outside, "env.txt"))).toBeUndefined();
    },
    allowed: (w) => expect(file(path.join(w.work, "env-ok.txt"))).toBe("ok\n"),
  },
  {
    name: ".git, .codex and .agents inside the workspace",
    attack: () => [
      exec("a", "echo '[core]' >> .git/config; mkdir -p .git/hooks; echo evil > .git/hooks/post-commit"),
      exec("a2", "mkdir -p .codex && echo 'sandbox_mode = \"danger-full-access\"' > .codex/config.toml"),
      exec("a3", "mkdir -p .agents/skills && echo evil > .agents/skills/x.md"),
      patch("a4", "*** Add File: .codex/patched.toml\n+x = 1\n"),
    ],
    control: () => [exec("c", "echo ok > src.txt")],
    denied: (w, out) => {
      expect(file(path.join(w.work, ".git", "config"))).toBe("[init]\n");
      expect(existsSync(path.join(w.work, ".git", "hooks", "post-commit"))).toBe(false);
      expect(existsSync(path.join(w.work, ".codex"))).toBe(false);
      expect(existsSync(path.join(w.work, ".agents"))).toBe(false);
      expect(out("a4")).toMatch(/rejected/);
    },
    allowed: (w) => expect(file(path.join(w.work, "src.txt"))).toBe("ok\n"),
    setup: (w) => writeFileSync(path.join(w.work, ".git", "config"), "[init]\n"),
  },
  {
    name: "apply_patch with an absolute path outside (and a `..` path)",
    attack: (w) => [
      patch("a", `*** Add File: ${w.outside}/abs.txt\n+pwned\n`),
      patch("a2", `*** Add File: ${path.relative(w.work, w.outside)}/rel.txt\n+pwned\n`),
    ],
    control: () => [patch("c", "*** Add File: patched-ok.txt\n+ok\n")],
    denied: (w, out) => {
      expect(file(path.join(w.outside, "abs.txt"))).toBeUndefined();
      expect(file(path.join(w.outside, "rel.txt"))).toBeUndefined();
      expect(out("a")).toMatch(/rejected/);
    },
    allowed: (w) => expect(file(path.join(w.work, "patched-ok.txt"))).toBe("ok\n"),
  },
  {
    name: "an escalation request (require_escalated) and an inline permissions request under `never`",
    attack: (w) => [
      exec("a", `echo pwned > ${w.outside}/esc.txt`, { sandbox_permissions: "require_escalated", justification: "needed" }),
      exec("a2", `echo pwned > ${w.outside}/grant.txt`, {
        sandbox_permissions: "with_additional_permissions",
        additional_permissions: { file_system: { write: [w.outside] } },
      }),
    ],
    control: () => [exec("c", "echo ok > esc-ok.txt")],
    denied: (w, out) => {
      expect(file(path.join(w.outside, "esc.txt"))).toBeUndefined();
      expect(file(path.join(w.outside, "grant.txt"))).toBeUndefined();
      expect(out("a2")).toMatch(/not run/);
    },
    allowed: (w) => expect(file(path.join(w.work, "esc-ok.txt"))).toBe("ok\n"),
  },
  {
    name: "a deny-read glob in the turn's permission profile",
    setup: (w) => {
      writeFileSync(path.join(w.work, "secret.env"), "TOKEN=s3cr3t\n");
      writeFileSync(path.join(w.work, "notes.txt"), "visible notes\n");
    },
    profile: () => {
      const p = workspaceWritePermissionProfile();
      if (p.type === "managed" && p.file_system.type === "restricted") p.file_system.entries.push(globEntry("**/*.env", "deny"));
      return p;
    },
    attack: () => [
      exec("a", "cat secret.env; cp secret.env copy.txt; cat ./sub/../secret.env"),
      patch("a2", "*** Update File: secret.env\n@@\n-TOKEN=s3cr3t\n+TOKEN=changed\n"),
    ],
    control: () => [exec("c", "cat notes.txt && echo ok > glob-ok.txt")],
    denied: (w, out) => {
      expect(out("a")).not.toContain("s3cr3t");
      expect(file(path.join(w.work, "copy.txt")) ?? "").not.toContain("s3cr3t");
      expect(out("a2")).toMatch(/not readable/);
      expect(file(path.join(w.work, "secret.env"))).toBe("TOKEN=s3cr3t\n");
    },
    allowed: (w, out) => {
      expect(out("c")).toContain("visible notes");
      expect(file(path.join(w.work, "glob-ok.txt"))).toBe("ok\n");
    },
  },
  {
    name: "a restricted-read profile reading outside its roots",
    setup: (w) => {
      writeFileSync(path.join(w.outside, "private.txt"), "PRIVATE DATA\n");
      writeFileSync(path.join(w.work, "readme.txt"), "workspace readme\n");
    },
    profile: () => ({
      type: "managed",
      network: "restricted",
      file_system: {
        type: "restricted",
        entries: [specialEntry({ kind: "minimal" }, "read"), specialEntry({ kind: "project_roots" }, "write")],
      },
    }),
    attack: (w) => [exec("a", `cat ${w.outside}/private.txt; ls ${w.outside}`)],
    control: () => [exec("c", "cat readme.txt && echo ok > read-ok.txt")],
    denied: (_w, out) => expect(out("a")).not.toContain("PRIVATE"),
    allowed: (w, out) => {
      expect(out("c")).toContain("workspace readme");
      expect(file(path.join(w.work, "read-ok.txt"))).toBe("ok\n");
    },
  },
  {
    name: "writing outside through a write_stdin session",
    attack: (w) => [
      exec("a", "sh", { yield_time_ms: 300 }),
      sse.functionCall("write_stdin", { session_id: 1000, chars: `echo pwned > ${w.outside}/stdin.txt\necho ok > stdin-ok.txt\nexit\n`, yield_time_ms: 2_000 }, { callId: "a2" }),
    ],
    control: () => [exec("c", "cat stdin-ok.txt")],
    denied: (w) => expect(file(path.join(w.outside, "stdin.txt"))).toBeUndefined(),
    allowed: (w, out) => {
      expect(file(path.join(w.work, "stdin-ok.txt"))).toBe("ok\n");
      expect(out("c")).toContain("ok");
    },
  },
];

let dirs: SessionDirs;
let h: Harness | undefined;
let outside: string | undefined;
useSessionDirs("codex-escape-", (d) => {
  dirs = d;
}, async () => {
  await h?.session.shutdown?.();
});
afterEach(() => {
  if (outside) rmSync(outside, { recursive: true, force: true });
  outside = h = undefined;
});

/** The function_call_output text for `callId` from the requests the model received. */
function outputOf(callId: string): string {
  for (const req of dirs.server.responsesRequests()) {
    const input = (req.body as { input?: unknown[] }).input ?? [];
    for (const item of input as Record<string, unknown>[]) {
      if ((item.type === "function_call_output" || item.type === "custom_tool_call_output") && item.call_id === callId) {
        return typeof item.output === "string" ? item.output : JSON.stringify(item.output);
      }
    }
  }
  return "";
}

async function runCase(c: EscapeCase): Promise<World> {
  outside = outsideDir();
  const w: World = { work: dirs.work, outside };
  mkdirSync(path.join(w.work, ".git"));
  mkdirSync(path.join(w.work, "sub"));
  c.setup?.(w);
  dirs.server.enqueue(turn(c.attack(w)), turn(c.control(w)), turn(sse.message("done")));
  h = startSession(dirs.server, w.work, {
    sandboxPolicy: { type: "workspace-write" },
    approvalPolicy: "never",
    tools: { shellTool: "unified_exec", execPermissionApprovals: true },
    env: { FAKE_KEY: "k", PATH: process.env.PATH, SHELL: "/bin/bash", HOME: dirs.home, TMPDIR: os.tmpdir() },
  });
  const profile = c.profile?.(w);
  h.session.submit({ ...say("try"), ...(profile ? { thread_settings: { permission_profile: profile } } : {}) });
  await h.turnEnd();
  return w;
}

describe.skipIf(!bwrapWorks)("escape attempts through whole turns (workspace-write, never, real bwrap)", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s: denied, and the paired control succeeds", async (_name, c) => {
    const w = await runCase(c);
    if (process.env.DEBUG_ESCAPE) for (const id of ["a", "a2", "a3", "a4", "c"]) console.log(c.name, id, outputOf(id).slice(0, 300));
    c.denied(w, outputOf);
    c.allowed(w, outputOf);
  });

  it("loopback network and a host Unix socket without a grant: neither listener is ever reached", async () => {
    let connections = 0;
    const server = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    // A Unix socket of the host (think: an app-server's unix:// listener, docker.sock).
    const sockDir = outsideDir();
    const sockPath = path.join(sockDir, "host.sock");
    const unix = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => unix.listen(sockPath, r));
    try {
      const c: EscapeCase = {
        name: "loopback",
        attack: () => [
          exec("a", `bash -c 'echo hi > /dev/tcp/127.0.0.1/${port}' && echo connected`),
          exec("a2", `python3 -c 'import socket; s=socket.socket(socket.AF_UNIX); s.connect("${sockPath}"); print("connected")' || node -e 'require("net").connect("${sockPath}").on("connect",()=>console.log("connected"))'`),
        ],
        control: () => [exec("c", "echo ok > net-ok.txt")],
        denied: (_w, out) => {
          expect(out("a")).not.toContain("connected");
          expect(out("a2")).not.toContain("connected");
        },
        allowed: (w) => expect(file(path.join(w.work, "net-ok.txt"))).toBe("ok\n"),
      };
      const w = await runCase(c);
      c.denied(w, outputOf);
      c.allowed(w, outputOf);
      expect(connections).toBe(0);
    } finally {
      server.close();
      unix.close();
      rmSync(sockDir, { recursive: true, force: true });
    }
  });
});
