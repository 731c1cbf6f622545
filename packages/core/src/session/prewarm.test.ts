import { describe, expect, it } from "vitest";
import { currentEnvironment, environmentContextText, localTimezone, prewarmCore } from "@codex-ts/core";

describe("prewarmCore", () => {
  it("runs without a session and leaves the environment context unchanged", () => {
    const before = environmentContextText(currentEnvironment("/w", ["/w"], { SHELL: "/bin/zsh" }));
    prewarmCore();
    const after = environmentContextText(currentEnvironment("/w", ["/w"], { SHELL: "/bin/zsh" }));
    expect(after).toBe(before);
    expect(after).toContain(`<timezone>${Intl.DateTimeFormat().resolvedOptions().timeZone}</timezone>`);
    expect(localTimezone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});
