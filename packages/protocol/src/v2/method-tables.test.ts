/**
 * Keeps our method tables in step with the official Codex 0.169 schema this package ships: no
 * method the official schema lacks, and the official methods still without a zod schema here are
 * exactly the ones listed below. Giving one a schema means deleting it from its list (the test
 * fails until then), so the lists only shrink and always say what is left.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { officialSchemaDir } from "./official-schema.js";
import { clientRequestMethods, serverNotificationMethods, serverRequestMethods } from "./protocol.js";

function officialMethods(file: string): string[] {
  const union = JSON.parse(readFileSync(join(officialSchemaDir(), file), "utf8")) as {
    oneOf: { properties: { method: { enum: string[] } } }[];
  };
  return union.oneOf.map((variant) => variant.properties.method.enum[0] as string);
}

const WITHOUT_ZOD = {
  ClientRequest: [
    "thread/delete", "thread/metadata/update", "thread/attachment/add", "thread/attachment/list",
    "thread/attachmentOwner/list", "thread/attachment/remove", "thread/section/move", "thread/shellCommand",
    "thread/approveGuardianDeniedAction", "thread/revert", "threadSection/list", "threadSection/create",
    "threadSection/update", "threadSection/delete", "thread/turns/list", "thread/items/list", "thread/inject_items",
    "marketplace/add", "marketplace/remove", "marketplace/upgrade", "plugin/list", "plugin/installed",
    "plugin/reconcile", "plugin/read", "plugin/skill/read", "plugin/share/save", "plugin/share/updateTargets",
    "plugin/share/list", "plugin/share/checkout", "plugin/share/delete", "app/read", "app/list", "app/installed",
    "fs/readFile", "fs/writeFile", "fs/createDirectory", "fs/getMetadata", "fs/readDirectory", "fs/remove",
    "fs/copy", "fs/watch", "fs/unwatch", "plugin/install", "plugin/uninstall", "review/start",
    "account/gatewayOAuth/read", "account/gatewayOAuth/login", "account/gatewayOAuth/cancel", "modelProvider/list",
    "modelProvider/config/write", "modelProvider/capabilities/read", "experimentalFeature/list",
    "permissionProfile/list", "experimentalFeature/enablement/set", "mcpServer/oauth/login",
    "windowsSandbox/setupStart", "windowsSandbox/readiness", "account/login/start", "account/login/cancel",
    "account/logout", "account/securitySetup/read", "account/rateLimits/read", "account/rateLimitResetCredit/consume",
    "account/usage/read", "account/workspaceMessages/read", "account/sendAddCreditsNudgeEmail", "feedback/upload",
    "feedback/save", "externalAgentConfig/detect", "externalAgentConfig/import",
    "externalAgentConfig/import/recordHistory", "externalAgentConfig/import/readHistories",
    "configRequirements/read", "account/read",
  ],
  ServerRequest: ["account/chatgptAuthTokens/refresh", "attestation/generate", "applyPatchApproval", "execCommandApproval"],
  ServerNotification: [
    "thread/prediction/updated", "thread/queue/changed", "project/changed", "thread/project/updated",
    "thread/environment/connected", "thread/environment/disconnected", "thread/settings/updated",
    "item/autoApprovalReview/started", "item/autoApprovalReview/completed", "autoApprovalReview/strictReviewRequired",
    "process/outputDelta", "process/exited", "mcpServer/oauthLogin/completed", "mcpServer/startupStatus/updated",
    "mcpServer/event/stream/notification", "account/gatewayOAuth/changed", "app/list/updated",
    "externalAgentConfig/import/progress", "externalAgentConfig/import/completed", "model/verification",
    "modelProvider/authRecoveryStarted", "modelProvider/authRecoveryCompleted", "turn/moderationMetadata",
    "model/safetyBuffering/updated", "thread/realtime/started", "thread/realtime/itemAdded",
    "thread/realtime/item/started", "thread/realtime/item/transcript/delta", "thread/realtime/item/completed",
    "thread/realtime/transcript/delta", "thread/realtime/transcript/done", "thread/realtime/outputAudio/delta",
    "thread/realtime/sdp", "thread/realtime/error", "thread/realtime/closed", "windows/worldWritableWarning",
  ],
} as const;

describe("method tables against the official 0.169 schema", () => {
  const cases = [
    ["ClientRequest", clientRequestMethods],
    ["ServerRequest", serverRequestMethods],
    ["ServerNotification", serverNotificationMethods],
  ] as const;
  for (const [union, table] of cases) {
    it(`${union}: nothing invented, and exactly the listed methods still lack a zod schema`, () => {
      const official = officialMethods(`${union}.json`);
      const ours = Object.keys(table);
      expect(ours.filter((method) => !official.includes(method))).toEqual([]);
      expect(official.filter((method) => !ours.includes(method))).toEqual([...WITHOUT_ZOD[union]]);
    });
  }
});
