import { describe, expect, it } from "vitest";
import { describeZodError } from "../src/jsonrpc.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateJsonSchemaBundle } from "../src/generate/bundle.js";
import { type OfficialSchemaValidator, createOfficialSchemaValidator } from "../src/v2/conformance.js";
import {
  handwrittenClientRequestMethods as clientRequestMethods,
  handwrittenServerNotificationMethods as serverNotificationMethods,
  handwrittenServerRequestMethods as serverRequestMethods,
} from "../src/v2/tables.js";
import { generatedClientRequestMethods } from "../src/v2/generated/methods.js";
import { ThreadItem } from "../src/v2/thread.js";
import { OFFICIAL_SCHEMA_DIR, type TranscriptEntry, classify, readTranscript } from "./harness.js";

const validator = createOfficialSchemaValidator(OFFICIAL_SCHEMA_DIR);

function check(
  entries: TranscriptEntry[],
  against: OfficialSchemaValidator = validator,
): { covered: Set<string>; problems: string[] } {
  const covered = new Set<string>();
  const problems: string[] = [];
  entries.forEach((entry, index) => {
    const where = `#${index} ${String(entry.message.method ?? `response to ${entry.responseTo}`)}`;
    const options = entry.responseTo ? { responseTo: entry.responseTo } : {};
    // 1. the fixture itself is a valid official message
    // (our generated bundle describes what we write, so only the canonical form is checked against it)
    const official =
      against === validator ? validator.validateMessage(entry.message, options) : { valid: true as const };
    if (!official.valid) problems.push(`${where}: fixture fails the official schema: ${official.errors}`);
    const c = classify(entry);
    if (c.kind === "other" || c.kind === "uncovered") return;
    // 2. our schema reads it
    const parsed = c.schema.safeParse(c.value);
    if (!parsed.success) {
      problems.push(`${where}: our schema rejects it: ${describeZodError(parsed.error)}`);
      return;
    }
    covered.add(`${c.kind}:${c.method}`);
    // 3. what we write back (canonical form) is valid too
    const written = JSON.parse(JSON.stringify(c.frame(parsed.data))) as unknown;
    const again = against.validateMessage(written, options);
    if (!again.valid)
      problems.push(`${where}: our canonical form fails the official schema: ${again.errors}`);
  });
  return { covered, problems };
}

const FIXTURES = [
  "codex-0.169/app-server-session.jsonl",
  "codex-0.169/app-server-session-2.jsonl",
  "handwritten/messages.jsonl",
  "codex-0.169/app-server-methods-walk.jsonl",
];

