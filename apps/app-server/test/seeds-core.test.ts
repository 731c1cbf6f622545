/**
 * Seed behaviours of core, approvals and context, driven through the built app-server (issue 28):
 * each test states the behaviour real Codex 0.169 shows for the same scripted model output.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { encodePng } from "@codex-ts/core";
import { sse, turn, usage } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { type AppServerProcess, bwrapWorks, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();
const sandboxed = bwrapWorks();

/**
 * One turn on a workspace-write thread whose sandbox excludes /tmp and $TMPDIR, answering every
 * command approval with `decision`; resolves with the approval requests it saw.
 */
async function sandboxedTurnApprovals(server: AppServerProcess, decision: string) {
  server.autoRespond = (m) => (m.method === "item/commandExecution/requestApproval" ? { decision } : undefined);
  const { thread } = await server.call("thread/start", {
    cwd: fx.workDir,
    approvalPolicy: "on-request",
    sandbox: "workspace-write",
    config: { "sandbox_workspace_write.exclude_slash_tmp": true, "sandbox_workspace_write.exclude_tmpdir_env_var": true },
  });
  const { turn: t } = await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "go" }] });
  await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id, 60_000);
  return server.messages.filter((m) => m.method === "item/commandExecution/requestApproval");
}

describe("approvals and permissions", () => {
  it("never, or a granular policy without request_permissions, answers the tool with the empty grant and asks nobody", async () => {
    const dir = fx.tempDir("codex-perm-");
    const ask = (callId: string) =>
      turn([sse.functionCall("request_permissions", { reason: "need", permissions: { file_system: { write: [dir] } } }, { callId })]);
    fx.fake.enqueue(ask("p-never"), turn([sse.message("ok")]), ask("p-off"), turn([sse.message("ok")]), ask("p-on"), turn([sse.message("ok")]));
    const server = await fx.boot({ extraConfig: "\n[features]\nrequest_permissions_tool = true\n" });
    const granular = (requestPermissions: boolean) => ({
      granular: { sandbox_approval: true, rules: true, mcp_elicitations: true, request_permissions: requestPermissions },
    });
    for (const [policy, callId] of [["never", "p-never"], [granular(false), "p-off"]] as const) {
      const off = await server.call("thread/start", { cwd: fx.workDir, approvalPolicy: policy, sandbox: "workspace-write" });
      const { turn: t1 } = await server.call("turn/start", { threadId: off.thread.id, input: [{ type: "text", text: "go" }] });
      await server.waitForNotification("turn/completed", (p) => p.turn.id === t1.id);
      expect(server.messages.some((m) => m.method === "item/permissions/requestApproval")).toBe(false);
      expect(JSON.parse(fx.toolOutputText(callId))).toEqual({ permissions: { network: null, file_system: null }, scope: "turn" });
    }

    // The same call under a granular policy that allows it reaches the client.
    server.autoRespond = (m) =>
      m.method === "item/permissions/requestApproval" ? { permissions: { fileSystem: { write: [dir] } }, scope: "turn" } : undefined;
    const on = await server.call("thread/start", { cwd: fx.workDir, approvalPolicy: granular(true), sandbox: "workspace-write" });
    const { turn: t2 } = await server.call("turn/start", { threadId: on.thread.id, input: [{ type: "text", text: "go" }] });
    await server.waitForNotification("turn/completed", (p) => p.turn.id === t2.id);
    expect(server.messages.some((m) => m.method === "item/permissions/requestApproval")).toBe(true);
    expect(fx.toolOutputText("p-on")).toContain(dir);
  });

  it.skipIf(!sandboxed)(
    "a command asking for more permissions is one command approval carrying additionalPermissions; approved, it runs with them",
    async () => {
      const outside = fx.tempDir("codex-outside-");
      const target = path.join(outside, "out.txt");
      fx.fake.enqueue(
        turn([
          sse.functionCall(
            "exec_command",
            {
              cmd: `echo hi > '${target}'`,
              sandbox_permissions: "with_additional_permissions",
              additional_permissions: { file_system: { write: [outside] } },
              justification: "write the report",
              yield_time_ms: 10_000,
            },
            { callId: "c1" },
          ),
        ]),
        turn([sse.message("done")]),
      );
      const server = await fx.boot({ extraConfig: "\n[features]\nexec_permission_approvals = true\n" });
      const approvals = await sandboxedTurnApprovals(server, "accept");
      expect(approvals).toHaveLength(1);
      const params = approvals[0]?.params as Record<string, unknown>;
      expect(params).toMatchObject({
        itemId: "c1",
        reason: "write the report",
        availableDecisions: ["accept", "cancel"],
        additionalPermissions: {
          network: null,
          fileSystem: { entries: [{ path: { type: "path", path: outside }, access: "write" }] },
        },
      });
      expect(server.messages.some((m) => m.method === "item/permissions/requestApproval")).toBe(false);
      expect(existsSync(target) && readFileSync(target, "utf8")).toBe("hi\n");
      const tools = (fx.fake.responsesRequests()[0]?.body.tools ?? []) as Array<{ name?: string; parameters?: { properties?: object } }>;
      expect(tools.find((tool) => tool.name === "exec_command")?.parameters?.properties).toHaveProperty("additional_permissions");
    },
  );
});

