import { isWithin, type ResolvedPolicy } from "./policy.js";

/** Absolute path, so a PATH entry can never substitute another binary. */
export const SANDBOX_EXEC_PATH = "/usr/bin/sandbox-exec";

/**
 * The fixed part of every profile: deny by default, let the process tree run and talk to
 * itself, and allow the handful of system services ordinary tools need.
 */
export const SEATBELT_BASE_POLICY = `(version 1)
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

export interface SeatbeltCommand {
  /** Full profile text passed with `-p`. */
  profile: string;
  /** `-DNAME=value` parameters the profile refers to with `(param "NAME")`. */
  params: [string, string][];
  /** `sandbox-exec -p PROFILE -DK=V… -- CMD…` */
  argv: string[];
}

/**
 * Seatbelt profile text for a resolved policy. Paths go in as parameters, never spliced into
 * the text. Writable roots exclude their read-only and denied subpaths with `require-not`, and a
 * deeper write rule under one of those is allowed again on its own line; deny rules come last.
 */
export function buildSeatbeltCommand(policy: ResolvedPolicy, command: string[]): SeatbeltCommand {
  const params: [string, string][] = [];
  const param = (name: string, value: string) => {
    params.push([name, value]);
    return `(param "${name}")`;
  };
  const lines: string[] = [SEATBELT_BASE_POLICY];

  if (policy.kind !== "restricted") {
    lines.push("", "; filesystem: unrestricted", "(allow file-read* file-write*)");
  } else {
    // A readable rule inside another readable rule adds nothing to an allow-list.
    const reads = policy.entries.filter((e) => {
      if (e.access === "deny") return false;
      const enclosing = policy.entries.filter((o) => o !== e && isWithin(e.path, o.path)).at(-1);
      return !enclosing || enclosing.access === "deny";
    });
    const writes = policy.entries.filter((e) => e.access === "write");
    const root = policy.entries.find((e) => e.path === "/");

    lines.push("", "; reads");
    if (root && root.access !== "deny") lines.push("(allow file-read*)");
    else if (reads.length > 0) {
      lines.push("(allow file-read*");
      for (const [i, e] of reads.entries()) lines.push(`  (subpath ${param(`READABLE_ROOT_${i}`, e.path)})`);
      lines.push(")");
    }

    lines.push("", "; writes");
    writes.forEach((w, i) => {
      const inside = policy.entries.filter(
        (e) => e.access !== "write" && e.path !== w.path && isWithin(e.path, w.path),
      );
      // A carve-out inside another carve-out of the same root is already excluded.
      const carveouts = inside.filter((c) => !inside.some((o) => o !== c && isWithin(c.path, o.path)));
      const rootRef = w.path === "/" ? `(subpath "/")` : `(subpath ${param(`WRITABLE_ROOT_${i}`, w.path)})`;
      if (carveouts.length === 0) {
        lines.push(`(allow file-write* ${rootRef})`);
        return;
      }
      lines.push(`(allow file-write*`, `  (require-all`, `    ${rootRef}`);
      for (const [j, c] of carveouts.entries()) {
        lines.push(`    (require-not (subpath ${param(`WRITABLE_ROOT_${i}_RO_${j}`, c.path)}))`);
      }
      lines.push("  )", ")");
    });

    const denies = policy.entries.filter((e) => e.access === "deny");
    if (denies.length > 0) {
      lines.push("", "; denied paths");
      for (const [i, d] of denies.entries()) {
        lines.push(`(deny file-read* file-write* (subpath ${param(`DENIED_${i}`, d.path)}))`);
      }
    }
  }

  lines.push("", "; network");
  const net = policy.network;
  if (net.mode === "enabled") {
    lines.push("(allow network-outbound)", "(allow network-inbound)", "(allow system-socket)");
  } else if (net.mode === "proxied") {
    const host = net.proxy.host === "127.0.0.1" || net.proxy.host === "::1" ? "localhost" : net.proxy.host;
    lines.push(`(allow network-outbound (remote ip "${host}:${net.proxy.port}"))`, "(allow system-socket)");
  } else {
    lines.push("; (network disabled)");
  }

  const profile = `${lines.join("\n")}\n`;
  const argv = [SANDBOX_EXEC_PATH, "-p", profile, ...params.map(([k, v]) => `-D${k}=${v}`), "--", ...command];
  return { profile, params, argv };
}
