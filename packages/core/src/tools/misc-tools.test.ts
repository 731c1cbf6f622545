import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dynamicToolHandler } from "./dynamic.js";
import { updatePlanHandler } from "./plan.js";
import { buildToolRegistry, dispatchToolCall } from "./registry.js";
import { type TestContext, customCall, fnCall, makeContext } from "./test-context.js";
import { toolSpecName } from "./types.js";
import { requestUserInputHandler } from "./user-input.js";
import { sniffImage, viewImageHandler } from "./view-image.js";

// A real 1x1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);

let t: TestContext;
afterEach(() => t?.cleanup());

describe("update_plan", () => {
  it("emits a plan update and answers 'Plan updated'", async () => {
    t = makeContext();
    const plan = [
      { step: "read code", status: "completed" },
      { step: "write fix", status: "in_progress" },
    ];
    const r = await updatePlanHandler().handle(fnCall("update_plan", { explanation: "why", plan }), t.ctx);
    expect(r).toEqual({ output: "Plan updated", success: true });
    expect(t.events).toEqual([{ type: "plan_update", explanation: "why", plan }]);
  });

  it("rejects bad statuses and plan mode", async () => {
    t = makeContext();
    const bad = await updatePlanHandler().handle(fnCall("update_plan", { plan: [{ step: "x", status: "done" }] }), t.ctx);
    expect(bad.success).toBe(false);
    expect(bad.output).toContain("plan.0.status");
    t.ctx.planMode = true;
    const inPlan = await updatePlanHandler().handle(fnCall("update_plan", { plan: [] }), t.ctx);
    expect(inPlan.output).toContain("not allowed in Plan mode");
    expect(t.events).toHaveLength(0);
  });
});

describe("view_image", () => {
  it("sniffs formats from bytes", () => {
    expect(sniffImage(PNG)).toEqual({ kind: "supported", mime: "image/png" });
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toEqual({ kind: "supported", mime: "image/jpeg" });
    expect(sniffImage(Buffer.from("GIF89a......"))).toEqual({ kind: "supported", mime: "image/gif" });
    expect(sniffImage(Buffer.from("RIFF\0\0\0\0WEBPVP8 "))).toEqual({ kind: "supported", mime: "image/webp" });
    expect(sniffImage(Buffer.from("BM\0\0\0\0"))).toEqual({ kind: "unsupported", format: "BMP" });
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toEqual({
      kind: "unsupported",
      format: "SVG",
    });
    expect(sniffImage(Buffer.from("hello world"))).toEqual({ kind: "not_an_image" });
  });

  it("returns the image as a data URL content item, whatever the file is named", async () => {
    t = makeContext();
    writeFileSync(path.join(t.dir, "shot.txt"), PNG);
    const r = await viewImageHandler().handle(fnCall("view_image", { path: "shot.txt" }), t.ctx);
    expect(r).toEqual({
      output: [{ type: "input_image", image_url: `data:image/png;base64,${PNG.toString("base64")}`, detail: "high" }],
      success: true,
    });
    // A model whose catalog entry supports it gets `detail: "original"` (Codex 0.169).
    const original = await viewImageHandler().handle(fnCall("view_image", { path: path.join(t.dir, "shot.txt") }), {
      ...t.ctx,
      model: "gpt-5.5",
    });
    expect(Array.isArray(original.output) && original.output[0]).toMatchObject({ detail: "original" });
    expect(t.events.filter((e) => e.type === "item_completed")[0]).toMatchObject({
      item: { type: "image_view", path: path.join(t.dir, "shot.txt") },
    });
  });

  it("gives the model a clear message for non-images, unsupported formats, missing files and directories", async () => {
    t = makeContext();
    writeFileSync(path.join(t.dir, "notes.png"), "just text, despite the name");
    writeFileSync(path.join(t.dir, "pic.bmp"), Buffer.from("BM\0\0\0\0\0\0"));
    mkdirSync(path.join(t.dir, "folder"));
    const h = viewImageHandler();
    const text = await h.handle(fnCall("view_image", { path: "notes.png" }), t.ctx);
    expect(text).toEqual({
      output: `\`${path.join(t.dir, "notes.png")}\` is not an image file; view_image only accepts PNG, JPEG, GIF or WebP images`,
      success: false,
    });
    const bmp = await h.handle(fnCall("view_image", { path: "pic.bmp" }), t.ctx);
    expect(bmp.output).toContain("is a BMP image, which is not supported");
    const missing = await h.handle(fnCall("view_image", { path: "nope.png" }), t.ctx);
    expect(missing.output).toContain("unable to locate image at");
    const dir = await h.handle(fnCall("view_image", { path: "folder" }), t.ctx);
    expect(dir.output).toContain("is not a file");
    const badDetail = await h.handle(fnCall("view_image", { path: "pic.bmp", detail: "low" }), t.ctx);
    expect(badDetail.output).toContain("detail");
    expect(t.events).toHaveLength(0);
  });
});

