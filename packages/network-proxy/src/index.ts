export {
  type BlockReason,
  CompiledNetworkPolicy,
  compileNetworkPolicy,
  type HostVerdict,
  isIpLiteral,
  isNonPublicAddress,
  type NetworkPolicySpec,
  NetworkPolicySpecSchema,
  normalizeHost,
  type PolicyError,
  PROXY_ERROR_HEADER_VALUES,
} from "./policy.js";
export {
  type BlockedAttempt,
  type LookupAddress,
  type LookupFn,
  type NetworkAccessRequest,
  type NetworkApprover,
  type NetworkAttemptProtocol,
  type NetworkProxy,
  type NetworkProxySpec,
  type SocketAddress,
  type StartError,
  type StartResult,
  type UpdateResult,
  startNetworkProxy,
} from "./proxy.js";
export { SOCKS_REPLY } from "./socks5.js";
export { DEFAULT_NO_PROXY, proxyEnvironment } from "./env.js";
export {
  composeNetworkPolicy,
  createNetworkApprovalBroker,
  execPolicyProtocolFor,
  type NetworkApprovalBroker,
  type NetworkApprovalBrokerOptions,
  type NetworkProxyConfig,
  NetworkProxyConfigSchema,
  networkApprovalContext,
  networkPolicyFromConfig,
  proposedNetworkPolicyAmendments,
  type SessionNetworkGrants,
} from "./approvals.js";
export { NETWORK_PROXY_USAGE, type NetworkProxyCliIo, runNetworkProxyCommand } from "./cli.js";
