import { describe, expect, it } from "vitest";
import { applyShellEnvironmentPolicy } from "./env.js";

const env = { PATH: "/bin", HOME: "/h", OPENAI_API_KEY: "sk", GITHUB_TOKEN: "t", FOO: "1", FOO_BAR: "2", EMPTY: undefined };

describe("applyShellEnvironmentPolicy", () => {
  it("inherits everything by default", () => {
    expect(applyShellEnvironmentPolicy({}, env)).toEqual({ PATH: "/bin", HOME: "/h", OPENAI_API_KEY: "sk", GITHUB_TOKEN: "t", FOO: "1", FOO_BAR: "2" });
  });
  it("supports core/none, default excludes, exclude, set and include_only", () => {
    expect(applyShellEnvironmentPolicy({ inherit: "core" }, env)).toEqual({ PATH: "/bin", HOME: "/h" });
    expect(applyShellEnvironmentPolicy({ inherit: "none", set: { A: "b" } }, env)).toEqual({ A: "b" });
    const filtered = applyShellEnvironmentPolicy({ ignore_default_excludes: false, exclude: ["foo_*"] }, env);
    expect(filtered).toEqual({ PATH: "/bin", HOME: "/h", FOO: "1" });
    expect(applyShellEnvironmentPolicy({ include_only: ["PATH", "f?o"] }, env)).toEqual({ PATH: "/bin", FOO: "1" });
  });
});
