import type { SessionEventMsg } from "@codex-ts/core";
import type { TurnItem } from "@codex-ts/protocol";
import { shellJoin } from "@codex-ts/rollout";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const OUTPUT_LINES = 20;
const PRINTED_ITEMS = new Set<TurnItem["type"]>(["AgentMessage", "Reasoning", "CommandExecution", "FileChange", "McpToolCall", "WebSearch", "Plan"]);

export interface HumanHeader {
  version: string;
  cwd: string;
  model: string;
  provider: string;
  approval: string;
  sandbox: string;
  threadId: string;
}

/**
 * Readable progress for `exec` without --json: everything goes to stderr, except the final agent
 * message, which the caller prints to stdout (so `codex-ts exec … > answer.txt` keeps the answer).
 * While waiting on the model, a spinner line is drawn when stderr is a terminal.
 */
export class HumanRenderer {
  private spinner: NodeJS.Timeout | null = null;
  private frame = 0;
  private tokens = 0;
  private streamed = false;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly color: boolean,
  ) {}

  header(h: HumanHeader): void {
    this.line(`codex-ts ${h.version}`);
    this.line("--------");
    this.line(`workdir: ${h.cwd}`);
    this.line(`model: ${h.model}`);
    this.line(`provider: ${h.provider}`);
    this.line(`approval: ${h.approval}`);
    this.line(`sandbox: ${h.sandbox}`);
    this.line(`session id: ${h.threadId}`);
    this.line("--------");
  }

  prompt(text: string): void {
    this.line(this.bold("user"));
    this.line(text);
  }

  event(msg: SessionEventMsg): void {
    switch (msg.type) {
      case "task_started":
        this.startSpinner();
        break;
      case "agent_message_content_delta":
        this.streamed = true;
        break;
      case "item_started":
        this.itemStarted(msg.item);
        break;
      case "item_completed":
        this.itemCompleted(msg.item);
        break;
      case "stream_error":
        this.stopSpinner();
        this.line(this.dim(`reconnecting: ${msg.message}`));
        this.startSpinner();
        break;
      case "warning":
        this.stopSpinner();
        this.line(this.yellow(`warning: ${msg.message}`));
        break;
      case "error":
        this.stopSpinner();
        this.line(this.red(`ERROR: ${msg.message}`));
        break;
      case "token_count":
        if (msg.info) this.tokens = msg.info.total_token_usage.total_tokens;
        break;
      case "turn_aborted":
        this.stopSpinner();
        this.line(this.red(`turn ${msg.reason}`));
        break;
      case "task_complete":
        this.stopSpinner();
        break;
      default:
        break;
    }
  }

  finish(): void {
    this.stopSpinner();
    if (this.tokens > 0) {
      this.line(this.bold("tokens used"));
      this.line(this.tokens.toLocaleString("en-US"));
    }
  }

  private itemStarted(item: TurnItem): void {
    if (item.type !== "CommandExecution") return;
    this.stopSpinner();
    this.line(this.magenta("exec"));
    this.line(this.bold(`${shellJoin(item.command)} in ${item.cwd.replace(/^file:\/\//, "")}`));
  }

  private itemCompleted(item: TurnItem): void {
    // Items this renderer does not print (the user's own message, compaction markers…) leave the
    // spinner running.
    if (!PRINTED_ITEMS.has(item.type)) return;
    this.stopSpinner();
    switch (item.type) {
      case "AgentMessage":
        this.line(this.magenta("codex"));
        this.line(item.content.map((c) => c.text).join(""));
        break;
      case "Reasoning":
        if (item.summary_text.length) {
          this.line(this.italic("thinking"));
          this.line(item.summary_text.join("\n\n"));
        }
        break;
      case "CommandExecution": {
        const ms = item.duration ? item.duration.secs * 1000 + Math.round(item.duration.nanos / 1e6) : 0;
        const verdict =
          item.status === "declined"
            ? this.red("declined")
            : item.exit_code === 0
              ? this.green(`succeeded in ${ms}ms:`)
              : this.red(`exited ${item.exit_code ?? "?"} in ${ms}ms:`);
        this.line(verdict);
        const output = (item.aggregated_output ?? "").replace(/\n$/, "");
        if (output) {
          const lines = output.split("\n");
          const shown = lines.slice(0, OUTPUT_LINES);
          this.line(this.dim(shown.join("\n")));
          if (lines.length > OUTPUT_LINES) this.line(this.dim(`… +${lines.length - OUTPUT_LINES} lines`));
        }
        break;
      }
      case "FileChange": {
        const ok = item.status !== "failed" && item.status !== "declined";
        this.line(this.magenta(ok ? "file update" : `file update ${item.status}`));
        for (const [path, change] of Object.entries(item.changes)) {
          const mark = change.type === "add" ? "A" : change.type === "delete" ? "D" : "M";
          const moved = change.type === "update" && change.move_path ? ` → ${change.move_path}` : "";
          this.line(`${mark} ${path}${moved}`);
        }
        break;
      }
      case "McpToolCall":
        this.line(this.magenta("tool"));
        this.line(`${item.server}.${item.tool} ${item.status}`);
        break;
      case "WebSearch":
        this.line(this.magenta("web search"));
        this.line(item.query);
        break;
      case "Plan":
        this.line(this.magenta("plan"));
        this.line(item.text);
        break;
      default:
        return;
    }
    this.startSpinner();
  }

  private startSpinner(): void {
    if (!this.out.isTTY || this.spinner) return;
    this.spinner = setInterval(() => {
      this.frame = (this.frame + 1) % FRAMES.length;
      this.out.write(`\r${FRAMES[this.frame]} Working…`);
    }, 100);
    this.spinner.unref();
  }

  private stopSpinner(): void {
    if (!this.spinner) return;
    clearInterval(this.spinner);
    this.spinner = null;
    this.out.write("\r\x1b[2K");
  }

  private line(text: string): void {
    this.out.write(`${text}\n`);
  }

  private paint(code: string, text: string): string {
    return this.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }
  private bold = (t: string) => this.paint("1", t);
  private dim = (t: string) => this.paint("2", t);
  private italic = (t: string) => this.paint("3", t);
  private red = (t: string) => this.paint("31", t);
  private green = (t: string) => this.paint("32", t);
  private yellow = (t: string) => this.paint("33", t);
  private magenta = (t: string) => this.paint("35", t);
  /** Whether the agent's text was streamed (kept for callers that echo deltas). */
  get sawDeltas(): boolean {
    return this.streamed;
  }
}
