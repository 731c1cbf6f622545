// `<CODEX_HOME>/auth.json`, where Codex keeps the login: written exactly as `codex login
// --with-api-key` writes it (pretty JSON `{auth_mode: "apikey", OPENAI_API_KEY}`, no trailing
// newline, mode 0600, replaced atomically) and removed on logout. One writer for the CLI and the
// app-server (`account/login/start` with an API key, `account/logout`); `readStoredApiKey` reads it.
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The credentials file of a CODEX_HOME. */
export function authFilePath(codexHome: string): string {
  return path.join(codexHome, "auth.json");
}

/** Store an API key as Codex does (CODEX_HOME is created when missing). Throws on I/O errors. */
export function writeStoredApiKey(codexHome: string, apiKey: string): void {
  mkdirSync(codexHome, { recursive: true });
  const file = authFilePath(codexHome);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify({ auth_mode: "apikey", OPENAI_API_KEY: apiKey }, null, 2), { mode: 0o600 });
    // The mode of a new file is masked by the umask: make it 0600 whatever the umask is.
    chmodSync(temp, 0o600);
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Remove the stored login; false when there was none. Throws on I/O errors. */
export function removeStoredAuth(codexHome: string): boolean {
  const file = authFilePath(codexHome);
  if (!existsSync(file)) return false;
  rmSync(file, { force: true });
  return true;
}
