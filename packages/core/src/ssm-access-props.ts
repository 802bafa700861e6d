import { TerraformProvider, TerraformStack, Token } from "cdktf";
import { IConstruct } from "constructs";
import { partitionForRegion } from "./aws";
import { Validator } from "./validation";

/**
 * What every construct of the @ssm-access packages takes: the prefix of its
 * names and where its resources live (Region, account, provider). Each
 * construct's props extend it; a construct that builds Region- or
 * account-specific names or ARNs makes `region` or `accountId` required and
 * says so in its own props.
 */
export interface SsmAccessProps {
  /**
   * Prefix of every name the construct gives (`Name` tags, IAM, log group and
   * document names), e.g. `ssm-dev`: lower-case letters, digits and `-`,
   * starting with a letter. Each construct states its longest prefix.
   */
  readonly namePrefix: string;

  /**
   * The AWS Region of the resources, e.g. `eu-west-1`. Given rather than read
   * so the stack needs no data source: partitions, ARNs and endpoint service
   * names derive from it. When the construct's AWS provider (`provider`, or
   * else the stack's default AWS provider) names a Region, the two must agree.
   * @default - none; a construct that needs it says so (a validation error naming `region`)
   */
  readonly region?: string;

  /**
   * The 12-digit AWS account id of the resources. Given rather than read, like
   * `region`. When the construct's AWS provider lists `allowed_account_ids`,
   * it must be one of them.
   * @default - none; a construct that needs it says so (a validation error naming `accountId`)
   */
  readonly accountId?: string;

  /**
   * Provider to create every resource with, e.g. an aliased AWS provider for
   * another Region or account (`region` must then be that provider's Region).
   * @default - the stack's default provider
   */
  readonly provider?: TerraformProvider;
}

/** What a construct needs of its {@link SsmAccessProps}. */
export interface SsmAccessRequirements {
  /**
   * Longest `namePrefix` the construct accepts (the names it derives must fit AWS limits).
   * @default - the construct takes no name prefix (its props omit it, as `SecureBucket`'s do)
   */
  readonly maxNamePrefixLength?: number;
  /**
   * Why the construct needs `region` (a sentence fragment such as "for the
   * partition of ARNs"), making it required.
   * @default - `region` is optional (checked when given)
   */
  readonly region?: string;
  /**
   * Why the construct needs `accountId`, making it required.
   * @default - `accountId` is optional (checked when given)
   */
  readonly accountId?: string;
}

/** The checked {@link SsmAccessProps} of a construct. */
export interface ResolvedSsmAccess {
  /** The name prefix. */
  readonly namePrefix: string;
  /** The Region; empty when not given (only for constructs that do not need it). */
  readonly region: string;
  /** The account id; empty when not given (only for constructs that do not need it). */
  readonly accountId: string;
  /** The partition of the Region (`aws`, `aws-cn`, ...); `aws` when no valid Region is given. */
  readonly partition: string;
  /** Whether `namePrefix` is valid (so names derived from it can be checked further). */
  readonly namePrefixOk: boolean;
  /** Whether `region` is a valid Region code. */
  readonly regionOk: boolean;
  /** Whether `accountId` is a valid account id (a token counts as valid). */
  readonly accountIdOk: boolean;
}

/**
 * Checks the {@link SsmAccessProps} of `scope`'s props into `v`, once for
 * every construct: the name prefix, a Region and an account id where the
 * construct needs them (a missing one is reported with why it is needed), and
 * that they agree with the AWS provider the resources are created with.
 * Values that are tokens are taken as they are.
 */
export function checkSsmAccessProps(
  v: Validator,
  scope: IConstruct,
  props: Omit<SsmAccessProps, "namePrefix"> & { readonly namePrefix?: string },
  needs: SsmAccessRequirements,
): ResolvedSsmAccess {
  const { namePrefix, region, accountId } = props;
  let namePrefixOk = false;
  if (needs.maxNamePrefixLength === undefined) {
    // The construct takes no name prefix.
  } else if (namePrefix === undefined || namePrefix === null || namePrefix === "") {
    v.add("namePrefix", "is required");
  } else {
    namePrefixOk = v.namePrefix("namePrefix", namePrefix, needs.maxNamePrefixLength);
  }

  let regionOk = false;
  if (region === undefined) {
    if (needs.region !== undefined) v.add("region", `is required ${needs.region}`);
  } else if (typeof region === "string" && Token.isUnresolved(region)) {
    v.add("region", "must be a literal Region code, not a reference resolved at apply");
  } else {
    regionOk = v.region("region", region);
  }

  let accountIdOk = false;
  if (accountId === undefined) {
    if (needs.accountId !== undefined) v.add("accountId", `is required ${needs.accountId}`);
  } else if (typeof accountId === "string" && Token.isUnresolved(accountId)) {
    accountIdOk = true;
  } else {
    accountIdOk = v.accountId("accountId", accountId);
  }

  const provider = awsProviderOf(scope, props.provider);
  if (provider !== undefined) {
    const providerRegion = literal(provider.region);
    if (regionOk && providerRegion !== undefined && providerRegion !== region) {
      v.add(
        "region",
        `${region} is not the Region of the AWS provider the resources are created with (${providerRegion}); give the provider's Region, or a provider of ${region}`,
      );
    }
    const allowed = provider.allowedAccountIds;
    if (
      accountIdOk &&
      !Token.isUnresolved(accountId) &&
      Array.isArray(allowed) &&
      allowed.every((a) => typeof a === "string" && !Token.isUnresolved(a)) &&
      !allowed.includes(accountId as string)
    ) {
      v.add(
        "accountId",
        `${accountId} is not an account the AWS provider the resources are created with allows (${allowed.join(", ")})`,
      );
    }
  }

  return {
    namePrefix: typeof namePrefix === "string" ? namePrefix : "",
    region: typeof region === "string" ? region : "",
    accountId: typeof accountId === "string" ? accountId : "",
    partition: regionOk ? partitionForRegion(region as string) : "aws",
    namePrefixOk,
    regionOk,
    accountIdOk,
  };
}

/** What is read of an AWS provider: its Region and allowed accounts (`AwsProvider` of `@cdktf/provider-aws`). */
interface AwsProviderLike {
  readonly terraformResourceType: string;
  readonly alias?: string;
  readonly region?: string;
  readonly allowedAccountIds?: readonly string[];
}

/**
 * The AWS provider resources of `scope` are created with: `provider` when it
 * is an AWS provider, else the stack's default (unaliased) AWS provider, when
 * the stack has one already; `undefined` otherwise.
 */
function awsProviderOf(scope: IConstruct, provider: TerraformProvider | undefined): AwsProviderLike | undefined {
  const isAws = (p: unknown): p is AwsProviderLike =>
    typeof p === "object" && p !== null && (p as AwsProviderLike).terraformResourceType === "aws";
  if (provider !== undefined) return isAws(provider) ? provider : undefined;
  let stack: TerraformStack;
  try {
    stack = TerraformStack.of(scope);
  } catch {
    return undefined;
  }
  return stack.node.children.find((c): c is IConstruct & AwsProviderLike => isAws(c) && c.alias === undefined);
}

function literal(value: unknown): string | undefined {
  return typeof value === "string" && !Token.isUnresolved(value) ? value : undefined;
}
