/**
 * What the plan review predicts about an apply, against the deployed prod:
 * a session transcript written into prod's transcript bucket through the
 * SDK, three edited environment files reviewed (the review reads the bucket
 * through the S3 API, as with real credentials), then the first of them
 * applied, so that Terraform's own error can be set against the prediction.
 * The transcript is deleted afterwards (its Object Lock is in governance
 * mode: with s3:BypassGovernanceRetention), so that prod can be destroyed
 * as the failed apply left it.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { DeleteObjectCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  EMULATOR_CREDENTIALS,
  Landscape,
  childEnv,
  emulatorOf,
  PlanJson,
  outDir,
  sdkConfig,
  stackDir,
  stateLocation,
  synth,
  terraform,
} from "@ssm-access/aws-emulator";
import { REPO_ROOT, runApp } from "./apps";
import { EnvironmentFiles, ReviewJson, deployedApp, editEnvironments, writePlanFile } from "./reviews";

/** The review JSON's parts this step asserts, beyond {@link ReviewJson}. */
export interface PredictingReview extends ReviewJson {
  readonly changes: ReadonlyArray<
    ReviewJson["changes"][number] & { readonly source?: { readonly field: string; readonly before?: unknown } }
  >;
  readonly dataLoss: ReadonlyArray<{ readonly kind: string; readonly address: string; readonly text: string }>;
  readonly applyFailures: ReadonlyArray<{
    readonly kind: string;
    readonly address: string;
    readonly likelihood: string;
    readonly text: string;
  }>;
  readonly partialApply?: { readonly stopsAt: readonly string[]; readonly appliedBefore: readonly string[] };
}

/** One review through the command line, the S3 API of prod's emulator at hand. */
export interface Predicted {
  readonly review: PredictingReview;
  readonly markdown: string;
  readonly code: number;
  /** The synthesized stack folder the plan was made in (initialized like the deployed one). */
  readonly dir: string;
}

/** The three changes the step reviews. */
export const PREDICTED_CHANGES: Readonly<Record<"s3off" | "az" | "encoff", (files: EnvironmentFiles) => void>> = {
  s3off: (f) => (((f.prod.sessionLogging as Record<string, unknown>).s3 as Record<string, unknown>).enabled = false),
  az: (f) => {
    const network = f.prod.network as Record<string, unknown>;
    network.availabilityZones = ["eu-west-1a", "eu-west-1b"];
    (network.endpoints as Record<string, unknown>).availabilityZoneCount = 2;
  },
  encoff: (f) => ((f.prod.sessionLogging as Record<string, unknown>).encryptSessions = false),
};

function s3Of(land: Landscape): S3Client {
  const at = stateLocation(land, "prod");
  return new S3Client(sdkConfig(emulatorOf(land, at.accountId), at.region));
}

/** Prod's transcript bucket, as synthesized. */
export function transcriptBucket(land: Landscape): string {
  const json = JSON.parse(
    fs.readFileSync(path.join(land.ws.root, "out", "synth", "stacks", "prod", "cdk.tf.json"), "utf8"),
  ) as { resource: Record<string, Record<string, { bucket?: string }>> };
  const bucket = json.resource.aws_s3_bucket?.session_logging_bucket?.bucket;
  if (bucket === undefined) throw new Error("prod has no aws_s3_bucket.session_logging_bucket");
  return bucket;
}

/** Writes one session transcript into the bucket, as the SSM Agent would (Object Lock needs a checksum). */
export async function writeTranscript(land: Landscape, bucket: string): Promise<string> {
  const key = "sessions/operator-0a1b2c3d4e5f67890.log";
  const body = "Script started on 2026-12-04 09:00:00+00:00\nsh-5.2$ uptime\n 09:00:01 up 3 days\nsh-5.2$ exit\n";
  await s3Of(land).send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentMD5: crypto.createHash("md5").update(body).digest("base64"),
    }),
  );
  return key;
}