describe.skipIf(!sandboxed)("skill scripts", () => {
  it("asks once for a skill script with the skill's permissions (network kept); approved for the session, later runs get them without asking", async () => {
    const { chmodSync, mkdirSync, writeFileSync } = await import("node:fs");
    const outside = fx.tempDir("codex-skill-out-");
    const dir = path.join(fx.home, "skills", "writer");
    mkdirSync(path.join(dir, "agents"), { recursive: true });
    mkdirSync(path.join(dir, "scripts"), { recursive: true });
    writeFileSync(path.join(dir, "SKILL.md"), "---\nname: writer\ndescription: writes reports\n---\nRun scripts/write.sh NAME.\n");
    writeFileSync(
      path.join(dir, "agents", "openai.yaml"),
      `permissions:\n  network:\n    enabled: true\n  file_system:\n    write:\n      - ${outside}\n`,
    );
    const script = path.join(dir, "scripts", "write.sh");
    writeFileSync(script, `#!/bin/sh\necho "$1" > '${outside}'/"$1".txt\n`);
    chmodSync(script, 0o755);
    const run = (name: string) =>
      turn([sse.functionCall("exec_command", { cmd: `${script} ${name}`, yield_time_ms: 10_000 }, { callId: name })]);
    fx.fake.enqueue(run("first"), run("second"), turn([sse.message("done")]));
    const server = await fx.boot();
    const approvals = await sandboxedTurnApprovals(server, "acceptForSession");
    expect(approvals).toHaveLength(1);
    expect(approvals[0]?.params).toMatchObject({
      itemId: "first",
      availableDecisions: ["accept", "acceptForSession", "cancel"],
      additionalPermissions: {
        network: { enabled: true },
        fileSystem: { entries: [{ path: { type: "path", path: outside }, access: "write" }] },
      },
    });
    expect(readFileSync(path.join(outside, "first.txt"), "utf8")).toBe("first\n");
    expect(readFileSync(path.join(outside, "second.txt"), "utf8")).toBe("second\n");
  });
});

