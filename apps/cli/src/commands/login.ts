import { readFileSync } from "node:fs";
import { authFilePath, removeStoredAuth, writeStoredApiKey } from "@codex-ts/core";
import { resolveCodexHome } from "../home.js";
import { type CliIO, EXIT_FAILURE, EXIT_OK, failure, readAll } from "../io.js";
import { LOGIN, LOGIN_STATUS, LOGOUT } from "../specs/auth.js";
import { parseLeaf } from "./common.js";

const CHATGPT_UNAVAILABLE =
  "ChatGPT sign-in is not available in codex-ts; store an API key instead: printenv OPENAI_API_KEY | codex-ts login --with-api-key";

/** `codex-ts login [--with-api-key] | login status`, with Codex's messages (on stderr) and exit codes. */
export async function runLoginCommand(argv: readonly string[], io: CliIO): Promise<number> {
  if (argv[0] === "status") {
    const parsed = parseLeaf(LOGIN_STATUS, argv.slice(1), io, "codex-ts login status");
    if ("exit" in parsed) return parsed.exit;
    return loginStatus(io);
  }
  const parsed = parseLeaf(LOGIN, argv, io, "codex-ts login");
  if ("exit" in parsed) return parsed.exit;
  if (!parsed.values["with-api-key"]) return failure(io, CHATGPT_UNAVAILABLE);
  const home = resolveCodexHome(io.env);
  if (!home.ok) return failure(io, home.error);
  if (io.stdin.isTTY) {
    return failure(io, "--with-api-key reads the key from stdin: printenv OPENAI_API_KEY | codex-ts login --with-api-key");
  }
  io.stderr.write("Reading API key from stdin...\n");
  const key = (await readAll(io.stdin)).trim();
  if (!key) {
    io.stderr.write("No API key provided via stdin.\n");
    return EXIT_FAILURE;
  }
  try {
    writeStoredApiKey(home.path, key);
  } catch (error) {
    return failure(io, `could not write ${authFilePath(home.path)}: ${(error as Error).message}`);
  }
  io.stderr.write("API key saved. Authentication is checked when you send a request.\n");
  return EXIT_OK;
}

/** `codex-ts logout`: removes auth.json. Not being logged in is not an error (as Codex). */
export async function runLogoutCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseLeaf(LOGOUT, argv, io, "codex-ts logout");
  if ("exit" in parsed) return parsed.exit;
  const home = resolveCodexHome(io.env);
  if (!home.ok) return failure(io, home.error);
  try {
    if (!removeStoredAuth(home.path)) {
      io.stderr.write("Not logged in\n");
      return EXIT_OK;
    }
  } catch (error) {
    return failure(io, `could not remove ${authFilePath(home.path)}: ${(error as Error).message}`);
  }
  io.stderr.write("Successfully logged out\n");
  return EXIT_OK;
}

function loginStatus(io: CliIO): number {
  const home = resolveCodexHome(io.env);
  if (!home.ok) return failure(io, home.error);
  const file = authFilePath(home.path);
  let auth: { auth_mode?: unknown; OPENAI_API_KEY?: unknown; tokens?: unknown } | null = null;
  try {
    auth = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return failure(io, `${file} cannot be read: ${(error as Error).message}`);
  }
  if (auth && typeof auth.OPENAI_API_KEY === "string" && auth.OPENAI_API_KEY && auth.auth_mode !== "chatgpt") {
    io.stderr.write(`API key configured - ${maskKey(auth.OPENAI_API_KEY)}\nAuthentication is checked when you send a request.\n`);
    return EXIT_OK;
  }
  if (auth && (auth.auth_mode === "chatgpt" || auth.tokens)) {
    io.stderr.write("Logged in using ChatGPT\n");
    return EXIT_OK;
  }
  io.stderr.write("Not logged in\n");
  return EXIT_FAILURE;
}

/** As Codex shows a key: its first 8 and last 5 characters, or only `***` when it is short. */
export function maskKey(key: string): string {
  return key.length <= 13 ? "***" : `${key.slice(0, 8)}***${key.slice(-5)}`;
}
