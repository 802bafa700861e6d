import * as path from "node:path";
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import type { BackendConfig, DeployConfig } from "../config/schema";
import { s3BackendCredentials, stateCredentials } from "./credentials";

/** Where a stack keeps its state, as rendered from an environment file. */
export interface BackendContext {
  /** Environment (and stack) name. */
  readonly environment: string;
  /** Project name, the default state key prefix. */
  readonly project: string;
  /** The environment's Region, the default bucket Region. */
  readonly region: string;
  /**
   * The environment's deploy credentials: an `s3` backend uses its role, and
   * its profile unless `backend.profile` is set (see `stateCredentials`).
   * The other backends take no AWS credentials.
   * @default - the default credential chain
   */
  readonly deploy?: DeployConfig;
}

/** The S3 key of an environment's state: `<prefix>/<environment>/terraform.tfstate`. */
export function stateKey(backend: { keyPrefix?: string }, ctx: BackendContext): string {
  return `${backend.keyPrefix ?? ctx.project}/${ctx.environment}/terraform.tfstate`;
}

/**
 * Adds the environment's state backend to `stack`.
 * - `s3`: encrypted, S3-native locking (`use_lockfile`, Terraform >= 1.10),
 *   plus a DynamoDB lock table when one is named (older Terraform users);
 *   reached with `profile` and `assume_role` from `backend.profile` and `ctx.deploy`.
 * - `cloud`: HCP Terraform organization and workspace.
 * - `local`: a state file next to the app (default `terraform.<environment>.tfstate`).
 */
export function addBackend(stack: TerraformStack, backend: BackendConfig, ctx: BackendContext): void {
  switch (backend.type) {
    case "s3": {
      const s3 = new S3Backend(stack, {
        bucket: backend.bucket,
        key: stateKey(backend, ctx),
        region: backend.region ?? ctx.region,
        encrypt: true,
        dynamodbTable: backend.dynamodbTable,
        ...s3BackendCredentials(stateCredentials(backend, ctx.deploy)),
      });
      // cdktf 0.21 predates S3-native locking; the argument is Terraform's own.
      s3.addOverride("use_lockfile", true);
      return;
    }
    case "cloud":
      new CloudBackend(stack, {
        organization: backend.organization,
        workspaces: new NamedCloudWorkspace(backend.workspace),
        hostname: backend.hostname,
      });
      return;
    case "local":
      // Terraform runs in cdktf.out/stacks/<name>: paths are relative to the app folder from there.
      new LocalBackend(stack, {
        path: localStatePath(backend.path ?? `terraform.${ctx.environment}.tfstate`),
      });
      return;
  }
}

/** A local state path as Terraform sees it from `cdktf.out/stacks/<name>`; absolute paths stay. */
export function localStatePath(appRelative: string): string {
  return path.isAbsolute(appRelative) ? appRelative : path.posix.join("..", "..", "..", appRelative);
}