describe("what the model is told", () => {
  const developerTexts = (index: number): string[] => {
    const input = fx.fake.responsesRequests()[index]?.body.input as Array<{ role?: string; content?: Array<{ text?: string }> }>;
    return input.filter((item) => item.role === "developer").flatMap((item) => (item.content ?? []).map((c) => c.text ?? ""));
  };

  it("lists the exec policy's allow prefixes in the permissions message, shortest first, only when escalation can be requested", async () => {
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(path.join(fx.home, "rules"), { recursive: true });
    writeFileSync(
      path.join(fx.home, "rules", "default.rules"),
      [
        'prefix_rule(pattern=["git", "status", "--short"], decision="allow")',
        'prefix_rule(pattern=["npm", "test"], decision="allow")',
        'prefix_rule(pattern=["ls"], decision="allow")',
        'prefix_rule(pattern=["rm"], decision="forbidden")',
        'prefix_rule(pattern=["curl"], decision="prompt")',
        'prefix_rule(pattern=["git", ["push", "pull"]], decision="allow")',
        "",
      ].join("\n"),
    );
    fx.fake.enqueue(turn([sse.message("a")]), turn([sse.message("b")]));
    const server = await fx.boot();
    for (const approvalPolicy of ["on-request", "never"] as const) {
      const { thread } = await server.call("thread/start", { cwd: fx.workDir, approvalPolicy, sandbox: "workspace-write" });
      const { turn: t } = await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "go" }] });
      await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    }
    // Real Codex 0.169's section, byte for byte (same rules file).
    const expected =
      '## Approved command prefixes\nThe following prefix rules have already been approved: - ["ls"]\n- ["npm", "test"]\n- ["git", "[push|pull]"]\n- ["git", "status", "--short"]';
    const onRequest = developerTexts(0).find((text) => text.startsWith("<permissions instructions>"));
    expect(onRequest).toContain(expected);
    const never = developerTexts(1).find((text) => text.startsWith("<permissions instructions>"));
    expect(never).toBeDefined();
    expect(never).not.toContain("Approved command prefixes");
  });

  it("keeps the session's base instructions after a model switch and on resume with another model", async () => {
    fx.fake.enqueue(turn([sse.message("1")]), turn([sse.message("2")]), turn([sse.message("3")]));
    const first = await fx.boot();
    const { thread } = await first.call("thread/start", { cwd: fx.workDir, baseInstructions: "You are the session's own base." });
    const { turn: t1 } = await first.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "one" }] });
    await first.waitForNotification("turn/completed", (p) => p.turn.id === t1.id);
    const { turn: t2 } = await first.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "two" }], model: "gpt-other" });
    await first.waitForNotification("turn/completed", (p) => p.turn.id === t2.id);
    await first.dispose();
    const second = await fx.boot();
    await second.call("thread/resume", { threadId: thread.id, model: "gpt-third" });
    const { turn: t3 } = await second.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "three" }] });
    await second.waitForNotification("turn/completed", (p) => p.turn.id === t3.id);
    const requests = fx.fake.responsesRequests();
    expect(requests.map((r) => r.body.model)).toEqual(["gpt-test", "gpt-other", "gpt-third"]);
    // The first developer message of every request (Codex 0.169 sends no `instructions` field).
    expect(requests.map((r) => r.body.instructions)).toEqual([undefined, undefined, undefined]);
    expect(requests.map((r) => r.body.input[0].content[0].text)).toEqual(Array(3).fill("You are the session's own base."));
    // The resumed thread is not told its context again (Codex 0.169): one permissions part, one
    // environment context, the in-session switch a developer message of its own. (Codex also tells
    // a switch made by the resume itself; we cannot yet: the session does not get the previous model.)
    const parts = (r: (typeof requests)[number]) =>
      (r.body.input as Array<{ role: string; content: Array<{ text?: string }> }>).flatMap((m) =>
        m.content.map((c) => `${m.role}:${(c.text ?? "").split("\n")[0]}`),
      );
    const resumed = parts(requests[2]!);
    expect(resumed.filter((p) => p.startsWith("developer:<permissions instructions>"))).toHaveLength(1);
    expect(resumed.filter((p) => p === "user:<environment_context>")).toHaveLength(1);
    expect(resumed.filter((p) => p === "developer:<model_switch>")).toHaveLength(1);
  });
});

