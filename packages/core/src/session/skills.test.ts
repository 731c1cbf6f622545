// End-to-end: skills in the session (real SKILL.md files, the skills-watcher loader and cache)
// against the fake Responses server.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SkillsCache } from "@codex-ts/skills-watcher";
import { type FakeResponsesServer, sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import type { Session } from "./session.js";
import { messageTexts, say, startSession, useSessionDirs } from "./test-harness.js";

let server: FakeResponsesServer;
let home: string;
let work: string;
let session: Session | undefined;

useSessionDirs(
  "codex-skills-",
  (d) => {
    ({ server, home, work } = d);
  },
  async () => {
    await session?.shutdown();
    session = undefined;
  },
);

/** Writes `<home>/skills/<name>/SKILL.md` and returns its path. */
function skill(name: string, description: string, body: string): string {
  const folder = path.join(home, "skills", name);
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, "SKILL.md");
  writeFileSync(file, `---\nname: ${name}\ndescription: ${description}\n---\n${body}\n`);
  return file;
}

function start(config?: unknown) {
  const skillsCache = new SkillsCache({ codexHome: home, homeDir: null, adminSkillsRoot: null, config });
  const h = startSession(server, work, { skillsCache });
  session = h.session;
  return h;
}

const inputOf = (n: number): any[] => server.responsesRequests()[n]!.body.input as any[];

describe("skills in the session", () => {
  it("lists enabled skills (name, description, path) in the developer context", async () => {
    const deploy = skill("deploy", "Ship the app to staging", "DEPLOY-BODY");
    const lint = skill("lint", "Fix lint errors", "LINT-BODY");
    server.enqueue(turn(sse.message("ok")), turn(sse.message("again")));
    const h = start({ config: [{ name: "lint", enabled: false }] });
    h.session.submit(say("hello"));
    await h.turnEnd();
    const developer = messageTexts(inputOf(0)).filter((t) => t.startsWith("developer:"));
    const section = developer.find((t) => t.includes("<skills_instructions>"));
    expect(section).toBeDefined();
    expect(section).toContain(`- deploy: Ship the app to staging (file: ${deploy})`);
    // The disabled skill is not shown to the model.
    expect(section).not.toContain("lint");
    expect(section).not.toContain(lint);
    // Nothing was selected, so no SKILL.md is injected.
    expect(JSON.stringify(inputOf(0))).not.toContain("DEPLOY-BODY");
    // The section is sent once, not again on the next turn.
    h.session.submit(say("more"));
    await h.waitFor((e) => e.msg.type === "task_complete" && h.events.filter((x) => x.msg.type === "task_complete").length === 2);
    const sections = messageTexts(inputOf(1)).filter((t) => t.includes("<skills_instructions>"));
    expect(sections).toHaveLength(1);
  });

  it("a $name mention puts that SKILL.md right after the user's message", async () => {
    const deploy = skill("deploy", "Ship the app", "Run ./ship.sh then DEPLOY-BODY");
    skill("other", "Something else", "OTHER-BODY");
    server.enqueue(turn(sse.message("done")));
    const h = start();
    h.session.submit(say("please $deploy the branch"));
    await h.turnEnd();
    const texts = messageTexts(inputOf(0));
    const userAt = texts.indexOf("user:please $deploy the branch");
    expect(userAt).toBeGreaterThan(-1);
    const injected = texts[userAt + 1]!;
    expect(injected).toContain("<skill>\n<name>deploy</name>");
    expect(injected).toContain(`<path>${deploy}</path>`);
    expect(injected).toContain("Run ./ship.sh then DEPLOY-BODY");
    expect(JSON.stringify(inputOf(0))).not.toContain("OTHER-BODY");
  });

  it("a skill input item injects its SKILL.md", async () => {
    const review = skill("review", "Review a diff", "REVIEW-BODY");
    server.enqueue(turn(sse.message("done")));
    const h = start();
    h.session.submit({
      type: "user_input",
      items: [
        { type: "text", text: "look at this", text_elements: [] },
        { type: "skill", name: "review", path: review },
      ],
    });
    await h.turnEnd();
    const texts = messageTexts(inputOf(0));
    expect(texts.some((t) => t.includes("<name>review</name>") && t.includes("REVIEW-BODY"))).toBe(true);
  });

  it("a disabled skill is neither listed nor injected by a mention", async () => {
    skill("secret", "Hidden skill", "SECRET-BODY");
    server.enqueue(turn(sse.message("done")));
    const h = start({ config: [{ name: "secret", enabled: false }] });
    h.session.submit(say("use $secret"));
    await h.turnEnd();
    const body = JSON.stringify(inputOf(0));
    expect(body).not.toContain("SECRET-BODY");
    expect(body).not.toContain("<skills_instructions>");
  });
});
