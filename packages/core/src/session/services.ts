// Per-session services: background exec sessions, the command runner, rate-limit snapshots, the
// network proxy (started on the first turn that needs it) and the child sessions.
import {
  createNetworkApprovalBroker,
  type NetworkAccessRequest,
  type NetworkApprovalBroker,
  type NetworkProxy,
  proposedNetworkPolicyAmendments,
  startNetworkProxy,
} from "@codex-ts/network-proxy";
import { v7 as uuidv7 } from "uuid";
import type { RateLimitSnapshot } from "../client/rate-limits.js";
import { shellSnapshotsIn } from "../shell-snapshot/index.js";
import { prewarmShellSnapshot } from "../shell-snapshot/session.js";
import { createLocalRunner } from "../tools/exec/runner.js";
import { ExecSessionStore } from "../tools/exec/sessions.js";
import type { CommandRunner, ReviewDecision, SandboxPolicy } from "../tools/index.js";
import type { SessionState } from "./state.js";

/** The session's proxy and the broker that turns its blocked hosts into approvals. */
interface NetworkProxyState {
  proxy: NetworkProxy;
  broker: NetworkApprovalBroker;
}

/** A command item running now, for network approvals (asked on the running command). */
interface RunningCommand {
  subId: string;
  turnId: string;
  command: string[];
  cwd: string;
}

/** Whether the sandbox keeps commands off the network (so a proxy is their only way out). */
export function networkRestricted(policy: SandboxPolicy): boolean {
  return (policy.type === "read-only" || policy.type === "workspace-write") && !policy.network_access;
}

/** The proxy's protocol names in core's snake_case spelling. */
function coreNetworkProtocol(protocol: NetworkAccessRequest["protocol"]): "http" | "https" | "socks5_tcp" {
  return protocol === "socks5Tcp" ? "socks5_tcp" : protocol;
}

export class SessionServices {
  readonly execSessions = new ExecSessionStore();
  readonly runner: CommandRunner;
  /** Rate-limit snapshots seen so far, keyed by limit id. */
  readonly rateLimits: Record<string, RateLimitSnapshot> = {};
  /** Command items running now (id → who asked). */
  readonly runningCommands = new Map<string, RunningCommand>();
  private networkProxy: Promise<NetworkProxyState | undefined> | undefined;
  private networkProxyState: NetworkProxyState | undefined;

  constructor(private readonly s: SessionState) {
    const dir = s.options.shellSnapshotDir;
    this.runner = s.options.runner ?? createLocalRunner(dir ? { shellSnapshots: shellSnapshotsIn(dir) } : {});
    prewarmShellSnapshot(s.options, s.env);
  }

  /** The proxy address sandboxed commands get now (only while the network is restricted). */
  networkProxyAddress(): { host: string; port: number } | undefined {
    if (!this.networkProxyState || !networkRestricted(this.s.settingsState.sandboxPolicy)) return undefined;
    return { ...this.networkProxyState.proxy.httpAddress };
  }

  /** Start the session's network proxy once (when configured); failures are a warning, not a crash. */
  startNetworkProxy(subId: string): Promise<unknown> {
    const config = this.s.options.networkProxy;
    if (!config) return Promise.resolve(undefined);
    this.networkProxy ??= (async () => {
      const started = await startNetworkProxy({
        policy: config.policy,
        ...(config.lookup ? { lookup: config.lookup } : {}),
      });
      if (!started.ok) {
        this.s.emit(subId, {
          type: "warning",
          message: `network proxy not started (the network stays blocked): ${started.error.message}`,
        });
        return undefined;
      }
      const broker = createNetworkApprovalBroker({
        proxy: started.proxy,
        base: config.policy,
        ...(this.s.options.execPolicy ? { execPolicy: this.s.options.execPolicy } : {}),
        ...(config.rulesPath ? { rulesPath: config.rulesPath } : {}),
        requestApproval: (request) => this.requestNetworkApproval(request),
        onError: (message) =>
          this.s.emit(this.s.active?.subId ?? subId, {
            type: "warning",
            message: `network policy: ${message}`,
          }),
      });
      this.networkProxyState = { proxy: started.proxy, broker };
      return this.networkProxyState;
    })();
    return this.networkProxy;
  }

  /**
   * A host the proxy's policy does not allow: ask about it as an exec approval on the command that
   * is running (a distinct approval id per host). No running command, approval policy `never`, or
   * no active turn: refused.
   */
  private async requestNetworkApproval(request: NetworkAccessRequest): Promise<ReviewDecision> {
    const active = this.s.active;
    const running = [...this.runningCommands.entries()]
      .reverse()
      .find(([, c]) => c.turnId === active?.turnId);
    if (!active || !running || this.s.settingsState.approvalPolicy === "never") return "denied";
    const [callId, command] = running;
    const allow: ReviewDecision = {
      network_policy_amendment: { network_policy_amendment: { host: request.host, action: "allow" } },
    };
    const decision = await this.s.approvals.request(
      command.subId,
      command.turnId,
      {
        kind: "exec",
        approvalId: uuidv7(),
        callId,
        turnId: command.turnId,
        command: command.command,
        cwd: command.cwd,
        reason: `network access to ${request.host}`,
        networkApprovalContext: { host: request.host, protocol: coreNetworkProtocol(request.protocol) },
        proposedNetworkPolicyAmendments: proposedNetworkPolicyAmendments(request),
        availableDecisions: ["approved", "approved_for_session", allow, "denied", "abort"],
      },
      active.controller.signal,
      true,
    );
    // "abort" refuses and ends the turn as interrupted, as for any approval.
    if (decision === "abort") active.controller.abort();
    return decision;
  }

  /** Shutdown: kill background processes and close the proxy. */
  async close(): Promise<void> {
    this.execSessions.killAll();
    const network = await this.networkProxy;
    if (network) {
      network.broker.detach();
      await network.proxy.close();
    }
  }
}
