import { readFileSync } from "node:fs";
import path from "node:path";
import { mcpStdioTestServerToml, mcpToolCall, sse, turn } from "@codex-ts/test-support";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { rigsPerTest, typeKeys, until } from "../rig.js";
import { FormOverlay } from "./FormOverlay.js";
import { MainScreen } from "./MainScreen.js";

// MCP forms, /hooks and /mcp on a real in-process app-server (real MCP server, fake model).
const startRig = rigsPerTest();
const type = typeKeys;

describe("MainScreen overlays", () => {
  it("an MCP server's form (elicitation) is filled in the overlay and its answer reaches the tool", async () => {
    const rig = await startRig({
      extraConfig: mcpStdioTestServerToml("probe"),
      script: [
        turn(mcpToolCall("probe", "ask_name", {}, "a1")),
        turn(sse.message("greeted", { phase: "final_answer" })),
      ],
    });
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "ask me");
    await type(ui.stdin, "\r");
    await until(() => ui.lastFrame()?.includes("What is your name?"), 20_000, "the MCP form");
    expect(ui.lastFrame()).toContain("probe asks for input");
    await type(ui.stdin, "\r");
    expect(ui.lastFrame()).toContain("This field is required.");
    await type(ui.stdin, "Ada");
    await type(ui.stdin, "\r");
    await until(() => ui.lastFrame()?.includes("greeted"), 10_000, "the turn end");
    expect(JSON.stringify(rig.server.responsesRequests()[1]!.body)).toContain("hello Ada");
    ui.unmount();
  });

  it("a permissions request shows what is asked; granting it for the turn answers the tool", async () => {
    const rig = await startRig({
      extraConfig: "[features]\nrequest_permissions_tool = true\n",
      settings: { approvalPolicy: "on-request", sandbox: "workspace-write" },
      script: [
        turn(
          sse.functionCall(
            "request_permissions",
            {
              reason: "PERM-REASON-88: the build writes there",
              permissions: { file_system: { write: ["/opt/out"] } },
            },
            { callId: "p1" },
          ),
        ),
        turn(sse.message("thanks", { phase: "final_answer" })),
      ],
    });
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "need access");
    await type(ui.stdin, "\r");
    await until(
      () => ui.lastFrame()?.includes("Would you like to grant these permissions?"),
      10_000,
      "the overlay",
    );
    expect(ui.lastFrame()).toContain("write /opt/out");
    expect(ui.lastFrame()).toContain("PERM-REASON-88");
    await type(ui.stdin, "y");
    await until(() => ui.lastFrame()?.includes("thanks"), 10_000, "the turn end");
    const input = (
      rig.server.responsesRequests()[1]!.body as {
        input: { type: string; call_id?: string; output?: unknown }[];
      }
    ).input;
    const output = JSON.stringify(
      input.find((i) => i.type === "function_call_output" && i.call_id === "p1")?.output,
    );
    // The tool's output names what was granted, for the turn.
    expect(output).toContain('\\"path\\":\\"/opt/out\\"},\\"access\\":\\"write\\"');
    expect(output).toContain('\\"scope\\":\\"turn\\"');
    ui.unmount();
  });

  it("/hooks lists events, toggles a hook off and trusts it (hooks.state in config.toml)", async () => {
    const rig = await startRig({
      extraConfig: [
        "[[hooks.UserPromptSubmit]]",
        "[[hooks.UserPromptSubmit.hooks]]",
        'type = "command"',
        'command = "echo from-the-hook"',
        "",
      ].join("\n"),
    });
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "/hooks");
    await type(ui.stdin, "\r");
    await until(() => ui.lastFrame()?.includes("1 installed · 0 active"), 5_000, "the hooks overview");
    await type(ui.stdin, "\r");
    await until(() => ui.lastFrame()?.includes("[x] echo from-the-hook"), 5_000, "the event's hooks");
    expect(ui.lastFrame()).toContain("untrusted");
    await type(ui.stdin, "t");
    await until(() => ui.lastFrame()?.includes("· trusted"), 5_000, "the trusted hook");
    await type(ui.stdin, " ");
    await until(() => ui.lastFrame()?.includes("[ ] echo from-the-hook"), 5_000, "the disabled hook");
    const config = readFileSync(path.join(rig.codexHome, "config.toml"), "utf8");
    expect(config).toMatch(/enabled = false/);
    expect(config).toMatch(/trusted_hash = "sha256:/);
    const listed = await rig.client.request("hooks/list", { cwds: [rig.cwd] });
    expect(listed.data[0]!.hooks[0]).toMatchObject({ enabled: false, trustStatus: "trusted" });
    await type(ui.stdin, "\x1b");
    expect(ui.lastFrame()).toContain("1 installed · 0 active");
    await type(ui.stdin, "\x1b");
    expect(ui.lastFrame()).toContain("Ask Codex to do anything");
    ui.unmount();
  });

  it("/review runs a review turn (review/start) and shows its verdict", async () => {
    const verdict = {
      findings: [],
      overall_correctness: "patch is correct",
      overall_explanation: "REVIEW-VERDICT-5521: nothing to fix.",
      overall_confidence_score: 0.9,
    };
    const rig = await startRig({
      script: [turn(sse.message(JSON.stringify(verdict), { phase: "final_answer" }))],
    });
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "/review");
    await type(ui.stdin, "\r");
    await until(() => ui.lastFrame()?.includes("REVIEW-VERDICT-5521"), 20_000, "the review's verdict");
    await until(() => rig.controller.state.turn === null, 10_000, "the review turn to end");
    expect(JSON.stringify(rig.server.responsesRequests()[0]!.body).toLowerCase()).toContain("review");
    ui.unmount();
  });

  it("/mcp lists the configured servers and their tools", async () => {
    const rig = await startRig({ extraConfig: mcpStdioTestServerToml("probe") });
    await rig.controller.openThread({ kind: "new" });
    const ui = render(<MainScreen controller={rig.controller} />);
    await type(ui.stdin, "/mcp");
    await type(ui.stdin, "\r");
    await until(() => ui.lastFrame()?.includes("• probe"), 20_000, "the /mcp list");
    expect(ui.lastFrame()).toMatch(/tools: .*ask_name/);
    ui.unmount();
  });
});

