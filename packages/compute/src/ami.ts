/**
 * Public SSM parameter holding the latest Amazon Linux 2023 AMI id (x86_64),
 * the default image: the SSM Agent is preinstalled and running.
 */
export const AMAZON_LINUX_2023_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/**
 * Public SSM parameter holding the latest Amazon Linux 2 AMI id (x86_64, gp2),
 * the image of the Session Manager recipe.
 * @deprecated Amazon Linux 2 reached end of support on 2026-06-30 and its yum
 * repositories are reached over plain HTTP, which the instances' 443-only
 * egress blocks: instances refuse every parameter under
 * {@link AMAZON_LINUX_2_PARAMETER_PREFIX}. Use {@link AMAZON_LINUX_2023_AMI_PARAMETER}.
 */
export const AMAZON_LINUX_2_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2";

/**
 * Prefix of every public SSM parameter of an Amazon Linux 2 AMI (`amzn2-ami-hvm-*`,
 * `amzn2-ami-kernel-5.10-*`, ...): refused as an instance image.
 */
export const AMAZON_LINUX_2_PARAMETER_PREFIX = "/aws/service/ami-amazon-linux-latest/amzn2-";

/** An AMI id: `ami-` and 8 or 17 hexadecimal digits. */
export const AMI_ID_PATTERN = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** An SSM parameter name usable in `resolve:ssm:`: a path from the root, optionally `:version` or `:label`. */
export const SSM_PARAMETER_PATTERN = /^\/[A-Za-z0-9_.\-/]+(?::[A-Za-z0-9_.-]+)?$/;

/**
 * Where an instance's image comes from: exactly one of
 * - `ssmParameter`: a public (or own) SSM parameter holding an AMI id, resolved
 *   by EC2 each time an instance is launched (`resolve:ssm:<parameter>`), so
 *   Terraform reads nothing and new instances get the current image;
 * - `id`: a pinned AMI id, for images built and approved in-house.
 */
export interface AmiSource {
  /**
   * Name of the SSM parameter holding the AMI id, starting with `/`, e.g.
   * {@link AMAZON_LINUX_2023_AMI_PARAMETER}. A `:version` or `:label`
   * suffix pins one version of the parameter.
   * @default - not set; set this or `id`
   */
  readonly ssmParameter?: string;

  /**
   * A pinned AMI id such as `ami-0123456789abcdef0`.
   * @default - not set; set this or `ssmParameter`
   */
  readonly id?: string;
}

/** The image used when none is given: the latest Amazon Linux 2023 AMI. */
export const DEFAULT_AMI: AmiSource = { ssmParameter: AMAZON_LINUX_2023_AMI_PARAMETER };
