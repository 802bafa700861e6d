/**
 * AWS managed policies the tests evaluate beside this package's own, as the
 * AWS Managed Policy Reference Guide lists them.
 */

/**
 * `AmazonSSMFullAccess` (AWS Managed Policy Reference Guide, "AmazonSSMFullAccess"):
 * `ssm:*` on every resource, the broad policy an operator may also hold.
 */
export const AMAZON_SSM_FULL_ACCESS: ReadonlyArray<Record<string, unknown>> = [
  {
    Effect: "Allow",
    Action: [
      "cloudwatch:PutMetricData",
      "ds:CreateComputer",
      "ds:DescribeDirectories",
      "ec2:DescribeInstanceStatus",
      "logs:*",
      "ssm:*",
      "ec2messages:*",
    ],
    Resource: "*",
  },
  {
    Effect: "Allow",
    Action: "iam:CreateServiceLinkedRole",
    Resource: "arn:aws:iam::*:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM*",
    Condition: { StringLike: { "iam:AWSServiceName": "ssm.amazonaws.com" } },
  },
  {
    Effect: "Allow",
    Action: ["iam:DeleteServiceLinkedRole", "iam:GetServiceLinkedRoleDeletionStatus"],
    Resource: "arn:aws:iam::*:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM*",
  },
  {
    Effect: "Allow",
    Action: [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ],
    Resource: "*",
  },
];
