import { writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runBin, useBinFixture } from "./bin.js";

const fx = useBinFixture();

const modelOf = (index: number) => (fx.server.responsesRequests()[index]!.body as { model: string }).model;

describe("exec -p NAME (as Codex 0.169: $CODEX_HOME/NAME.config.toml over config.toml)", () => {
  it("layers the profile file; -c beats it; an unknown profile name runs with the user config", async () => {
    writeFileSync(path.join(fx.home, "config.toml"), 'model = "base-model"\n');
    writeFileSync(path.join(fx.home, "work.config.toml"), 'model = "file-model"\n');
    fx.server.enqueue(turn(sse.message("a")), turn(sse.message("b")), turn(sse.message("c")));
    const work = await runBin(["exec", "-p", "work", ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env() });
    expect(work.code).toBe(0);
    expect(work.stderr).toContain("model: file-model");
    expect(modelOf(0)).toBe("file-model");
    const flag = await runBin(["exec", "--profile", "work", "-c", 'model="cli-model"', ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env() });
    expect(flag.code).toBe(0);
    expect(modelOf(1)).toBe("cli-model");
    const other = await runBin(["exec", "-p", "other", ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env() });
    expect(other.code).toBe(0);
    expect(modelOf(2)).toBe("base-model");
  });

  it("a path is a usage error (exit 2); a legacy [profiles.NAME] of the same name and broken TOML exit 1 with one line", async () => {
    const path_ = await runBin(["exec", "-p", "../x", "hi"], { cwd: fx.work, env: fx.env() });
    expect(path_.code).toBe(2);
    expect(path_.stderr.split("\n")[0]).toBe("error: invalid value '../x' for '--profile <PROFILE>': invalid --profile value `../x`; pass a plain name such as `work`");
    writeFileSync(path.join(fx.home, "config.toml"), '[profiles.work]\nmodel = "legacy"\n');
    const legacy = await runBin(["exec", "-p", "work", ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env() });
    expect(legacy.code).toBe(1);
    expect(legacy.stderr).toMatch(/^Error: --profile `work` cannot be used while .*config\.toml contains legacy/m);
    writeFileSync(path.join(fx.home, "config.toml"), "");
    writeFileSync(path.join(fx.home, "bad.config.toml"), "model = [broken\n");
    const bad = await runBin(["exec", "-p", "bad", ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env() });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${path.join(fx.home, "bad.config.toml")}: invalid TOML`);
    expect(fx.server.responsesRequests()).toHaveLength(0);
  });
});

describe("exec --ignore-user-config", () => {
  it("does not read config.toml (its model, even its broken TOML) but still finds the login in CODEX_HOME", async () => {
    writeFileSync(path.join(fx.home, "config.toml"), 'model = "user-model"\n');
    writeFileSync(path.join(fx.home, "auth.json"), JSON.stringify({ auth_mode: "apikey", OPENAI_API_KEY: "sk-stored-key-1234567890" }));
    fx.server.enqueue(turn(sse.message("ok")));
    const provider = `model_providers.fake={name="fake",base_url="${fx.server.url}",wire_api="responses",request_max_retries=0,stream_max_retries=0,requires_openai_auth=true}`;
    const r = await runBin(["exec", "--ignore-user-config", "-c", provider, "-c", "model_provider=fake", "-c", 'model="flag-model"', "hi"], {
      cwd: fx.work,
      env: fx.env({ FAKE_KEY: undefined }),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(modelOf(0)).toBe("flag-model");
    writeFileSync(path.join(fx.home, "config.toml"), "model = [");
    fx.server.enqueue(turn(sse.message("ok")));
    const broken = await runBin(["exec", "--ignore-user-config", ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env() });
    expect(broken.code, broken.stderr).toBe(0);
    expect(modelOf(1)).not.toBe("user-model");
    const without = await runBin(["exec", ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env() });
    expect(without.code).toBe(1);
  });
});
