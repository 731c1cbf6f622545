import { describe, expect, it } from "vitest";
import { networkSeccompProgram, withSeccompFd } from "./seccomp.js";

describe("the network seccomp program", () => {
  it("assembles for x64 and arm64 (8-byte instructions, ending in a deny); other arches have none", () => {
    for (const arch of ["x64", "arm64"] as const) {
      const p = networkSeccompProgram(arch);
      expect(p?.length && p.length % 8).toBe(0);
      // The last instruction returns EPERM (SECCOMP_RET_ERRNO | 1).
      expect(p?.readUInt32LE(p.length - 4)).toBe(0x00050001);
    }
    expect(networkSeccompProgram("ia32")).toBeNull();
  });

  it("is handed to bwrap on fd 3 through /bin/sh with octal escapes (NUL bytes survive)", () => {
    const argv = withSeccompFd(["bwrap", "--seccomp", "3", "--", "true"], Buffer.from([0, 1, 255]));
    expect(argv.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(argv[4]).toBe("\\000\\001\\377");
    expect(argv.slice(5)).toEqual(["bwrap", "--seccomp", "3", "--", "true"]);
  });
});
