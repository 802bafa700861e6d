import type { Instance, RouteTable, SecurityGroup, Subnet, VpcEndpoint } from "@aws-sdk/client-ec2";
import type { GetCallerIdentityCommandOutput } from "@aws-sdk/client-sts";
import { errorCode, isAccessDenied, isNotImplemented, unansweredReason } from "../api-error";
import type { AwsClients } from "../aws-clients";
import type { StackView } from "../stack-view";
import type { SelectedInstance } from "../instance-selection";
import { StackOutputs, stringOutput } from "../outputs";
import { SHELL_DOCUMENT } from "../start-session";
import { Unanswered } from "./check";

/** The interface endpoints every instance needs for Session Manager. */
export const SESSION_ENDPOINT_SERVICES: readonly string[] = ["ssm", "ssmmessages", "ec2messages"];

/** What the Session Manager preferences document (`SSM-SessionManagerRunShell`) says, when it exists. */
export interface SessionPreferences {
  readonly found: boolean;
  /** `cloudWatchLogGroupName`; empty: no CloudWatch logging. */
  readonly logGroupName: string;
  /** `cloudWatchEncryptionEnabled`. */
  readonly logGroupEncryption: boolean;
  /** `kmsKeyId`; empty: sessions not encrypted with KMS. */
  readonly kmsKeyId: string;
  /** `s3BucketName`; empty: no S3 transcripts. */
  readonly s3BucketName: string;
}

/** The interface endpoints the instance needs, and why. */
export interface NeededServices {
  readonly services: readonly string[];
  /** Why logs and kms are (not) needed: what the preferences document does, or the stack outputs when it could not be read. */
  readonly because: string;
}

/** The call of the caller's identity, kept whole: an error is an answer too (no credentials). */
export type CallerIdentity =
  | { readonly ok: true; readonly identity: Omit<GetCallerIdentityCommandOutput, "$metadata"> }
  | { readonly ok: false; readonly error: unknown };

/**
 * An AWS call that failed: the `?` of every check that needed it. `next` says
 * how to find out otherwise (default: with credentials that may make the call).
 */
export function unansweredCall(api: string, e: unknown, next?: string): Unanswered {
  const fallback = isNotImplemented(e)
    ? `ask AWS itself: this endpoint cannot answer ${api}`
    : isAccessDenied(e)
      ? `use credentials that may call ${api}, or look in the AWS console`
      : `run the doctor again; if it persists, look in the AWS console`;
  return new Unanswered(unansweredReason(api, e), next ?? fallback);
}

/**
 * What the checks read from AWS, each read once per run and shared (several
 * checks look at the same instance, endpoints and security groups). A read
 * that fails throws {@link Unanswered}: the checks built on it say `?`.
 */
export class Lookups {
  private readonly memo = new Map<string, Promise<unknown>>();

