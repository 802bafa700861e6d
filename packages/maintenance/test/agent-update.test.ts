import { Testing, TerraformStack } from "cdktf";
import { SsmAssociation as TfSsmAssociation } from "@cdktf/provider-aws/lib/ssm-association";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ValidationError } from "@ssm-access/core";
import {
  TerraformJson,
  onlyOf,
  providersOf,
  synthJson,
  synthJsonWithAliasedProvider,
  offProvider,
} from "@ssm-access/core/testing";
import { SsmAgentUpdate, SsmAgentUpdateProps } from "../src/agent-update";
import { bucketRef } from "./fixtures";

const base: SsmAgentUpdateProps = { namePrefix: "ssm-dev", target: { key: "Environment", value: "dev" } };

function association(props: Partial<SsmAgentUpdateProps> = {}): Record<string, unknown> {
  return onlyOf(
    synthJson((scope) => new SsmAgentUpdate(scope, "AgentUpdate", { ...base, ...props })),
    TfSsmAssociation,
  );
}

function build(props: Partial<SsmAgentUpdateProps>): () => void {
  return () =>
    synthJson((scope) => new SsmAgentUpdate(scope, "AgentUpdate", { ...base, ...props } as SsmAgentUpdateProps));
}

describe("SsmAgentUpdate", () => {
  describe("with only a name prefix and a target", () => {
    const a = association();

    it("runs the AWS-UpdateSSMAgent document", () => {
      expect(a.name).toBe("AWS-UpdateSSMAgent");
    });

    it("targets the instances by tag, never by id", () => {
      expect(a.targets).toEqual([{ key: "tag:Environment", values: ["dev"] }]);
      expect(a).not.toHaveProperty("instance_id");
    });

    it("runs every 14 days", () => {
      expect(a.schedule_expression).toBe("rate(14 days)");
    });

    it("updates half the instances at a time and stops on the first failure", () => {
      expect(a.max_concurrency).toBe("50%");
      expect(a.max_errors).toBe("0");
    });

    it("is named and tagged from the name prefix", () => {
      expect(a.association_name).toBe("ssm-dev-ssm-agent-update");
      expect(a.tags).toEqual({ Name: "ssm-dev-ssm-agent-update" });
    });

    it("sets no output location and no compliance severity", () => {
      expect(a).not.toHaveProperty("output_location");
      expect(a).not.toHaveProperty("compliance_severity");
    });
  });

  describe("with every option set", () => {
    const a = association({
      schedule: "cron(0 4 ? * MON *)",
      complianceSeverity: "HIGH",
      maxConcurrency: "2",
      maxErrors: "10%",
      outputS3: { bucket: bucketRef("ssm-dev-transcripts"), keyPrefix: "ops" },
    });

    it("uses the given schedule", () => {
      expect(a.schedule_expression).toBe("cron(0 4 ? * MON *)");
    });

    it("reports failures with the given compliance severity", () => {
      expect(a.compliance_severity).toBe("HIGH");
    });

    it("uses the given rate controls", () => {
      expect(a.max_concurrency).toBe("2");
      expect(a.max_errors).toBe("10%");
    });

    it("writes output to the agent-update folder under the key prefix", () => {
      expect(a.output_location).toEqual({ s3_bucket_name: "ssm-dev-transcripts", s3_key_prefix: "ops/agent-update" });
    });
  });

  it("uses the default key prefix when the output location has none", () => {
    expect(association({ outputS3: { bucket: bucketRef("logs") } }).output_location).toEqual({
      s3_bucket_name: "logs",
      s3_key_prefix: "maintenance/agent-update",
    });
  });

  it("exposes the association, its name and the output key prefix", () => {
    const stack = new TerraformStack(Testing.app(), "Stack");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const update = new SsmAgentUpdate(stack, "AgentUpdate", { ...base, outputS3: { bucket: bucketRef("logs") } });
    expect(update.association).toBeInstanceOf(TfSsmAssociation);
    expect(update.associationName).toBe("ssm-dev-ssm-agent-update");
    expect(update.outputKeyPrefix).toBe("maintenance/agent-update");
    expect(onlyOf(JSON.parse(Testing.synth(stack)) as TerraformJson, TfSsmAssociation).name).toBe("AWS-UpdateSSMAgent");
  });

  describe("validation", () => {
    it("rejects a schedule that is not a rate or cron expression", () => {
      expect(build({ schedule: "every two weeks" })).toThrow(
        /schedule: "every two weeks" is not a rate\(\.\.\.\) or cron\(\.\.\.\) expression/,
      );
    });

    it("rejects a rate shorter than 30 minutes", () => {
      expect(build({ schedule: "rate(10 minutes)" })).toThrow(
        /schedule: "rate\(10 minutes\)": associations run at most every 30 minutes/,
      );
    });

    it("rejects an unknown compliance severity", () => {
      expect(build({ complianceSeverity: "SEVERE" as never })).toThrow(
        /complianceSeverity: "SEVERE" is not one of CRITICAL, HIGH, MEDIUM, LOW, UNSPECIFIED/,
      );
    });

    it("rejects a maximum concurrency of zero", () => {
      expect(build({ maxConcurrency: "0" })).toThrow(/maxConcurrency: "0" is not a count of at least 1/);
    });

    it("rejects a maximum of errors that is not a count or percentage", () => {
      expect(build({ maxErrors: "none" })).toThrow(/maxErrors: "none" is not a count of at least 0/);
    });

    it("rejects an invalid name prefix", () => {
      expect(build({ namePrefix: "SSM Dev" })).toThrow(/namePrefix: "SSM Dev" must be lower-case letters/);
    });

    it("rejects an empty tag key and value", () => {
      expect(build({ target: { key: "", value: "" } })).toThrow(
        /target\.key: must not be empty\n.*target\.value: must not be empty/,
      );
    });

    it("rejects an invalid output bucket name", () => {
      expect(build({ outputS3: { bucket: bucketRef("Logs_Bucket") } })).toThrow(
        /outputS3\.bucket\.bucketName: "Logs_Bucket" may hold only lower-case letters/,
      );
    });

    it("lists every problem in one error before creating anything", () => {
      const stack = new TerraformStack(Testing.app(), "Stack");
      let caught: unknown;
      try {
        new SsmAgentUpdate(stack, "AgentUpdate", { ...base, schedule: "x", maxErrors: "y" });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).subject).toBe("Stack/AgentUpdate");
      expect((caught as ValidationError).issues.map((i) => i.path)).toEqual(["schedule", "maxErrors"]);
      expect(stack.node.findAll().some((c) => c instanceof TfSsmAssociation)).toBe(false);
    });
  });

  describe("with a provider", () => {
    it("creates the association with that provider", () => {
      const json = synthJsonWithAliasedProvider(
        (scope, provider) => new SsmAgentUpdate(scope, "AgentUpdate", { ...base, provider }),
      );
      expect(Object.keys(providersOf(json))).toHaveLength(1);
      expect(offProvider(json)).toEqual({});
    });
  });
});
