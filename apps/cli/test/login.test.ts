import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runBin, useBinFixture } from "./bin.js";

const fx = useBinFixture();
const KEY = "sk-test-0123456789abcdef";

describe("codex-ts login / logout (API keys)", () => {
  it("login --with-api-key stores stdin's key in auth.json (mode 0600, Codex's shape); status masks it; logout removes it", async () => {
    const login = await runBin(["login", "--with-api-key"], { env: fx.env(), stdin: `  ${KEY}\n` });
    expect(login.code).toBe(0);
    expect(login.stderr).toBe("Reading API key from stdin...\nAPI key saved. Authentication is checked when you send a request.\n");
    const file = path.join(fx.home, "auth.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toBe(`{\n  "auth_mode": "apikey",\n  "OPENAI_API_KEY": "${KEY}"\n}`);

    const status = await runBin(["login", "status"], { env: fx.env() });
    expect(status.code).toBe(0);
    expect(status.stderr).toBe("API key configured - sk-test-***bcdef\nAuthentication is checked when you send a request.\n");

    const logout = await runBin(["logout"], { env: fx.env() });
    expect(logout.code).toBe(0);
    expect(logout.stderr).toBe("Successfully logged out\n");
    expect(existsSync(file)).toBe(false);

    const after = await runBin(["login", "status"], { env: fx.env() });
    expect(after.code).toBe(1);
    expect(after.stderr).toBe("Not logged in\n");
    const again = await runBin(["logout"], { env: fx.env() });
    expect(again).toMatchObject({ code: 0, stderr: "Not logged in\n" });
  });

  it("an empty stdin stores nothing, exit 1", async () => {
    const r = await runBin(["login", "--with-api-key"], { env: fx.env(), stdin: "\n" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("No API key provided via stdin.");
    expect(existsSync(path.join(fx.home, "auth.json"))).toBe(false);
  });

  it("exec uses the stored key when the environment has none", async () => {
    await runBin(["login", "--with-api-key"], { env: fx.env(), stdin: KEY });
    fx.server.enqueue(turn(sse.message("hi")));
    const r = await runBin(["exec", "-c", `openai_base_url="${fx.server.url}"`, "--json", "hello"], {
      cwd: fx.work,
      env: fx.env({ FAKE_KEY: undefined }),
    });
    expect(r.code).toBe(0);
    expect(fx.server.responsesRequests()[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("ChatGPT sign-in says it is not available, in one line, exit 1", async () => {
    for (const argv of [["login"], ["login", "--device-auth"], ["login", "--with-access-token"]]) {
      const r = await runBin(argv, { env: fx.env() });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^Error: ChatGPT sign-in is not available in codex-ts/);
    }
  });

  it("a ChatGPT auth.json reads as such; a bad flag is a usage error", async () => {
    writeFileSync(path.join(fx.home, "auth.json"), '{"auth_mode":"chatgpt","tokens":{}}');
    expect(await runBin(["login", "status"], { env: fx.env() })).toMatchObject({ code: 0, stderr: "Logged in using ChatGPT\n" });
    const bad = await runBin(["login", "--frob"], { env: fx.env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--frob");
  });
});