describe("tools as 0.169 sets them up", () => {
  const solidPng = (width: number, height: number): Buffer =>
    encodePng({ width, height, colorType: 2, channels: 3, pixels: new Uint8Array(width * height * 3).fill(90) });

  it("view_image: original bytes at detail original for a catalog model, a 2048-fitted PNG at detail high otherwise; no detail parameter", async () => {
    const { writeFileSync } = await import("node:fs");
    const big = solidPng(3000, 1000);
    writeFileSync(path.join(fx.workDir, "big.png"), big);
    for (const model of ["gpt-5.5", "gpt-test"]) {
      fx.fake.enqueue(turn([sse.functionCall("view_image", { path: path.join(fx.workDir, "big.png") }, { callId: `v-${model}` })]), turn([sse.message("seen")]));
    }
    const server = await fx.boot();
    for (const model of ["gpt-5.5", "gpt-test"]) {
      const { thread } = await server.call("thread/start", { cwd: fx.workDir, model });
      const { turn: t } = await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "look" }] });
      await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    }
    const image = (callId: string) => {
      const output = fx.toolOutput(callId) as Array<{ image_url: string; detail: string }>;
      const bytes = Buffer.from(output[0]?.image_url.split(",")[1] ?? "", "base64");
      return { detail: output[0]?.detail, width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), same: bytes.equals(big) };
    };
    expect(image("v-gpt-5.5")).toEqual({ detail: "original", width: 3000, height: 1000, same: true });
    expect(image("v-gpt-test")).toEqual({ detail: "high", width: 2048, height: 683, same: false });
    const tools = (fx.fake.responsesRequests()[0]?.body.tools ?? []) as Array<{ name?: string; parameters?: { properties?: object } }>;
    const spec = tools.find(
      (tool) => tool.name === "view_image",
    );
    expect(Object.keys(spec?.parameters?.properties ?? {})).toEqual(["path"]);
  });

  it("counts an original-detail image by its patches when deciding to compact before the next request", async () => {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path.join(fx.workDir, "big.png"), solidPng(3000, 1000));
    const look = (model: string) =>
      turn([sse.functionCall("view_image", { path: path.join(fx.workDir, "big.png") }, { callId: `v-${model}` })], { usage: usage(90, 10) });
    // gpt-5.5: 100 tokens used + ~3,050 estimated for the image ≥ 3,000 → compaction first.
    fx.fake.enqueue(look("gpt-5.5"), turn([sse.message("summary of the work")]), turn([sse.message("done")]));
    // gpt-test: the resized image counts a fixed ~1,850 → no compaction.
    fx.fake.enqueue(look("gpt-test"), turn([sse.message("done")]));
    const server = await fx.boot({ extraConfig: "" });
    const config = readFileSync(path.join(fx.home, "config.toml"), "utf8");
    writeFileSync(path.join(fx.home, "config.toml"), `model_auto_compact_token_limit = 3000\n${config}`);
    const compactions: Record<string, number> = {};
    for (const model of ["gpt-5.5", "gpt-test"]) {
      const { thread } = await server.call("thread/start", { cwd: fx.workDir, model });
      const { turn: t } = await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "look" }] });
      await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
      compactions[model] = server
        .notifications("item/started")
        .filter((m) => m.params.threadId === thread.id && m.params.item.type === "contextCompaction").length;
    }
    expect(compactions).toEqual({ "gpt-5.5": 1, "gpt-test": 0 });
    expect(fx.fake.responsesRequests()).toHaveLength(5);
  });

  it("features.shell_tool = false leaves the model without command tools; unified_exec = false keeps exec_command", async () => {
    fx.fake.enqueue(turn([sse.message("a")]), turn([sse.message("b")]));
    const server = await fx.boot();
    for (const feature of ["features.shell_tool", "features.unified_exec"]) {
      const { thread } = await server.call("thread/start", { cwd: fx.workDir, config: { [feature]: false } });
      const { turn: t } = await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "go" }] });
      await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    }
    const names = (index: number) =>
      ((fx.fake.responsesRequests()[index]?.body.tools ?? []) as Array<{ name?: string }>).map((tool) => tool.name);
    for (const name of ["exec_command", "write_stdin", "shell_command"]) expect(names(0)).not.toContain(name);
    expect(names(1)).toEqual(expect.arrayContaining(["exec_command", "write_stdin"]));
    expect(names(1)).not.toContain("shell_command");
    // Without exec_permission_approvals, exec_command offers no inline permission request (as 0.169).
    const exec = ((fx.fake.responsesRequests()[1]?.body.tools ?? []) as Array<{ name?: string; parameters?: { properties?: Record<string, { enum?: unknown }> } }>).find(
      (tool) => tool.name === "exec_command",
    );
    expect(exec?.parameters?.properties?.sandbox_permissions?.enum).toEqual(["use_default", "require_escalated"]);
    expect(exec?.parameters?.properties).not.toHaveProperty("additional_permissions");
  });
});