  public constructor(
    private readonly clients: AwsClients,
    private readonly env: StackView,
    private readonly outputs: StackOutputs,
    private readonly selected: SelectedInstance,
  ) {}

  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (p === undefined) {
      p = read();
      p.catch(() => undefined);
      this.memo.set(key, p);
    }
    return p;
  }

  private async call<T>(api: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw unansweredCall(api, e);
    }
  }

  /** GetCallerIdentity, its error kept. */
  public callerIdentity(): Promise<CallerIdentity> {
    return this.once("caller", async () => {
      try {
        return { ok: true as const, identity: await this.clients.getCallerIdentity() };
      } catch (error) {
        return { ok: false as const, error };
      }
    });
  }

  /** The instance as EC2 describes it; undefined when EC2 does not know the id. */
  public instanceOrNone(): Promise<Instance | undefined> {
    return this.once("instance", async () => {
      try {
        const r = await this.clients.describeInstances({ InstanceIds: [this.selected.id] });
        return (r.Reservations ?? [])
          .flatMap((res) => res.Instances ?? [])
          .find((i) => i.InstanceId === this.selected.id);
      } catch (e) {
        if (errorCode(e) === "InvalidInstanceID.NotFound") return undefined;
        throw unansweredCall("ec2:DescribeInstances", e);
      }
    });
  }

  /** The instance; {@link Unanswered} when it is not there (the `instance` check says why). */
  public async instance(): Promise<Instance> {
    const instance = await this.instanceOrNone();
    if (instance === undefined)
      throw new Unanswered(
        `depends on the instance ${this.selected.id}, which EC2 does not know`,
        "fix the instance check first",
      );
    return instance;
  }

  /** The VPC of the instance (else the `vpc_id` output). */
  public async vpcId(): Promise<string> {
    const instance = await this.instanceOrNone().catch(() => undefined);
    const id = instance?.VpcId ?? stringOutput(this.outputs, "vpc_id");
    if (id === undefined)
      throw new Unanswered(
        "the VPC is unknown: the instance is not found and the stack has no vpc_id output",
        "fix the instance check first",
      );
    return id;
  }

  /** The IPv4 blocks of the VPC. */
  public vpcCidrs(): Promise<string[]> {
    return this.once("vpc", async () => {
      const vpcId = await this.vpcId();
      const r = await this.call("ec2:DescribeVpcs", () => this.clients.describeVpcs({ VpcIds: [vpcId] }));
      const vpc = r.Vpcs?.[0];
      const blocks = (vpc?.CidrBlockAssociationSet ?? [])
        .map((a) => a.CidrBlock)
        .filter((c): c is string => typeof c === "string");
      return blocks.length > 0 ? blocks : vpc?.CidrBlock ? [vpc.CidrBlock] : [];
    });
  }

  /** Every VPC endpoint of the VPC, whatever its state. */
  public endpoints(): Promise<VpcEndpoint[]> {
    return this.once("endpoints", async () => {
      const vpcId = await this.vpcId();
      const all: VpcEndpoint[] = [];
      let token: string | undefined;
      do {
        const r = await this.call("ec2:DescribeVpcEndpoints", () =>
          this.clients.describeVpcEndpoints({
            Filters: [{ Name: "vpc-id", Values: [vpcId] }],
            ...(token ? { NextToken: token } : {}),
          }),
        );
        all.push(...(r.VpcEndpoints ?? []));
        token = r.NextToken;
      } while (token);
      return all;
    });
  }

  /** The endpoint of `service` (`ssm`, `s3`, ...) of `type`: the available one if any, else the one in another state. */
  public async endpointOf(service: string, type: "Interface" | "Gateway"): Promise<VpcEndpoint | undefined> {
    const suffix = `.${this.env.region}.${service}`;
    const of = (await this.endpoints()).filter(
      (e) =>
        (e.ServiceName ?? "").endsWith(suffix) && String(e.VpcEndpointType ?? "").toLowerCase() === type.toLowerCase(),
    );
    return (
      of.find((e) => String(e.State).toLowerCase() === "available") ??
      of.find((e) => String(e.State).toLowerCase() !== "deleted") ??
      of[0]
    );
  }

  /** Subnets by id. */
  public subnets(ids: readonly string[]): Promise<Map<string, Subnet>> {
    const key = [...new Set(ids)].sort();
    return this.once(`subnets:${key.join(",")}`, async () => {
      if (key.length === 0) return new Map<string, Subnet>();
      const r = await this.call("ec2:DescribeSubnets", () => this.clients.describeSubnets({ SubnetIds: key }));
      return new Map((r.Subnets ?? []).map((s) => [s.SubnetId as string, s]));
    });
  }

  /** Security groups by id. */
  public securityGroups(ids: readonly string[]): Promise<Map<string, SecurityGroup>> {
    const key = [...new Set(ids)].sort();
    return this.once(`groups:${key.join(",")}`, async () => {
      if (key.length === 0) return new Map<string, SecurityGroup>();
      const r = await this.call("ec2:DescribeSecurityGroups", () =>
        this.clients.describeSecurityGroups({ GroupIds: key }),
      );
      return new Map((r.SecurityGroups ?? []).map((g) => [g.GroupId as string, g]));
    });
  }

  /** The route table of the instance's subnet: its own association, else the VPC's main table. */
  public routeTable(): Promise<RouteTable | undefined> {
    return this.once("route-table", async () => {
      const instance = await this.instance();
      const own = await this.call("ec2:DescribeRouteTables", () =>
        this.clients.describeRouteTables({
          Filters: [{ Name: "association.subnet-id", Values: [instance.SubnetId as string] }],
        }),
      );
      if ((own.RouteTables ?? []).length > 0) return own.RouteTables?.[0];
      const main = await this.call("ec2:DescribeRouteTables", () =>
        this.clients.describeRouteTables({
          Filters: [
            { Name: "vpc-id", Values: [instance.VpcId as string] },
            { Name: "association.main", Values: ["true"] },
          ],
        }),
      );
      return main.RouteTables?.[0];
    });
  }

  /** The Session Manager preferences document's settings; `found: false` when the account has none. */
  public preferences(): Promise<SessionPreferences> {
    return this.once("preferences", async () => {
      let content: string | undefined;
      try {
        content = (await this.clients.getDocument({ Name: SHELL_DOCUMENT })).Content;
      } catch (e) {
        if (errorCode(e) === "InvalidDocument")
          return { found: false, logGroupName: "", logGroupEncryption: false, kmsKeyId: "", s3BucketName: "" };
        throw unansweredCall("ssm:GetDocument", e);
      }
      let inputs: Record<string, unknown> = {};
      try {
        inputs = ((JSON.parse(content ?? "{}") as { inputs?: Record<string, unknown> }).inputs ?? {}) as Record<
          string,
          unknown
        >;
      } catch {
        throw new Unanswered(
          `${SHELL_DOCUMENT} is not JSON`,
          `read it: aws ssm get-document --name ${SHELL_DOCUMENT} --region ${this.env.region}`,
        );
      }
      const text = (k: string) => (typeof inputs[k] === "string" ? (inputs[k] as string) : "");
      return {
        found: true,
        logGroupName: text("cloudWatchLogGroupName"),
        logGroupEncryption:
          inputs.cloudWatchEncryptionEnabled === true || inputs.cloudWatchEncryptionEnabled === "true",
        kmsKeyId: text("kmsKeyId"),
        s3BucketName: text("s3BucketName"),
      };
    });
  }

  /**
   * The interface endpoints the instance needs: ssm, ssmmessages and
   * ec2messages, logs when sessions stream to CloudWatch Logs, kms when they
   * are encrypted (from the preferences document, else the stack outputs).
   */
  public async neededServices(): Promise<NeededServices> {
    let logs: boolean;
    let kms: boolean;
    let because: string;
    try {
      const p = await this.preferences();
      logs = p.logGroupName !== "";
      kms = p.kmsKeyId !== "";
      const does = [logs ? "logs to CloudWatch Logs (logs)" : "", kms ? "encrypts with KMS (kms)" : ""]
        .filter(Boolean)
        .join(" and ");
      because = does
        ? `${SHELL_DOCUMENT} ${does}`
        : `${SHELL_DOCUMENT} neither logs to CloudWatch Logs nor encrypts with KMS`;
    } catch {
      logs = stringOutput(this.outputs, "session_log_group_name") !== undefined;
      kms = stringOutput(this.outputs, "session_kms_key_arn") !== undefined;
      because = "logs and kms as the stack outputs say (the preferences document could not be read)";
    }
    return { services: [...SESSION_ENDPOINT_SERVICES, ...(logs ? ["logs"] : []), ...(kms ? ["kms"] : [])], because };
  }
}