describe("request_user_input", () => {
  const questions = [
    {
      id: "db",
      header: "Database",
      question: "Which database?",
      options: [
        { label: "Postgres (Recommended)", description: "Mature." },
        { label: "SQLite", description: "Simple." },
      ],
    },
  ];

  it("is only available in plan mode", async () => {
    t = makeContext();
    const r = await requestUserInputHandler().handle(fnCall("request_user_input", { questions }), t.ctx);
    expect(r).toEqual({ output: "request_user_input is unavailable in Default mode", success: false });
  });

  it("hands the questions to the callback and returns the answers as JSON", async () => {
    t = makeContext({ planMode: true });
    let seen: unknown;
    t.ctx.requestUserInput = async (req) => {
      seen = req;
      return { answers: { db: { answers: ["SQLite"] } } };
    };
    const r = await requestUserInputHandler().handle(fnCall("request_user_input", { questions }), t.ctx);
    expect(r).toEqual({ output: '{"answers":{"db":{"answers":["SQLite"]}}}', success: true });
    expect(seen).toMatchObject({ callId: "call-1", turnId: "turn-1", questions: [{ id: "db", isOther: true }] });
  });

  it("reports a missing callback or malformed answer", async () => {
    t = makeContext({ planMode: true });
    const none = await requestUserInputHandler().handle(fnCall("request_user_input", { questions }), t.ctx);
    expect(none.output).toContain("not supported by this client");
    t.ctx.requestUserInput = async () => ({ nope: 1 }) as never;
    const bad = await requestUserInputHandler().handle(fnCall("request_user_input", { questions }), t.ctx);
    expect(bad.output).toContain("malformed response");
  });
});

describe("dynamic tools", () => {
  const tool = {
    name: "lookup_ticket",
    description: "Look up a ticket",
    inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
  };

  it("hands the call to the client callback and returns text and images", async () => {
    t = makeContext();
    let request: unknown;
    t.ctx.runDynamicTool = async (req) => {
      request = req;
      return {
        contentItems: [
          { type: "inputText", text: "ticket 7: open" },
          { type: "inputImage", imageUrl: "data:image/png;base64,AAAA" },
        ],
        success: true,
      };
    };
    const r = await dynamicToolHandler(tool).handle(fnCall("lookup_ticket", { id: "7" }), t.ctx);
    expect(request).toEqual({ callId: "call-1", turnId: "turn-1", tool: "lookup_ticket", arguments: { id: "7" } });
    expect(r).toEqual({
      output: [
        { type: "input_text", text: "ticket 7: open" },
        { type: "input_image", image_url: "data:image/png;base64,AAAA" },
      ],
      success: true,
    });
    expect(t.events.map((e) => e.type)).toEqual(["item_started", "item_completed"]);
    expect(t.events[1]).toMatchObject({ item: { type: "dynamic_tool_call", status: "completed", success: true } });
  });

  it("turns callback failures and bad arguments into errors for the model", async () => {
    t = makeContext();
    const noClient = await dynamicToolHandler(tool).handle(fnCall("lookup_ticket", { id: "7" }), t.ctx);
    expect(noClient.success).toBe(false);
    t.ctx.runDynamicTool = async () => {
      throw new Error("client went away");
    };
    const thrown = await dynamicToolHandler(tool).handle(fnCall("lookup_ticket", { id: "7" }), t.ctx);
    expect(thrown).toEqual({ output: "dynamic tool lookup_ticket failed: client went away", success: false });
    const badJson = await dynamicToolHandler(tool).handle(
      { callId: "c", name: "lookup_ticket", payload: { type: "function", arguments: "{" } },
      t.ctx,
    );
    expect(badJson.output).toMatch(/^failed to parse function arguments/);
  });
});

describe("buildToolRegistry", () => {
  it("chooses tools from the settings, in Codex order", () => {
    const names = (o: Parameters<typeof buildToolRegistry>[0]) => buildToolRegistry(o).specs.map(toolSpecName);
    expect(names({})).toEqual(["exec_command", "write_stdin", "update_plan", "apply_patch", "view_image"]);
    expect(names({ planMode: true, shellTool: "shell_command", webSearch: true })).toEqual([
      "shell_command",
      "request_user_input",
      "apply_patch",
      "web_search",
      "view_image",
    ]);
    expect(
      names({
        shellTool: false,
        applyPatchToolType: false,
        viewImage: false,
        dynamicTools: [{ name: "dyn", description: "d", inputSchema: { type: "object" } }],
      }),
    ).toEqual(["update_plan", "dyn"]);
    const reg = buildToolRegistry({ applyPatchToolType: "function", webSearch: { externalWebAccess: false } });
    expect(reg.specs.find((s) => s.type === "web_search")).toEqual({ type: "web_search", external_web_access: false });
    expect(reg.get("apply_patch")?.spec.type).toBe("function");
    expect(buildToolRegistry().get("apply_patch")?.spec).toMatchObject({
      type: "custom",
      format: { type: "grammar", syntax: "lark" },
    });
    expect(reg.get("web_search")).toBeUndefined();
  });

  it("dispatch turns unknown tools and wrong payload kinds into errors, never throws", async () => {
    t = makeContext();
    const reg = buildToolRegistry();
    expect(await dispatchToolCall(reg, fnCall("no_such_tool", {}), t.ctx)).toEqual({
      output: "unsupported call: no_such_tool",
      success: false,
    });
    const r = await dispatchToolCall(reg, customCall("update_plan", "text"), t.ctx);
    expect(r.success).toBe(false);
    expect(r.output).toContain("expects JSON function arguments");
  });
});
