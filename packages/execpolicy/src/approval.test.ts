import { beforeAll, describe, expect, it } from "vitest";
import {
  type ExecApprovalContext,
  PROMPT_CONFLICT_REASON,
  REJECT_RULES_APPROVAL_REASON,
  REJECT_SANDBOX_APPROVAL_REASON,
  evaluateExecApproval,
  formatRulesError,
  policyFromSources,
} from "./index.js";
import { loadShellParser } from "./shell.js";

// These checks include scripts only the tree-sitter grammar decides.
beforeAll(() => loadShellParser());

const res = policyFromSources([
  {
    file: "p.rules",
    contents: `
prefix_rule(pattern=["git", "status"], decision="allow")
prefix_rule(pattern=["git", "push"], decision="prompt", justification="publishes work")
prefix_rule(pattern=["git", "push", "--force"], decision="forbidden")
prefix_rule(pattern=["rm"], decision="forbidden", justification="use trash instead")
prefix_rule(pattern=["deploy"], decision="prompt")
`,
  },
]);
if (!res.ok) throw new Error(formatRulesError(res.error));
const policy = res.policy;

const onRequest: ExecApprovalContext = { approvalPolicy: "on-request", sandbox: "restricted" };
const untrusted: ExecApprovalContext = { approvalPolicy: "untrusted", sandbox: "restricted" };
const never: ExecApprovalContext = { approvalPolicy: "never", sandbox: "restricted" };

describe("evaluateExecApproval", () => {
  it("forbidden rules give Codex's reasons", () => {
    expect(evaluateExecApproval(policy, ["rm", "-r", "x"], onRequest)).toEqual({
      type: "forbidden",
      reason: "`rm -r x` rejected: use trash instead",
    });
    expect(evaluateExecApproval(policy, ["git", "push", "--force"], onRequest)).toEqual({
      type: "forbidden",
      reason: "`git push --force` rejected: policy forbids commands starting with `git push --force`",
    });
  });

  it("prompt rules ask, with the most specific justification", () => {
    expect(evaluateExecApproval(policy, ["bash", "-lc", "git status && git push origin"], onRequest)).toEqual(
      {
        type: "needs-approval",
        reason: "`bash -lc 'git status && git push origin'` requires approval: publishes work",
      },
    );
  });

  it("prompts become refusals when the approval policy forbids asking", () => {
    expect(evaluateExecApproval(policy, ["deploy"], never)).toEqual({
      type: "forbidden",
      reason: PROMPT_CONFLICT_REASON,
    });
    const granular: ExecApprovalContext = {
      approvalPolicy: { granular: { sandbox_approval: true, rules: false, mcp_elicitations: false } },
      sandbox: "restricted",
    };
    expect(evaluateExecApproval(policy, ["deploy"], granular)).toEqual({
      type: "forbidden",
      reason: REJECT_RULES_APPROVAL_REASON,
    });
    const noSandboxApproval: ExecApprovalContext = {
      approvalPolicy: { granular: { sandbox_approval: false, rules: true, mcp_elicitations: false } },
      sandbox: "restricted",
      requestsSandboxOverride: true,
    };
    expect(evaluateExecApproval(policy, ["make"], noSandboxApproval)).toEqual({
      type: "forbidden",
      reason: REJECT_SANDBOX_APPROVAL_REASON,
    });
  });

  it("explicitly allowed commands run outside the sandbox; known-safe ones run sandboxed", () => {
    expect(evaluateExecApproval(policy, ["git", "status"], untrusted)).toEqual({
      type: "skip",
      bypassSandbox: true,
    });
    expect(evaluateExecApproval(policy, ["ls", "-la"], untrusted)).toEqual({
      type: "skip",
      bypassSandbox: false,
      proposedAmendment: ["ls", "-la"],
    });
  });

  it("unmatched commands fall to the approval policy", () => {
    // untrusted: anything not known-safe asks, offering to always allow it
    expect(evaluateExecApproval(policy, ["make", "all"], untrusted)).toEqual({
      type: "needs-approval",
      proposedAmendment: ["make", "all"],
    });
    // on-request in a sandbox: run sandboxed without asking
    expect(evaluateExecApproval(policy, ["make", "all"], onRequest).type).toBe("skip");
    // on-request asking to escape the sandbox: ask
    expect(evaluateExecApproval(policy, ["make"], { ...onRequest, requestsSandboxOverride: true }).type).toBe(
      "needs-approval",
    );
    // dangerous commands ask (or are refused under never)
    // (rules key on the first token: sudo is not rm, but forced rm behind sudo is dangerous)
    expect(evaluateExecApproval(policy, ["sudo", "rm", "-rf", "/"], onRequest).type).toBe("needs-approval");
    const empty = policyFromSources([]);
    if (!empty.ok) throw new Error("unreachable");
    expect(evaluateExecApproval(empty.policy, ["rm", "-rf", "/tmp/x"], onRequest).type).toBe(
      "needs-approval",
    );
    expect(evaluateExecApproval(empty.policy, ["rm", "-rf", "/tmp/x"], never).type).toBe("forbidden");
    expect(evaluateExecApproval(empty.policy, ["make"], never)).toEqual({
      type: "skip",
      bypassSandbox: false,
      proposedAmendment: ["make"],
    });
  });

  it("a model-suggested prefix is offered when it would approve every command", () => {
    expect(
      evaluateExecApproval(policy, ["bash", "-lc", "make test && make lint"], {
        ...untrusted,
        prefixRule: ["make"],
      }),
    ).toEqual({ type: "needs-approval", proposedAmendment: ["make"] });
    // banned suggestions fall back to the first unmatched command
    expect(
      evaluateExecApproval(policy, ["python3", "-c", "print(1)"], { ...untrusted, prefixRule: ["python3"] }),
    ).toEqual({ type: "needs-approval", proposedAmendment: ["python3", "-c", "print(1)"] });
    // no amendment when a prompt rule matched
    expect(
      evaluateExecApproval(policy, ["deploy", "prod"], { ...untrusted, prefixRule: ["deploy"] }),
    ).toEqual({
      type: "needs-approval",
      reason: "`deploy prod` requires approval by policy",
    });
  });

  it("here-doc scripts still match rules but never propose amendments", () => {
    const ev = evaluateExecApproval(policy, ["bash", "-lc", "rm <<EOF\nx\nEOF"], onRequest);
    expect(ev.type).toBe("forbidden");
    expect(evaluateExecApproval(policy, ["bash", "-lc", "cat <<EOF\nx\nEOF"], untrusted)).toEqual({
      type: "needs-approval",
    });
  });
});
