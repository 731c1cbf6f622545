/**
 * The seccomp filter for commands without network (Linux). A private network namespace cuts TCP/UDP
 * off, but not Unix sockets: a path-named socket of the host (the app-server's own `unix://`
 * listener, docker.sock, an ssh agent…) stays reachable through the read-only mounts. Like Codex,
 * the filter answers EPERM to connect, bind, listen, accept(4), to `sendto` with a destination, to
 * `socket`/`socketpair` outside AF_UNIX, and to ptrace; an unexpected ABI (32-bit compat, x32) gets
 * EPERM for everything. Pipes, socketpair IPC and inherited sockets (Node's stdio) keep working;
 * getsockname/getsockopt stay allowed because runtimes inspect their stdio with them.
 *
 * bubblewrap loads it with `--seccomp FD`; `withSeccompFd` feeds the program on fd 3 through a
 * tiny `/bin/sh` wrapper (no file an untrusted command could swap between two runs).
 */

const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_ERRNO_EPERM = 0x00050000 | 1;
const AF_UNIX = 1;
const X32_SYSCALL_BIT = 0x40000000;

// BPF opcodes (classic BPF, as seccomp reads it).
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const RET_K = 0x06;

interface Arch {
  audit: number;
  /** connect, accept, accept4, bind, listen, ptrace: denied outright. */
  denied: number[];
  socket: number;
  socketpair: number;
  /** sendto: denied only with a destination address (`send()` on a connected socket stays). */
  sendto: number;
  x32: boolean;
}

const ARCHES: Partial<Record<NodeJS.Architecture, Arch>> = {
  x64: { audit: 0xc000003e, denied: [42, 43, 288, 49, 50, 101], socket: 41, socketpair: 53, sendto: 44, x32: true },
  arm64: { audit: 0xc00000b7, denied: [203, 202, 242, 200, 201, 117], socket: 198, socketpair: 199, sendto: 206, x32: false },
};

type Insn = [code: number, jt: number | string, jf: number | string, k: number];

/** Resolve label jumps (`jt`/`jf` given as label names) into relative offsets. */
function assemble(program: (Insn | string)[]): Buffer {
  const labels = new Map<string, number>();
  const insns: Insn[] = [];
  for (const item of program) {
    if (typeof item === "string") labels.set(item, insns.length);
    else insns.push(item);
  }
  const buf = Buffer.alloc(insns.length * 8);
  insns.forEach(([code, jt, jf, k], i) => {
    const off = (j: number | string) => {
      const rel = typeof j === "number" ? j : (labels.get(j) ?? Number.NaN) - (i + 1);
      if (!(rel >= 0 && rel <= 255)) throw new Error(`seccomp program: bad jump ${String(j)}`);
      return rel;
    };
    buf.writeUInt16LE(code, i * 8);
    buf.writeUInt8(off(jt), i * 8 + 2);
    buf.writeUInt8(off(jf), i * 8 + 3);
    buf.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return buf;
}

/** The filter program for `arch` (default: this process's), or null when there is none for it. */
export function networkSeccompProgram(arch: NodeJS.Architecture = process.arch): Buffer | null {
  const a = ARCHES[arch];
  if (!a) return null;
  const ret = (k: number): Insn => [RET_K, 0, 0, k];
  return assemble([
    [LD_W_ABS, 0, 0, 4], // seccomp_data.arch
    [JEQ_K, 1, 0, a.audit],
    ret(SECCOMP_RET_ERRNO_EPERM),
    [LD_W_ABS, 0, 0, 0], // seccomp_data.nr
    ...(a.x32 ? [[JGE_K, "deny", 0, X32_SYSCALL_BIT] as Insn] : []),
    ...a.denied.map((nr): Insn => [JEQ_K, "deny", 0, nr]),
    [JEQ_K, "domain", 0, a.socket],
    [JEQ_K, "domain", 0, a.socketpair],
    [JEQ_K, "destination", 0, a.sendto],
    ret(SECCOMP_RET_ALLOW),
    "domain",
    [LD_W_ABS, 0, 0, 16], // args[0] (low half, little-endian): the address family
    [JEQ_K, "allow", "deny", AF_UNIX],
    "destination",
    [LD_W_ABS, 0, 0, 48], // args[4]: dest_addr, both halves must be 0
    [JEQ_K, 0, "deny", 0],
    [LD_W_ABS, 0, 0, 52],
    [JEQ_K, "allow", "deny", 0],
    "allow",
    ret(SECCOMP_RET_ALLOW),
    "deny",
    ret(SECCOMP_RET_ERRNO_EPERM),
  ]);
}

/** The fd bwrap reads the program from (`--seccomp 3`). */
export const SECCOMP_FD = 3;

/**
 * Wrap a bwrap argv so the program arrives on fd 3: `/bin/sh -c` prints it (octal escapes, so NUL
 * bytes survive) into a pipe that becomes fd 3 of bwrap, with the original stdin kept as stdin.
 */
export function withSeccompFd(bwrapArgv: string[], program: Buffer): string[] {
  const escaped = [...program].map((b) => `\\${b.toString(8).padStart(3, "0")}`).join("");
  const script = 'f=$1; shift; exec 4<&0; printf "$f" | { exec 3<&0 0<&4 4<&-; exec "$@"; }';
  return ["/bin/sh", "-c", script, "sh", escaped, ...bwrapArgv];
}