/** Deletes every version of the bucket's objects, bypassing governance-mode retention; returns how many. */
export async function deleteTranscripts(land: Landscape, bucket: string): Promise<number> {
  const s3 = s3Of(land);
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
  const versions = [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])];
  for (const v of versions) {
    await s3.send(
      new DeleteObjectCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId, BypassGovernanceRetention: true }),
    );
  }
  return versions.length;
}

/**
 * Synthesizes prod from an edited copy of the files, plans it against the
 * deployed prod, and reviews the plan with `review --plan` and the deployed
 * revision as `--base-app`, the emulator's S3 API at hand through the
 * variables a user exports (`AWS_ENDPOINT_URL`, `AWS_CA_BUNDLE`, keys).
 */
export async function predict(
  land: Landscape,
  name: string,
  edit: (files: EnvironmentFiles) => void,
): Promise<Predicted> {
  const { dir: environmentsDir } = editEnvironments(land, REPO_ROOT, `predict-${name}`, edit);
  const out = outDir(land.ws, `predict-${name}`);
  await synth(land.ws, out, ["prod"], environmentsDir);
  const dir = stackDir(out, "prod");
  const deployed = stackDir(land.outs.prod, "prod");
  fs.cpSync(path.join(deployed, ".terraform"), path.join(dir, ".terraform"), { recursive: true });
  fs.copyFileSync(path.join(deployed, ".terraform.lock.hcl"), path.join(dir, ".terraform.lock.hcl"));
  // Without the state lock: the three reviews plan side by side, and none of them writes the state. Without a
  // refresh: what they predict comes from the edit and from what the buckets hold (read through the S3 API).
  await terraform(
    land.ws,
    dir,
    "prod",
    ["plan", "-input=false", "-lock=false", "-refresh=false", "-out=predict.tfplan"],
    `predict ${name}`,
  );
  const shown = await terraform(land.ws, dir, "prod", ["show", "-json", "predict.tfplan"], `predict ${name} show`);
  const planFile = writePlanFile(
    dir,
    JSON.parse(shown.output.split("\n").find((l) => l.startsWith("{")) ?? "{}") as PlanJson,
  );
  const at = stateLocation(land, "prod");
  const emulator = emulatorOf(land, at.accountId);
  const reviewDir = path.join(land.ws.root, "reviews", `predict-${name}`);
  const ran = await runApp(
    "plan-review",
    [
      "review",
      "--stack=prod",
      `--plan=${planFile}`,
      `--app=${path.join(REPO_ROOT, "apps", "infra")}`,
      `--environments-dir=${environmentsDir}`,
      `--base-app=${deployedApp(land)}`,
      `--out-dir=${reviewDir}`,
    ],
    {
      env: childEnv(land.ws, {
        AWS_ENDPOINT_URL: emulator.endpoint,
        ...(emulator.certificateFile !== undefined ? { AWS_CA_BUNDLE: emulator.certificateFile } : {}),
        AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.access_key,
        AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secret_key,
        AWS_REGION: at.region,
      }),
      logFile: path.join(land.ws.root, "logs", `predict-${name}.log`),
    },
  );
  const json = path.join(reviewDir, "prod.json");
  if (!fs.existsSync(json))
    throw new Error(`plan-review review (${name}) wrote no ${json}; exit ${ran.code}:\n${ran.stderr}`);
  return {
    review: JSON.parse(fs.readFileSync(json, "utf8")) as PredictingReview,
    markdown: fs.readFileSync(path.join(reviewDir, "prod.md"), "utf8"),
    code: ran.code ?? -1,
    dir,
  };
}

/** `terraform apply` of the edited stack in its folder (prod's backend); its exit code and output, a failure allowed. */
export async function applyPredicted(land: Landscape, predicted: Predicted): Promise<{ code: number; output: string }> {
  const result = await terraform(
    land.ws,
    predicted.dir,
    "prod",
    ["apply", "-auto-approve", "-input=false", "-lock-timeout=60s", "-no-color"],
    "apply predicted",
    true,
  );
  return { code: result.code ?? -1, output: result.output };
}