describe("conformance with the official Codex 0.169 schema", () => {
  it("hand-written messages for what the captures do not show (every item kind, hooks, deltas, approvals)", () => {
    const { covered, problems } = check(readTranscript("handwritten/messages.jsonl"));
    expect(problems).toEqual([]);
    expect(covered).toContain("serverRequest:mcpServer/elicitation/request");
    expect(covered).toContain("response:item/permissions/requestApproval");
  });

  // The generated schemas (src/v2/generated) are checked against the official schema by
  // src/v2/codegen/agreement.test.ts, on examples generated from it for every method.
  it("every hand-written method appears in some fixture, and every ThreadItem kind too", () => {
    const covered = new Set<string>();
    const itemTypes = new Set<string>();
    for (const fixture of FIXTURES) {
      const entries = readTranscript(fixture);
      for (const key of check(entries).covered) covered.add(key);
      for (const { message } of entries) {
        const params = message.params as { item?: { type?: string } } | undefined;
        if (typeof params?.item?.type === "string") itemTypes.add(params.item.type);
      }
    }
    const missing: string[] = [];
    for (const method of Object.keys(clientRequestMethods)) {
      if (!covered.has(`clientRequest:${method}`)) missing.push(`request ${method}`);
      if (!covered.has(`response:${method}`)) missing.push(`response ${method}`);
    }
    for (const method of Object.keys(serverRequestMethods)) {
      if (!covered.has(`serverRequest:${method}`)) missing.push(`server request ${method}`);
      if (!covered.has(`response:${method}`)) missing.push(`response ${method}`);
    }
    for (const method of Object.keys(serverNotificationMethods)) {
      if (!covered.has(`serverNotification:${method}`)) missing.push(`notification ${method}`);
    }
    expect(missing).toEqual([]);
    const kinds = ThreadItem.options.flatMap((option) =>
      [...(option._zod.propValues?.type ?? [])].map(String),
    );
    expect(kinds.filter((kind) => !itemTypes.has(kind))).toEqual([]);
  });

  it("the check catches a broken fixture and a message our schema cannot read", () => {
    const broken: TranscriptEntry[] = [
      {
        dir: "server",
        message: {
          method: "item/agentMessage/delta",
          params: { threadId: "t", turnId: "u", itemId: "i", delta: 5 },
        },
      },
      {
        dir: "server",
        message: {
          method: "turn/plan/updated",
          params: { threadId: "t", turnId: "u", plan: [{ step: "x", status: "done" }] },
        },
      },
    ];
    const { problems } = check(broken);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toContain("fixture fails the official schema");
    expect(problems[1]).toContain("our schema rejects it");
    expect(problems[1]).toContain("delta");
    expect(problems[3]).toContain("plan.0.status");
  });

  it("real app-server session captured from codex 0.169.0", () => {
    const entries = readTranscript("codex-0.169/app-server-session.jsonl");
    const { covered, problems } = check(entries);
    expect(problems).toEqual([]);
    for (const method of ["thread/start", "turn/start", "thread/read", "thread/list", "initialize"]) {
      expect(covered, method).toContain(`clientRequest:${method}`);
      expect(covered, method).toContain(`response:${method}`);
    }
    expect(covered).toContain("serverRequest:item/commandExecution/requestApproval");
    expect(covered).toContain("response:item/commandExecution/requestApproval");
    expect(covered).toContain("serverNotification:item/completed");
    for (const method of ["remoteControl/status/changed", "account/rateLimits/updated", "thread/readState/changed"])
      expect(covered, method).toContain(`serverNotification:${method}`);
  });

  it("second real session: approvals declined, user input, dynamic tool, steer/interrupt, goals, compaction, config, command/exec", () => {
    const entries = readTranscript("codex-0.169/app-server-session-2.jsonl");
    const { covered, problems } = check(entries);
    expect(problems).toEqual([]);
    for (const method of [
      "thread/fork",
      "thread/resume",
      "thread/archive",
      "thread/unarchive",
      "thread/goal/set",
      "thread/goal/clear",
      "thread/compact/start",
      "turn/steer",
      "turn/interrupt",
      "config/value/write",
      "config/batchWrite",
      "command/exec/write",
      "command/exec/terminate",
    ]) {
      expect(covered, method).toContain(`response:${method}`);
    }
    expect(covered).toContain("serverRequest:item/tool/call");
    expect(covered).toContain("serverRequest:item/tool/requestUserInput");
    expect(covered).toContain("response:item/tool/requestUserInput");
  });

  it("third real session: every official client method once (minimal params), generated schemas included", () => {
    const entries = readTranscript("codex-0.169/app-server-methods-walk.jsonl");
    const { covered, problems } = check(entries);
    expect(problems).toEqual([]);
    const generated = Object.keys(generatedClientRequestMethods).filter((method) => covered.has(`response:${method}`));
    // Real Codex answered these with a result offline; each result read by our generated zod.
    expect(generated.length).toBeGreaterThanOrEqual(45);
    for (const method of ["thread/turns/list", "thread/metadata/update", "threadSection/create", "fs/readFile", "experimentalFeature/list", "permissionProfile/list", "account/read", "configRequirements/read"])
      expect(covered, method).toContain(`response:${method}`);
  });

  it("the bundle we generate accepts the canonical form of every fixture", async () => {
    const dir = await mkdtemp(join(tmpdir(), "codex-ts-protocol-conf-"));
    try {
      const written = await generateJsonSchemaBundle(dir);
      if (!written.ok) throw new Error(written.error);
      const ours = createOfficialSchemaValidator(dir);
      for (const fixture of FIXTURES) {
        const entries = readTranscript(fixture).filter((entry) => {
          const c = classify(entry);
          return c.kind !== "other" && c.kind !== "uncovered";
        });
        expect(check(entries, ours).problems, fixture).toEqual([]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
