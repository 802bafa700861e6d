import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EbsEncryptionByDefault } from "@cdktf/provider-aws/lib/ebs-encryption-by-default";
import { S3AccountPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-account-public-access-block";
import { SsmServiceSetting } from "@cdktf/provider-aws/lib/ssm-service-setting";
import { partitionForRegion } from "@ssm-access/core";

/**
 * The Systems Manager service setting that allows or blocks sharing SSM
 * documents publicly, per account and Region (AWS Systems Manager User Guide,
 * "Block public sharing for SSM documents").
 */
export const SSM_DOCUMENT_PUBLIC_SHARING_SETTING = "/ssm/documents/console/public-sharing-permission";

/** Properties of {@link AccountBaseline}. */
export interface AccountBaselineProps {
  /** The provider of the account and Region. */
  readonly provider: AwsProvider;
  /** The 12-digit account id. */
  readonly accountId: string;
  /** The Region the provider works in. */
  readonly region: string;
}

/**
 * S3 Block Public Access for a whole account (one per account, whatever the
 * Region), keyed by the account alone so its address stays when Regions are
 * added.
 */
export class AccountPublicAccessBlock extends Construct {
  constructor(scope: Construct, id: string, props: Omit<AccountBaselineProps, "region">) {
    super(scope, id);
    new S3AccountPublicAccessBlock(this, "Resource", {
      provider: props.provider,
      accountId: props.accountId,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
  }
}

/**
 * The Regional part of the account hardening a security review expects,
 * outside any one environment: new EBS volumes encrypted by default, and SSM
 * documents never shared publicly. {@link AccountPublicAccessBlock} is the
 * account-wide part. Destroying the stack sets the settings back to AWS's
 * defaults.
 */
export class AccountBaseline extends Construct {
  constructor(scope: Construct, id: string, props: AccountBaselineProps) {
    super(scope, id);
    const { provider, accountId, region } = props;
    new EbsEncryptionByDefault(this, "EbsEncryptionByDefault", { provider, enabled: true });
    new SsmServiceSetting(this, "SsmDocumentPublicSharing", {
      provider,
      settingId: `arn:${partitionForRegion(region)}:ssm:${region}:${accountId}:servicesetting${SSM_DOCUMENT_PUBLIC_SHARING_SETTING}`,
      settingValue: "Disable",
    });
  }
}
