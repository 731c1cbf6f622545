import { writeFileSync } from "node:fs";
import path from "node:path";

export interface FakeProviderConfigOptions {
  /** The `model` key (default "gpt-test"). */
  model?: string;
  /** TOML appended as is (more keys or tables). */
  extra?: string;
}

/**
 * Writes `CODEX_HOME/config.toml` pointing the default provider at a fake Responses server, with
 * approvals off, no sandbox and no retries (a failing request fails at once).
 */
export function writeFakeProviderConfig(codexHome: string, baseUrl: string, options: FakeProviderConfigOptions = {}): void {
  writeFileSync(
    path.join(codexHome, "config.toml"),
    [
      `model = ${JSON.stringify(options.model ?? "gpt-test")}`,
      'model_provider = "fake"',
      'approval_policy = "never"',
      'sandbox_mode = "danger-full-access"',
      "",
      "[model_providers.fake]",
      'name = "Fake"',
      `base_url = "${baseUrl}"`,
      'wire_api = "responses"',
      "request_max_retries = 0",
      "stream_max_retries = 0",
      options.extra ?? "",
    ].join("\n"),
  );
}
