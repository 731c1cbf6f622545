import { describe, expect, it } from "vitest";
import { currentEnvironment, environmentContextText, localTimezone, prewarmCore, systemTimezone } from "@codex-ts/core";

describe("prewarmCore", () => {
  it("runs without a session and leaves the environment context unchanged", async () => {
    const before = environmentContextText(currentEnvironment("/w", ["/w"], { SHELL: "/bin/zsh" }));
    const report = await prewarmCore();
    expect(report.problems).toEqual([]);
    expect(report.events.some((e) => e.type === "task_complete")).toBe(true);
    const after = environmentContextText(currentEnvironment("/w", ["/w"], { SHELL: "/bin/zsh" }));
    expect(after).toBe(before);
    // Like Codex: the /etc/localtime zone name where there is one, else ICU's.
    const zone = systemTimezone() ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(after).toContain(`<timezone>${zone}</timezone>`);
    expect(localTimezone()).toBe(zone);
  });
});
