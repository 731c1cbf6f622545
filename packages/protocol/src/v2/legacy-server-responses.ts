import * as z from "zod";
import { named, nul } from "./common.js";

/**
 * Responses to the server requests whose answer the official JSON Schema does not describe
 * (`generate-json-schema` leaves them out; `generate-ts` of Codex 0.169 has them): the legacy v1
 * approvals (`applyPatchApproval`, `execCommandApproval`), `account/chatgptAuthTokens/refresh` and
 * `attestation/generate`. Shapes as in the 0.169 TypeScript bindings.
 */

/** The v1 decision: snake_case, data-carrying variants externally tagged. */
export const ReviewDecision = named(
  "ReviewDecision",
  z.union([
    z.enum(["approved", "approved_for_session", "approved_mcp_policy_amendment", "timed_out", "abort"]),
    z.object({
      approved_execpolicy_amendment: z.object({ proposed_execpolicy_amendment: z.array(z.string()) }),
    }),
    z.object({
      network_policy_amendment: z.object({
        network_policy_amendment: z.object({ host: z.string(), action: z.enum(["allow", "deny"]) }),
      }),
    }),
    z.object({ denied: z.object({ rejection: z.string() }) }),
  ]),
);
export type ReviewDecision = z.infer<typeof ReviewDecision>;

export const ApplyPatchApprovalResponse = named("ApplyPatchApprovalResponse", z.object({ decision: ReviewDecision }));
export type ApplyPatchApprovalResponse = z.infer<typeof ApplyPatchApprovalResponse>;

export const ExecCommandApprovalResponse = named("ExecCommandApprovalResponse", z.object({ decision: ReviewDecision }));
export type ExecCommandApprovalResponse = z.infer<typeof ExecCommandApprovalResponse>;

export const ChatgptAuthTokensRefreshResponse = named(
  "ChatgptAuthTokensRefreshResponse",
  z.object({ accessToken: z.string(), chatgptAccountId: z.string(), chatgptPlanType: nul(z.string()) }),
);
export type ChatgptAuthTokensRefreshResponse = z.infer<typeof ChatgptAuthTokensRefreshResponse>;

export const AttestationGenerateResponse = named(
  "AttestationGenerateResponse",
  /** `token`: the opaque client attestation token. */
  z.object({ token: z.string() }),
);
export type AttestationGenerateResponse = z.infer<typeof AttestationGenerateResponse>;
