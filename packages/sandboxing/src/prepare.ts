import { buildBwrapArgv, denyFilePath, findOnPath, probeBwrap } from "./linux.js";
import { buildSeatbeltCommand } from "./macos.js";
import { ensureHostBridge } from "./proxy-bridge.js";
import { type MacOsSeatbeltExtensions, withSeatbeltExtensions } from "./seatbelt-extensions.js";
import { networkSeccompProgram, SECCOMP_FD, withSeccompFd } from "./seccomp.js";
import { type ResolvedPolicy, unenforceableReason } from "./policy.js";

export type SandboxPlatform = "linux" | "macos" | "windows" | (string & {});

export type SandboxErrorCode =
  /** The platform or a feature the policy needs cannot be enforced here. */
  | "unsupported"
  /** bubblewrap is not installed / not on PATH / not at the given path. */
  | "bwrap-missing"
  /** bubblewrap exists but cannot build a sandbox on this machine. */
  | "bwrap-unusable"
  /** The request itself is malformed (empty command, relative cwd…). */
  | "invalid-request";

export interface SandboxError {
  code: SandboxErrorCode;
  message: string;
}

export interface PrepareRequest {
  policy: ResolvedPolicy;
  /** argv of the command to run (not a shell string). */
  command: string[];
  /** Working directory inside the sandbox (default: the policy's cwd). */
  cwd?: string;
  /** Environment for the command (default: `process.env`). */
  env?: Record<string, string | undefined>;
  /** Which backend to use (default: from `process.platform`). */
  platform?: SandboxPlatform;
  /** Explicit bwrap binary (default: `bwrap` looked up on `env.PATH`). */
  bwrapPath?: string;
  /**
   * The permission profile's macOS extensions (preferences, Apple Events automation,
   * accessibility, calendar). On macOS they add Seatbelt clauses; elsewhere they grant nothing
   * (those services do not exist there), so they are ignored, as Codex does.
   */
  macos?: MacOsSeatbeltExtensions;
}

export type PrepareResult =
  | {
      ok: true;
      /** What to spawn: `argv[0]` with `argv.slice(1)`, in `cwd`, with `env`. */
      argv: string[];
      cwd: string;
      env: Record<string, string>;
      /** Which backend wraps the command (`none` for disabled / external profiles). */
      sandbox: "none" | "bwrap" | "seatbelt";
      /** Empty mount points to remove after the command exited (`removeMountPoints`). */
      mountPoints: string[];
    }
  | { ok: false; error: SandboxError };

function currentPlatform(): SandboxPlatform {
  if (process.platform === "darwin") return "macos";
  if (process.platform === "win32") return "windows";
  return process.platform;
}

function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * Wrap one command so it runs under the resolved policy. Fails closed: when the sandbox cannot
 * be built (no bwrap, unusable bwrap, Windows, unsupported feature) the result is an error and
 * nothing must be run. Never throws.
 */
export async function prepareSandboxedCommand(req: PrepareRequest): Promise<PrepareResult> {
  try {
    return await prepare(req);
  } catch (err) {
    return {
      ok: false,
      error: { code: "unsupported", message: `cannot prepare the sandbox: ${String(err)}` },
    };
  }
}

/** Hosts that never go through the proxy (same value as @codex-ts/network-proxy's default). */
export const LOCAL_NO_PROXY = "localhost,127.0.0.1,::1";

