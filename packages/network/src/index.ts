export { SUBNET_TIERS } from "./types";
export type { INetwork, SubnetRef, SubnetTier } from "./types";
export {
  AZ_SLOT_COUNTS,
  DEFAULT_AZ_SLOTS_PER_TIER,
  MAX_PREFIX_LENGTH,
  MIN_PREFIX_LENGTH,
  RFC1918_RANGES,
  TIER_BLOCK_COUNT,
  TIER_BLOCK_INDEX,
  cidrContains,
  cidrSubnet,
  cidrsOverlap,
  isRfc1918,
  isValidAwsPrefixLength,
  parseCidr,
  planSubnets,
  slotPrefixLength,
  vpcCidrProblems,
  zoneLetterSlot,
} from "./cidr-planner";
export type { ParsedCidr, PlannedSubnet, SubnetPlan, SubnetPlanInput, TierPlanInput } from "./cidr-planner";
export {
  SERVICE_SHORT_NAME_PATTERN,
  SSM_INTERFACE_SERVICES,
  SsmVpcEndpoints,
  interfaceServiceName,
  validateServiceNames,
} from "./vpc-endpoints";
export {
  ENDPOINT_POLICY_SERVICES,
  allowedBucketResources,
  interfaceEndpointPolicy,
  renderEndpointPolicy,
  s3GatewayEndpointPolicy,
  supportsEndpointPolicy,
} from "./endpoint-policy";
export type {
  EndpointPolicyConditions,
  EndpointPolicyStatement,
  PolicyValues,
  S3GatewayPolicyInput,
} from "./endpoint-policy";
export {
  AL2023_REPOSITORY_BUCKET_SUFFIX,
  DISTRIBUTOR_FILE_BUCKET_REGIONS,
  PATCH_BASELINE_SNAPSHOT_BUCKET_EXCEPTIONS,
  PATCH_MANAGER_BUCKET_SUFFIXES,
  awsManagedS3Buckets,
  unknownAwsManagedS3Buckets,
} from "./aws-managed-buckets";
export type { SsmVpcEndpointsOptions, SsmVpcEndpointsProps } from "./vpc-endpoints";
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