describe("mentions", () => {
  it("structured skill and plugin mentions are not text for the model; a plugin link never selects a same-named skill", async () => {
    const { mkdirSync, writeFileSync } = await import("node:fs");
    for (const name of ["demo", "gmail"]) {
      mkdirSync(path.join(fx.home, "skills", name), { recursive: true });
      writeFileSync(path.join(fx.home, "skills", name, "SKILL.md"), `---\nname: ${name}\ndescription: ${name} skill\n---\n${name.toUpperCase()} BODY\n`);
    }
    fx.fake.enqueue(turn([sse.message("ok")]));
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    const text = "use [$gmail](plugin://gmail@openai-curated) with @gmail";
    const { turn: t } = await server.call("turn/start", {
      threadId: thread.id,
      input: [
        { type: "skill", name: "demo", path: path.join(fx.home, "skills", "demo", "SKILL.md") },
        { type: "mention", name: "gmail", path: "plugin://gmail@openai-curated" },
        { type: "text", text },
      ],
    });
    await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    const input = fx.fake.responsesRequests()[0]?.body.input as Array<{ role?: string; content?: Array<{ text?: string }> }>;
    const users = input.filter((item) => item.role === "user").map((item) => (item.content ?? []).map((c) => c.text ?? "").join(""));
    expect(users).toContain(text);
    const injected = users.filter((u) => u.startsWith("<skill>"));
    expect(injected).toHaveLength(1);
    expect(injected[0]).toContain("DEMO BODY");
    expect(users.join("\n")).not.toContain("[mention");
    expect(users.join("\n")).not.toContain("[skill");
  });
});

describe("plugin mentions", () => {
  it("a mentioned installed plugin is described after the user's message, and its skills are listed under its namespace", async () => {
    const { mkdirSync, writeFileSync } = await import("node:fs");
    const root = path.join(fx.home, "plugins", "cache", "local-mkt", "demo", "local");
    mkdirSync(path.join(root, ".codex-plugin"), { recursive: true });
    mkdirSync(path.join(root, "skills", "greet"), { recursive: true });
    writeFileSync(path.join(root, ".codex-plugin", "plugin.json"), JSON.stringify({ name: "demo", version: "1.0.0", skills: "./skills/" }));
    writeFileSync(path.join(root, "skills", "greet", "SKILL.md"), "---\nname: greet\ndescription: greets people\n---\nGREET BODY\n");
    fx.fake.enqueue(turn([sse.message("ok")]), turn([sse.message("ok")]));
    const server = await fx.boot({ extraConfig: '\n[plugins."demo@local-mkt"]\nenabled = true\n' });
    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    const text = "use [$demo](plugin://demo@local-mkt) please";
    for (const input of [
      [{ type: "mention", name: "demo", path: "plugin://demo@local-mkt" }, { type: "text", text }],
      [{ type: "text", text: "no plugin this time" }],
    ]) {
      const { turn: t } = await server.call("turn/start", { threadId: thread.id, input });
      await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    }
    const texts = (index: number) =>
      ((fx.fake.responsesRequests()[index]?.body.input ?? []) as Array<{ role?: string; content?: Array<{ text?: string }> }>).map((item) => ({
        role: item.role,
        text: (item.content ?? []).map((c) => c.text ?? "").join(""),
      }));
    const first = texts(0);
    const described =
      "Capabilities from the `demo` plugin:\n- Skills from this plugin are prefixed with `demo:`.\nUse these plugin-associated capabilities to help solve the task.";
    const at = first.findIndex((m) => m.role === "user" && m.text === text);
    expect(first[at + 1]).toEqual({ role: "developer", text: described });
    expect(first.filter((m) => m.text === described)).toHaveLength(1);
    expect(first.some((m) => m.role === "developer" && m.text.includes("- demo:greet: greets people"))).toBe(true);
    expect(texts(1).filter((m) => m.text === described)).toHaveLength(1);
  });
});

