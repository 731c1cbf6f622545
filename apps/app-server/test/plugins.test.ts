/**
 * Plugins and managed requirements through the built server, as Codex 0.169 loads them:
 * - an installed plugin (CODEX_HOME/plugins/cache/<marketplace>/<plugin>/<version>/) enabled in
 *   config.toml `[plugins."<plugin>@<marketplace>"]` brings its hooks/hooks.json into hooks/list
 *   and, once trusted, into real turns with PLUGIN_ROOT / PLUGIN_DATA set;
 * - requirements.toml (CODEX_TS_REQUIREMENTS_FILE here instead of /etc/codex/requirements.toml)
 *   gives managed hooks that run without trust, command rules, and network rules.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { bwrapWorks, runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();
/** Codex's placeholder for the plugin root in a plugin hook's command (expanded when it runs). */
const PLUGIN_ROOT_PLACEHOLDER = ["$", "{PLUGIN_ROOT}"].join("");
const sandboxed = bwrapWorks();

/** A UserPromptSubmit hook script that reports its plugin env vars as additional context. */
function contextHook(dir: string, tag: string): string {
  mkdirSync(dir, { recursive: true });
  const script = path.join(dir, "context.sh");
  writeFileSync(
    script,
    `#!/bin/sh\ncat > /dev/null\nprintf '{"hookSpecificOutput":{"hookEventName":"UserPromptSubmit","additionalContext":"${tag} root=%s data=%s"}}' "$PLUGIN_ROOT" "$PLUGIN_DATA"\n`,
  );
  chmodSync(script, 0o755);
  return script;
}

/** Installs plugin `name@mkt` at `version` with a hooks/hooks.json UserPromptSubmit hook. */
function installPlugin(name: string, version: string, tag: string): string {
  const root = path.join(fx.home, "plugins", "cache", "mkt", name, version);
  mkdirSync(path.join(root, ".codex-plugin"), { recursive: true });
  writeFileSync(path.join(root, ".codex-plugin", "plugin.json"), JSON.stringify({ name, version }));
  mkdirSync(path.join(root, "hooks"), { recursive: true });
  writeFileSync(
    path.join(root, "hooks", "hooks.json"),
    JSON.stringify({
      hooks: {
        UserPromptSubmit: [
          { hooks: [{ type: "command", command: `${PLUGIN_ROOT_PLACEHOLDER}/hooks/context.sh` }] },
        ],
      },
    }),
  );
  contextHook(path.join(root, "hooks"), tag);
  return root;
}

const requestText = (index: number) => JSON.stringify(fx.fake.responsesRequests()[index]?.body ?? null);

describe("plugins", () => {
  it("an enabled installed plugin's hooks are listed, run once trusted, with PLUGIN_ROOT and PLUGIN_DATA", async () => {
    const root = installPlugin("demo", "local", "DEMO-PLUGIN-7781");
    installPlugin("demo", "0.1.0", "OLD-VERSION-HOOK"); // `local` wins over any other version
    installPlugin("off", "1.0.0", "DISABLED-PLUGIN-HOOK");
    fx.fake.enqueue(turn([sse.message("one")]), turn([sse.message("two")]));
    const s = await fx.boot({
      extraConfig:
        '\n[plugins."demo@mkt"]\nenabled = true\n\n[plugins."off@mkt"]\nenabled = false\n\n[plugins."missing@mkt"]\n',
    });
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });

    const listed = await s.call("hooks/list", { cwds: [fx.workDir] });
    const hooks = listed.data[0]!.hooks;
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({
      key: "demo@mkt:hooks/hooks.json:user_prompt_submit:0:0",
      source: "plugin",
      pluginId: "demo@mkt",
      sourcePath: path.join(root, "hooks", "hooks.json"),
      isManaged: false,
      trustStatus: "untrusted",
    });

    await runTurn(s, thread.id, "first");
    expect(requestText(0)).not.toContain("DEMO-PLUGIN-7781");

    await s.call("config/batchWrite", {
      edits: [
        {
          keyPath: `hooks.state."${hooks[0]!.key}"`,
          value: { trusted_hash: hooks[0]!.currentHash },
          mergeStrategy: "upsert",
        },
      ],
    });
    const second = await runTurn(s, thread.id, "second");
    const body = requestText(1);
    expect(body).toContain(
      `DEMO-PLUGIN-7781 root=${root} data=${path.join(fx.home, "plugins", "data", "demo-mkt")}`,
    );
    expect(body).not.toContain("OLD-VERSION-HOOK");
    expect(body).not.toContain("DISABLED-PLUGIN-HOOK");
    const completed = s.notifications("hook/completed");
    expect(completed).toHaveLength(1);
    expect(completed[0]!.params).toMatchObject({
      threadId: thread.id,
      turnId: second.turnId,
      run: { status: "completed", source: "plugin" },
    });
  });

  it("features.plugins = false loads no plugin", async () => {
    installPlugin("demo", "local", "DEMO-PLUGIN-7781");
    const s = await fx.boot({
      extraConfig: '\n[features]\nplugins = false\n\n[plugins."demo@mkt"]\nenabled = true\n',
    });
    const listed = await s.call("hooks/list", { cwds: [fx.workDir] });
    expect(listed.data[0]!.hooks).toEqual([]);
  });
});

