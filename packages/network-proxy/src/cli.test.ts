import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNetworkProxyCommand } from "./cli.js";
import { connect, curl, type Origin, startHttpOrigin, testLookup, waitFor } from "./test-util.js";

const here = path.dirname(fileURLToPath(import.meta.url));

let origin: Origin;
beforeAll(async () => {
  origin = await startHttpOrigin();
});
afterAll(async () => {
  await origin.close();
});

function sink() {
  const s = {
    text: "",
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
  };
  return s;
}

function readyLine(text: string): { http: string; socks: string } | undefined {
  const line = text.split("\n")[0];
  return line && text.includes("\n") ? (JSON.parse(line) as { http: string; socks: string }) : undefined;
}

describe("runNetworkProxyCommand", () => {
  it("prints the addresses, logs blocked attempts as JSON lines, and exits 0 when aborted", async () => {
    const stdout = sink();
    const stderr = sink();
    const controller = new AbortController();
    const exit = runNetworkProxyCommand(
      ["--allow", "**.cli.test", "--deny", "*.bad.cli.test", "--allow-local"],
      { stdout, stderr, signal: controller.signal, lookup: testLookup() },
    );
    await waitFor(() => readyLine(stdout.text) !== undefined);
    const ready = readyLine(stdout.text) as { http: string; socks: string };
    expect(ready.http).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(ready.socks).toMatch(/^127\.0\.0\.1:\d+$/);

    const ok = await curl(["-x", `http://${ready.http}`, `http://cli.test:${origin.port}/cli`]);
    expect(ok.stdout).toContain("path=/cli");
    const viaSocks = await curl([
      "--socks5-hostname",
      ready.socks,
      `http://www.cli.test:${origin.port}/socks`,
    ]);
    expect(viaSocks.stdout).toContain("path=/socks");
    const refused = await curl(["-x", `http://${ready.http}`, `http://x.bad.cli.test:${origin.port}/`]);
    expect(refused.stdout).toMatch(/^HTTP\/1\.1 403/);
    await waitFor(() => stderr.text.includes("\n"));
    expect(
      stderr.text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([{ host: "x.bad.cli.test", port: origin.port, protocol: "http", reason: "denied" }]);

    controller.abort();
    expect(await exit).toBe(0);
    const port = Number(ready.http.split(":")[1]);
    await expect(connect(port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("without --allow-local, allowed names resolving to loopback are refused", async () => {
    const stdout = sink();
    const stderr = sink();
    const controller = new AbortController();
    const exit = runNetworkProxyCommand(["--allow", "cli.test"], {
      stdout,
      stderr,
      signal: controller.signal,
      lookup: testLookup(),
    });
    await waitFor(() => readyLine(stdout.text) !== undefined);
    const ready = readyLine(stdout.text) as { http: string };
    const r = await curl(["-x", `http://${ready.http}`, `http://cli.test:${origin.port}/`]);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 403/);
    await waitFor(() => stderr.text.includes("not_allowed_local"));
    controller.abort();
    expect(await exit).toBe(0);
  });

  it("usage errors exit 2 with a message; --help exits 0", async () => {
    const err = sink();
    expect(await runNetworkProxyCommand(["--bogus"], { stdout: sink(), stderr: err })).toBe(2);
    expect(err.text).toContain("--bogus");
    const err2 = sink();
    expect(await runNetworkProxyCommand(["--deny", "*"], { stdout: sink(), stderr: err2 })).toBe(2);
    expect(err2.text).toContain('denied domain "*"');
    const err3 = sink();
    expect(await runNetworkProxyCommand(["--http-port", "x"], { stdout: sink(), stderr: err3 })).toBe(2);
    expect(err3.text).toContain("--http-port");
    const help = sink();
    expect(await runNetworkProxyCommand(["--help"], { stdout: help, stderr: sink() })).toBe(0);
    expect(help.text).toContain("Usage: codex-ts network-proxy");
  });

  it("in a real process, SIGTERM and SIGINT stop it cleanly (exit 0)", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const script = `import { runNetworkProxyCommand } from ${JSON.stringify(path.join(here, "cli.ts"))};
process.exitCode = await runNetworkProxyCommand(JSON.parse(process.env.NP_ARGS), { stdout: process.stdout, stderr: process.stderr });`;
      const child = spawn(
        process.execPath,
        ["--conditions=@codex-ts/source", "--import", "tsx", "--input-type=module", "-e", script],
        {
          cwd: path.join(here, ".."),
          env: { ...process.env, NP_ARGS: JSON.stringify(["--allow", "example.com"]) },
        },
      );
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on("data", (d: Buffer) => {
        err += d.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
      await waitFor(() => readyLine(out) !== undefined || child.exitCode !== null, 60_000);
      expect(err).toBe("");
      const ready = readyLine(out) as { http: string };
      child.kill(signal);
      expect(await exited).toBe(0);
      await expect(connect(Number(ready.http.split(":")[1]))).rejects.toMatchObject({ code: "ECONNREFUSED" });
    }
  }, 120_000);
});