async function prepare(req: PrepareRequest): Promise<PrepareResult> {
  if (req.command.length === 0 || !req.command[0]) {
    return { ok: false, error: { code: "invalid-request", message: "empty command" } };
  }
  const policy = req.cwd && req.policy.kind === "restricted" ? { ...req.policy, cwd: req.cwd } : req.policy;
  const cwd = req.cwd ?? policy.cwd;
  const env = cleanEnv(req.env ?? process.env);
  if (policy.network.mode !== "enabled") env.CODEX_SANDBOX_NETWORK_DISABLED = "1";
  if (policy.network.mode === "proxied") {
    const url = `http://${policy.network.proxy.host}:${policy.network.proxy.port}`;
    for (const k of ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"])
      env[k] = url;
    // The sandbox's own loopback holds only the relay; local names must not be sent to the proxy.
    env.NO_PROXY = env.no_proxy = LOCAL_NO_PROXY;
  }

  if (policy.kind === "disabled" || policy.kind === "external") {
    return { ok: true, argv: [...req.command], cwd, env, sandbox: "none", mountPoints: [] };
  }
  const unenforceable = unenforceableReason(policy);
  if (unenforceable) return { ok: false, error: { code: "unsupported", message: unenforceable } };

  const platform = req.platform ?? currentPlatform();
  if (platform === "linux") {
    const bwrapPath = req.bwrapPath ?? findOnPath("bwrap", env.PATH);
    if (!bwrapPath) {
      return {
        ok: false,
        error: {
          code: "bwrap-missing",
          message:
            "bubblewrap (bwrap) was not found on PATH; install the `bubblewrap` package to run sandboxed commands",
        },
      };
    }
    const problem = await probeBwrap(bwrapPath);
    if (problem) {
      const missing = /ENOENT|EACCES/.test(problem);
      return { ok: false, error: { code: missing ? "bwrap-missing" : "bwrap-unusable", message: problem } };
    }
    const proxyBridge =
      policy.network.mode === "proxied"
        ? { dir: await ensureHostBridge(policy.network.proxy), nodePath: process.execPath }
        : undefined;
    // Without network, Unix sockets of the host stay reachable through the mounts: a seccomp filter
    // closes them (as in Codex). Proxied networking needs its relay's sockets, so it goes without.
    const seccomp = policy.network.mode === "disabled" ? networkSeccompProgram() : undefined;
    if (seccomp === null) {
      return {
        ok: false,
        error: { code: "unsupported", message: `unsupported: no seccomp network filter for ${process.arch}; refusing to run` },
      };
    }
    const built = buildBwrapArgv(policy, req.command, {
      bwrapPath,
      denyFile: denyFilePath(),
      proxyBridge,
      ...(seccomp ? { seccompFd: SECCOMP_FD } : {}),
    });
    if (!built.ok) return { ok: false, error: { code: "unsupported", message: built.error } };
    const argv = seccomp ? withSeccompFd(built.argv, seccomp) : built.argv;
    return { ok: true, argv, cwd, env, sandbox: "bwrap", mountPoints: built.mountPoints };
  }
  if (platform === "macos" || platform === "darwin") {
    const plain = buildSeatbeltCommand(policy, req.command);
    const built = req.macos ? withSeatbeltExtensions(plain, req.macos) : plain;
    env.CODEX_SANDBOX = "seatbelt";
    return { ok: true, argv: built.argv, cwd, env, sandbox: "seatbelt", mountPoints: [] };
  }
  return {
    ok: false,
    error: {
      code: "unsupported",
      message: `unsupported: no sandbox backend for platform ${platform}; refusing to run unsandboxed`,
    },
  };
}

/**
 * Exit codes that mean "cannot execute / not found", never a sandbox denial. (2 is not among
 * them: `sh` exits 2 when a redirect hits a read-only mount.)
 */
const QUICK_REJECT_EXIT_CODES = new Set([126, 127]);

const DENIAL_MARKERS = [
  "operation not permitted",
  "permission denied",
  "read-only file system",
  "seccomp",
  "sandbox",
  "landlock",
  "failed to write file",
  "network is unreachable",
  "could not resolve host",
  "temporary failure in name resolution",
];

/**
 * Heuristic: did this failed sandboxed command probably fail because the sandbox said no?
 * Core uses it for the on-failure / on-request flow: denial → ask for approval → retry
 * escalated (unsandboxed) with the model's justification.
 */
export function detectSandboxDenial(
  exitCode: number | null,
  output: string,
  signal?: string | null,
): boolean {
  if (signal === "SIGSYS") return true;
  if (exitCode === 0) return false;
  if (exitCode !== null && QUICK_REJECT_EXIT_CODES.has(exitCode)) return false;
  const text = output.toLowerCase();
  return DENIAL_MARKERS.some((m) => text.includes(m));
}