describe("managed requirements (requirements.toml)", () => {
  const writeRequirements = (text: string): Record<string, string> => {
    const file = path.join(fx.tempDir("codex-etc-"), "requirements.toml");
    writeFileSync(file, text);
    return { CODEX_TS_REQUIREMENTS_FILE: file };
  };

  it("managed hooks run without trust and cannot be turned off; [rules] forbid commands", async () => {
    const script = contextHook(fx.tempDir("managed-hooks-"), "MANAGED-HOOK-3141");
    const env = writeRequirements(
      [
        "[[hooks.UserPromptSubmit]]",
        "[[hooks.UserPromptSubmit.hooks]]",
        'type = "command"',
        `command = "${script}"`,
        "",
        "[rules]",
        'prefix_rules = [{ pattern = [{ token = "touch" }], decision = "forbidden", justification = "the admin says no" }]',
        "",
      ].join("\n"),
    );
    fx.fake.enqueue(
      turn([
        sse.functionCall(
          "exec_command",
          { cmd: "touch managed.txt", yield_time_ms: 10_000 },
          { callId: "t1" },
        ),
      ]),
      turn([sse.message("done")]),
    );
    const s = await fx.boot({ env });
    const { thread } = await s.call("thread/start", { cwd: fx.workDir, sandbox: "danger-full-access" });
    const listed = await s.call("hooks/list", { cwds: [fx.workDir] });
    const hook = listed.data[0]!.hooks[0]!;
    expect(hook).toMatchObject({
      isManaged: true,
      trustStatus: "managed",
      sourcePath: env.CODEX_TS_REQUIREMENTS_FILE,
    });

    // Turning it off in the user's config does nothing to a managed hook.
    await s.call("config/value/write", {
      keyPath: `hooks.state."${hook.key}".enabled`,
      value: false,
      mergeStrategy: "replace",
    });
    await runTurn(s, thread.id, "go");
    expect(requestText(0)).toContain("MANAGED-HOOK-3141");
    expect(fx.toolOutputText("t1")).toContain("the admin says no");
    expect(existsSync(path.join(fx.workDir, "managed.txt"))).toBe(false);
  });

  it.skipIf(!sandboxed)(
    "requirements network domains are managed network rules: a denied host stays blocked though config allows it",
    async () => {
      let hits = 0;
      const origin = http.createServer((_req, res) => {
        hits += 1;
        res.end("ORIGIN-REPLY");
      });
      await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
      try {
        const port = (origin.address() as AddressInfo).port;
        const cmd = `curl -s --noproxy '' -x "$HTTP_PROXY" http://localhost:${port}/ ; echo CURL-DONE`;
        const config =
          '\n[network]\nenabled = true\nallow_local_binding = true\nallowed_domains = ["localhost"]\n';
        const fetchOnce = async (env: Record<string, string>, callId: string) => {
          fx.fake.enqueue(
            turn([sse.functionCall("exec_command", { cmd, yield_time_ms: 30_000 }, { callId })]),
            turn([sse.message("done")]),
          );
          const s = await fx.boot({ env, extraConfig: config });
          const { thread } = await s.call("thread/start", {
            cwd: fx.workDir,
            sandbox: "workspace-write",
            approvalPolicy: "never",
          });
          await runTurn(s, thread.id, "fetch");
          await s.dispose();
          return fx.toolOutputText(callId);
        };
        // Control: the user's allow list lets it through.
        expect(await fetchOnce({ CODEX_TS_REQUIREMENTS_FILE: "" }, "n1")).toContain("ORIGIN-REPLY");
        expect(hits).toBe(1);
        const env = writeRequirements('[experimental_network]\ndomains = { "localhost" = "deny" }\n');
        expect(await fetchOnce(env, "n2")).toContain("CURL-DONE");
        expect(hits).toBe(1);
        expect(fx.toolOutputText("n2")).not.toContain("ORIGIN-REPLY");
      } finally {
        await new Promise<void>((resolve) => origin.close(() => resolve()));
      }
    },
  );

  it("the legacy managed_config.toml is the top config layer (CODEX_TS_MANAGED_CONFIG_FILE here)", async () => {
    const managed = path.join(fx.tempDir("codex-etc-"), "managed_config.toml");
    writeFileSync(managed, 'model = "managed-model"\n');
    const s = await fx.boot({ env: { CODEX_TS_MANAGED_CONFIG_FILE: managed } });
    const read = await s.call("config/read", { includeLayers: true });
    expect(read.config.model).toBe("managed-model");
    expect(read.layers?.[0]?.name).toEqual({ type: "legacyManagedConfigTomlFromFile", file: managed });
    expect(read.origins.model?.name).toEqual({ type: "legacyManagedConfigTomlFromFile", file: managed });
    const { thread, model } = await s.call("thread/start", { cwd: fx.workDir });
    expect(thread.id).toBeTruthy();
    expect(model).toBe("managed-model");
  });

  it("a requirements file that does not parse refuses thread/start with a message naming it", async () => {
    const env = writeRequirements(
      '[rules]\nprefix_rules = [{ pattern = [{ token = "rm" }], decision = "allow" }]\n',
    );
    const s = await fx.boot({ env });
    const { error } = await s.request("thread/start", { cwd: fx.workDir });
    expect(error?.message).toContain(env.CODEX_TS_REQUIREMENTS_FILE);
    expect(error?.message).toContain("not permitted in requirements.toml");
  });
});
