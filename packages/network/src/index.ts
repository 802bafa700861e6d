export { SUBNET_TIERS } from "./types";
export type { INetwork, SubnetRef, SubnetTier } from "./types";
export { parseCidr, planSubnets } from "./cidr-planner";
export type { ParsedCidr, PlannedSubnet, SubnetPlan, SubnetPlanInput, TierPlanInput } from "./cidr-planner";
export { SSM_INTERFACE_SERVICES, SsmVpcEndpoints, validateServiceNames } from "./vpc-endpoints";
export type { S3GatewayOptions, SsmVpcEndpointsOptions, SsmVpcEndpointsProps } from "./vpc-endpoints";
export { FlowLogs } from "./flow-logs";
export type { FlowLogTrafficType, FlowLogsOptions, FlowLogsProps } from "./flow-logs";
export { PrivateNetwork } from "./private-network";
export type {
  NatGatewayMode,
  PrivateNetworkEndpointsOptions,
  PrivateNetworkFlowLogsOptions,
  PrivateNetworkOutputs,
  PrivateNetworkProps,
  SubnetTierOptions,
  SubnetTiersOptions,
} from "./private-network";