describe("FormOverlay", () => {
  it("types each field from the schema: required text, integer, boolean choice", async () => {
    const answers: unknown[] = [];
    const ui = render(
      <FormOverlay
        request={{
          kind: "elicitation",
          params: {
            threadId: "t",
            turnId: null,
            serverName: "files",
            mode: "form",
            message: "Where should the copy go?",
            requestedSchema: {
              type: "object",
              properties: {
                name: { type: "string", title: "File name" },
                copies: { type: "integer", title: "Copies" },
                overwrite: { type: "boolean", title: "Overwrite" },
              },
              required: ["name"],
            },
          },
        }}
        onAnswer={(a) => answers.push(a)}
      />,
    );
    await type(ui.stdin, "a.txt\r");
    expect(ui.lastFrame()).toContain("(2/3)");
    await type(ui.stdin, "two\r");
    expect(ui.lastFrame()).toContain("Enter a whole number.");
    await type(ui.stdin, "\x7f\x7f\x7f3\r");
    expect(ui.lastFrame()).toContain("1. Yes");
    await type(ui.stdin, "1");
    expect(answers).toEqual([{ action: "accept", content: { name: "a.txt", copies: 3, overwrite: true } }]);
    ui.unmount();
  });

  it("Esc dismisses: an MCP form is cancelled, questions get no answers", async () => {
    const answers: unknown[] = [];
    const ui = render(
      <FormOverlay
        request={{
          kind: "userInput",
          params: {
            threadId: "t",
            turnId: "u",
            itemId: "i",
            isBlocking: true,
            autoResolutionMs: null,
            questions: [
              { id: "q", header: "H", question: "Q?", isOther: false, isSecret: false, options: null },
            ],
          },
        }}
        onAnswer={(a) => answers.push(a)}
      />,
    );
    await type(ui.stdin, "\x1b");
    expect(answers).toEqual([{ answers: {} }]);
    ui.unmount();
  });
});
