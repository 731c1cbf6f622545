import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { type AppServerProcess, runTurn, useAppServerFixture, writeFakeProviderConfig } from "./harness.js";

const fx = useAppServerFixture();
/** `server.request` (its response validated against the official schema by the harness), failing on an error response. */
async function call(server: AppServerProcess, method: string, params?: unknown): Promise<any> {
  const answer = await server.request(method, params);
  if (answer.error) throw new Error(`${method} failed: ${JSON.stringify(answer.error)}`);
  return answer.result;
}

/** A server on the built-in OpenAI provider (requires OpenAI auth) with the given environment. */
async function bootOpenAi(env: Record<string, string>): Promise<AppServerProcess> {
  writeFileSync(path.join(fx.home, "config.toml"), 'model = "gpt-test"\n');
  const server = await fx.spawn({ codexHome: fx.home, env });
  await server.initialize();
  return server;
}

const NO_ENV_KEY = { OPENAI_API_KEY: "", CODEX_API_KEY: "" };

describe("account/*", () => {
  it("account/read reports no account when OpenAI auth is required but no key exists", async () => {
    const server = await bootOpenAi(NO_ENV_KEY);
    const read = await call(server, "account/read", {});
    expect(read).toMatchObject({ account: null, requiresOpenaiAuth: true });
    await server.close();
  });

  it("account/read sees an API key from the environment", async () => {
    const server = await bootOpenAi({ OPENAI_API_KEY: "sk-env" });
    const read = await call(server, "account/read", { refreshToken: false });
    expect(read).toMatchObject({ account: { type: "apiKey" }, requiresOpenaiAuth: true });
    await server.close();
  });

  it("account/read sees an API key stored in CODEX_HOME/auth.json", async () => {
    writeFileSync(path.join(fx.home, "auth.json"), JSON.stringify({ OPENAI_API_KEY: "sk-stored" }));
    const server = await bootOpenAi(NO_ENV_KEY);
    const read = await call(server, "account/read");
    expect(read.account).toEqual({ type: "apiKey" });
    await server.close();
  });

  it("account/read reports requiresOpenaiAuth false for a provider without OpenAI auth", async () => {
    writeFakeProviderConfig(fx.home, fx.fake.url);
    const server = await fx.spawn({ codexHome: fx.home, env: NO_ENV_KEY });
    await server.initialize();
    const read = await call(server, "account/read", {});
    expect(read).toMatchObject({ account: null, requiresOpenaiAuth: false });
    await server.close();
  });

  it("logs in with an API key: auth.json (0600), notifications, account/read, then logout removes it", async () => {
    const server = await bootOpenAi(NO_ENV_KEY);
    const login = await call(server, "account/login/start", { type: "apiKey", apiKey: "sk-test-123" });
    expect(login).toEqual({ type: "apiKey" });

    const authFile = path.join(fx.home, "auth.json");
    expect(JSON.parse(readFileSync(authFile, "utf8"))).toEqual({ auth_mode: "apikey", OPENAI_API_KEY: "sk-test-123" });
    if (process.platform !== "win32") expect(statSync(authFile).mode & 0o777).toBe(0o600);

    const completed = await server.waitForNotification("account/login/completed");
    expect(completed.params).toMatchObject({ loginId: null, success: true, error: null });
    const updated = await server.waitForNotification("account/updated");
    expect(updated.params).toEqual({ authMode: "apikey", planType: null });

    expect((await call(server, "account/read", {})).account).toEqual({ type: "apiKey" });

    const before = server.notifications("account/updated").length;
    expect(await call(server, "account/logout")).toEqual({});
    expect(existsSync(authFile)).toBe(false);
    await server.waitFor(() => server.notifications("account/updated").length > before, 30_000, "account/updated after logout");
    expect(server.notifications("account/updated").at(-1)?.params).toEqual({ authMode: null, planType: null });
    expect((await call(server, "account/read", {})).account).toBeNull();
    await server.close();
  });

  it("a stored key is used for model requests after login", async () => {
    writeFakeProviderConfig(fx.home, fx.fake.url, "requires_openai_auth = true");
    const server = await fx.spawn({ codexHome: fx.home, env: NO_ENV_KEY });
    await server.initialize();
    await call(server, "account/login/start", { type: "apiKey", apiKey: "sk-for-requests" });
    fx.fake.enqueue(turn([sse.message("hi")]));
    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    const { completed } = await runTurn(server, thread.id, "hello");
    expect(completed.params.turn.status).toBe("completed");
    const request = fx.fake.responsesRequests().at(-1);
    expect(request?.headers.authorization).toBe("Bearer sk-for-requests");
    await server.close();
  });

  it("refuses the ChatGPT, device-code and empty-key logins with clear errors", async () => {
    const server = await bootOpenAi(NO_ENV_KEY);
    for (const type of ["chatgpt", "chatgptDeviceCode"]) {
      const answer = await server.request("account/login/start", { type });
      expect(answer.error?.message).toContain("not supported by this server");
    }
    const empty = await server.request("account/login/start", { type: "apiKey", apiKey: "  " });
    expect(empty.error?.message).toContain("apiKey");
    const bogus = await server.request("account/login/start", { type: "password" });
    expect(bogus.error?.code).toBe(-32602);
    expect(existsSync(path.join(fx.home, "auth.json"))).toBe(false);
    expect(await call(server, "account/login/cancel", { loginId: "nope" })).toEqual({ status: "notFound" });
    await server.close();
  });

  it("logout keeps reporting an environment key", async () => {
    const server = await bootOpenAi({ OPENAI_API_KEY: "sk-env" });
    await call(server, "account/logout");
    const updated = await server.waitForNotification("account/updated");
    expect(updated.params.authMode).toBe("apikey");
    await server.close();
  });

  it("account/rateLimits/read is empty before any turn, then returns the last snapshot core saw", async () => {
    const server = await fx.boot();
    const empty = await call(server, "account/rateLimits/read");
    expect(empty.rateLimits).toMatchObject({ limitId: null, primary: null, secondary: null });
    expect(empty.rateLimitsByLimitId ?? null).toBeNull();

    fx.fake.enqueue(
      turn([sse.message("ok")], {
        headers: { "x-codex-primary-used-percent": "42", "x-codex-primary-window-minutes": "300" },
      }),
    );
    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    await runTurn(server, thread.id, "hi");
    const read = await call(server, "account/rateLimits/read");
    expect(read.rateLimits).toMatchObject({ limitId: "codex", primary: { usedPercent: 42 } });
    expect(Object.keys(read.rateLimitsByLimitId ?? {})).toContain("codex");
    await server.close();
  });
});
