import { describe, expect, it } from "vitest";
import { COMMANDS, type CommandSpec, completionScript, VERSION } from "@codex-ts/cli";
import { runInProcess } from "../test/helpers.js";

describe("codex-ts top level", () => {
  it("prints its version", async () => {
    for (const flag of ["--version", "-V"]) {
      const r = await runInProcess([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`codex-ts ${VERSION}\n`);
    }
  });

  it("prints help listing every subcommand", async () => {
    const r = await runInProcess(["--help"]);
    expect(r.code).toBe(0);
    for (const name of ["exec", "app-server", "execpolicy", "sandbox", "completion"]) expect(r.stdout).toContain(name);
  });

  it("rejects an unknown flag with exit 2 and names it", async () => {
    const r = await runInProcess(["--frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--frobnicate");
    expect(r.stdout).toBe("");
  });

  it("takes a word that is no subcommand as the interactive terminal's prompt, which needs a TTY", async () => {
    const r = await runInProcess(["frobnicate"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("needs a TTY");
  });
});

describe("completion", () => {
  it.each(["bash", "zsh", "fish"] as const)("prints a %s script naming the subcommands and exec flags", async (shell) => {
    const r = await runInProcess(["completion", shell]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(completionScript(shell));
    expect(r.stdout).toContain("exec");
    expect(r.stdout).toContain("output-schema");
  });

  it("refuses an unknown shell", async () => {
    const r = await runInProcess(["completion", "tcsh"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unsupported shell 'tcsh'");
  });
});

describe("exec argument errors", () => {
  it("names an unknown exec flag, exit 2", async () => {
    const r = await runInProcess(["exec", "--no-such-flag", "hi"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--no-such-flag");
  });

  it("rejects a bad sandbox mode, exit 2", async () => {
    const r = await runInProcess(["exec", "-s", "everything", "hi"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("invalid value 'everything' for '--sandbox'");
  });

  it("rejects a -c value without '=', exit 2", async () => {
    const r = await runInProcess(["exec", "-c", "model", "--skip-git-repo-check", "hi"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("invalid --config value 'model'");
  });

  it("refuses to run outside a git repo without --skip-git-repo-check, exit 1", async () => {
    const r = await runInProcess(["exec", "hi"], { cwd: "/" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--skip-git-repo-check");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("needs a prompt when stdin is a terminal", async () => {
    const r = await runInProcess(["exec", "--skip-git-repo-check"], { cwd: "/" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no prompt provided");
  });

  it("reports an unreadable output schema in one line", async () => {
    const r = await runInProcess(["exec", "--skip-git-repo-check", "--output-schema", "/no/such.json", "hi"], { cwd: "/" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--output-schema /no/such.json: cannot be read");
  });
});

describe("every subcommand", () => {
  const leaves = (spec: CommandSpec, prefix: string[] = []): string[][] =>
    (spec.subcommands ?? []).flatMap((c) => (c.subcommands?.length ? leaves(c, [...prefix, c.name]) : [[...prefix, c.name]]));

  it("is in every shell's completion script", () => {
    for (const shell of ["bash", "zsh", "fish"] as const) {
      const script = completionScript(shell);
      for (const c of COMMANDS.subcommands ?? []) expect(script, `${shell}: ${c.name}`).toContain(c.name);
    }
  });

  it("completes nested subcommands and their flags (plugin marketplace add --ref, queue --thread, debug models --bundled)", () => {
    const bash = completionScript("bash");
    const line = (cmd: string) => bash.split("\n").find((l) => l.trimStart().startsWith(`${cmd})`)) ?? "";
    for (const word of ["add", "list", "remove", "marketplace", "upgrade", "--ref", "--sparse", "--available", "--json", "--marketplace"]) {
      expect(line("plugin").split(/[\s"]/), word).toContain(word);
    }
    for (const word of ["--thread", "--message", "--resume", "--remote", "--remote-auth-token-env"]) expect(line("queue").split(/[\s"]/)).toContain(word);
    for (const word of ["models", "prompt-input", "app-server", "send-message-v2", "--bundled", "--image"]) expect(line("debug").split(/[\s"]/)).toContain(word);
    const fish = completionScript("fish");
    expect(fish).toContain("__fish_seen_subcommand_from marketplace' -a 'upgrade'");
    expect(fish).toContain("__fish_seen_subcommand_from plugin' -l available");
    expect(completionScript("zsh")).toContain("'send-message-v2'");
  });

  it("refuses an unknown flag with exit 2, naming it on the first line", async () => {
    for (const argv of leaves(COMMANDS)) {
      const r = await runInProcess([...argv, "--no-such-flag-x"], { env: {} });
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr.split("\n")[0], argv.join(" ")).toContain("--no-such-flag-x");
    }
  });
});