describe("service tier and personality", () => {
  it("sends the thread's service tier as real Codex does: fast means priority, priority only for models that offer it, flex as given", async () => {
    for (let i = 0; i < 4; i++) fx.fake.enqueue(turn([sse.message(`r${i}`)]));
    const server = await fx.boot({ extraConfig: "" });
    const cases = [
      { model: "gpt-5.5", serviceTier: "fast", expected: "priority" },
      { model: "gpt-test", serviceTier: "priority", expected: undefined },
      { model: "gpt-test", serviceTier: "flex", expected: "flex" },
    ];
    for (const c of cases) {
      const started = await server.call("thread/start", { cwd: fx.workDir, model: c.model, serviceTier: c.serviceTier });
      expect(started.serviceTier).toBe(c.expected ?? null);
      const { turn: t } = await server.call("turn/start", { threadId: started.thread.id, input: [{ type: "text", text: "go" }] });
      await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    }
    expect(fx.fake.responsesRequests().map((r) => r.body.service_tier)).toEqual(cases.map((c) => c.expected));
  });

  it("takes service_tier from config.toml", async () => {
    fx.fake.enqueue(turn([sse.message("ok")]));
    const server = await fx.boot();
    const { writeFileSync } = await import("node:fs");
    const config = readFileSync(path.join(fx.home, "config.toml"), "utf8");
    writeFileSync(path.join(fx.home, "config.toml"), `service_tier = "fast"\n${config}`);
    const started = await server.call("thread/start", { cwd: fx.workDir, model: "gpt-5.5" });
    expect(started.serviceTier).toBe("priority");
    const { turn: t } = await server.call("turn/start", { threadId: started.thread.id, input: [{ type: "text", text: "go" }] });
    await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    expect(fx.fake.responsesRequests()[0]?.body.service_tier).toBe("priority");
  });

  it("reports personality in the thread settings without changing the instructions (deprecated in 0.169)", async () => {
    fx.fake.enqueue(turn([sse.message("1")]), turn([sse.message("2")]));
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", { cwd: fx.workDir, personality: "friendly" });
    const { turn: t1 } = await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "one" }] });
    await server.waitForNotification("turn/completed", (p) => p.turn.id === t1.id);
    const { turn: t2 } = await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "two" }], personality: "pragmatic" });
    const updated = await server.waitForNotification("thread/settings/updated", (p) => p.threadId === thread.id);
    expect(updated.params.threadSettings.personality).toBe("pragmatic");
    await server.waitForNotification("turn/completed", (p) => p.turn.id === t2.id);
    const [a, b] = fx.fake.responsesRequests();
    expect(b?.body.input[0]).toEqual(a?.body.input[0]);
    expect(JSON.stringify(b?.body.input)).not.toMatch(/pragmatic|friendly/);
  });
});

describe("what is recorded", () => {
  const rolloutLines = (file: string) =>
    readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; payload: Record<string, unknown> });

  it("writes turn_context lines as Codex 0.169: no developer instructions or personality, summary a fixed compatibility value", async () => {
    fx.fake.enqueue(turn([sse.message("ok")]));
    const server = await fx.boot({
      extraConfig: "",
    });
    const { writeFileSync } = await import("node:fs");
    const config = readFileSync(path.join(fx.home, "config.toml"), "utf8");
    writeFileSync(
      path.join(fx.home, "config.toml"),
      `model_reasoning_summary = "detailed"\nmodel_reasoning_effort = "high"\ndeveloper_instructions = "DEV-X"\npersonality = "friendly"\n${config}`,
    );
    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    const { turn: t } = await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "go" }] });
    await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    expect(fx.fake.responsesRequests()[0]?.body.reasoning).toMatchObject({ effort: "high", summary: "detailed" });
    const read = await server.call("thread/read", { threadId: thread.id });
    const contexts = rolloutLines(read.thread.path as string).filter((line) => line.type === "turn_context");
    expect(contexts).toHaveLength(1);
    expect(contexts[0]?.payload).toMatchObject({ effort: "high", summary: "none" });
    expect(contexts[0]?.payload).not.toHaveProperty("developer_instructions");
    expect(contexts[0]?.payload).not.toHaveProperty("personality");
  });

  // Real Codex 0.169 appends names to CODEX_HOME/session_index.jsonl ({"id","thread_name","updated_at"})
  // and reads them back, so they outlive our sqlite index.
  it("keeps a thread's name when the thread index is rebuilt from the files", async () => {
    const { rmSync } = await import("node:fs");
    fx.fake.enqueue(turn([sse.message("ok")]));
    const first = await fx.boot();
    const { thread } = await first.call("thread/start", { cwd: fx.workDir });
    const { turn: t } = await first.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "go" }] });
    await first.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    await first.call("thread/name/set", { threadId: thread.id, name: "Kept name" });
    await first.dispose();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(path.join(fx.home, `codex-ts-threads.sqlite${suffix}`), { force: true });
    const second = await fx.boot();
    const read = await second.call("thread/read", { threadId: thread.id });
    expect(read.thread.name).toBe("Kept name");
    const listed = await second.call("thread/list", {});
    expect(listed.data.find((entry) => entry.id === thread.id)?.name).toBe("Kept name");
  });
});
