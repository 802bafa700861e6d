import { App, TerraformStack, Testing } from "cdktf";
import type { TerraformJson } from "@ssm-access/core/testing";
import type { BackendConfig } from "../../src/config/schema";
import { BackendContext, addBackend, localStatePath, stateKey } from "../../src/stacks/backend";
import { removeTempDirs, tempDir } from "../fixtures";

afterAll(removeTempDirs);

const CTX: BackendContext = { environment: "dev", project: "ssm-access", region: "eu-west-1" };

/** Adds `backend` to an empty stack and returns the stack's Terraform JSON. */
function synthBackend(backend: BackendConfig, ctx: BackendContext = CTX): TerraformJson {
  const app = new App({ outdir: tempDir("infra-backend-"), stackTraces: false });
  const stack = new TerraformStack(app, ctx.environment);
  addBackend(stack, backend, ctx);
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** The `terraform` block of a synthesized stack. */
function terraformBlock(json: TerraformJson): {
  backend?: Record<string, Record<string, unknown>>;
  cloud?: Record<string, unknown>;
} {
  return (json.terraform ?? {}) as {
    backend?: Record<string, Record<string, unknown>>;
    cloud?: Record<string, unknown>;
  };
}

/** The one backend of the stack, by kind. */
function backendOf(json: TerraformJson): Record<string, Record<string, unknown>> {
  return terraformBlock(json).backend ?? {};
}

describe("stateKey", () => {
  it("is <project>/<environment>/terraform.tfstate without a key prefix", () => {
    expect(stateKey({}, CTX)).toBe("ssm-access/dev/terraform.tfstate");
  });

  it("uses the key prefix instead of the project when one is given", () => {
    expect(stateKey({ keyPrefix: "teams/platform" }, CTX)).toBe("teams/platform/dev/terraform.tfstate");
  });

  it("gives each environment of a project its own key", () => {
    expect(stateKey({}, { ...CTX, environment: "prod" })).not.toBe(stateKey({}, CTX));
  });
});

describe("localStatePath", () => {
  it("climbs from cdktf.out/stacks/<name> back to the app folder for a relative path", () => {
    expect(localStatePath("terraform.dev.tfstate")).toBe("../../../terraform.dev.tfstate");
  });

  it("keeps the folders of a relative path below the app folder", () => {
    expect(localStatePath("state/dev.tfstate")).toBe("../../../state/dev.tfstate");
  });

  it("normalizes a relative path that leaves the app folder", () => {
    expect(localStatePath("../shared/dev.tfstate")).toBe("../../../../shared/dev.tfstate");
  });

  it("keeps an absolute path as it is", () => {
    expect(localStatePath("/var/lib/terraform/dev.tfstate")).toBe("/var/lib/terraform/dev.tfstate");
  });
});

describe("addBackend", () => {
  describe("with an s3 backend", () => {
    describe("given only a bucket", () => {
      const json = synthBackend({ type: "s3", bucket: "ssm-access-tfstate-111111111111-eu-west-1" });
      const s3 = backendOf(json).s3;

      it("renders terraform.backend.s3 and no other backend", () => {
        expect(Object.keys(backendOf(json))).toEqual(["s3"]);
        expect(terraformBlock(json).cloud).toBeUndefined();
      });

      it("names the bucket", () => {
        expect(s3.bucket).toBe("ssm-access-tfstate-111111111111-eu-west-1");
      });

      it("keys the state by project and environment", () => {
        expect(s3.key).toBe("ssm-access/dev/terraform.tfstate");
      });

      it("puts the bucket in the environment's Region", () => {
        expect(s3.region).toBe("eu-west-1");
      });

      it("encrypts the state and locks it with S3-native lock files", () => {
        expect(s3.encrypt).toBe(true);
        expect(s3.use_lockfile).toBe(true);
      });

      it("names no DynamoDB table and no profile", () => {
        expect(s3).not.toHaveProperty("dynamodb_table");
        expect(s3).not.toHaveProperty("profile");
      });
    });

    describe("given every option", () => {
      const s3 = backendOf(
        synthBackend({
          type: "s3",
          bucket: "shared-tfstate",
          region: "us-east-1",
          keyPrefix: "teams/platform",
          dynamodbTable: "terraform-locks",
          profile: "state-admin",
        }),
      ).s3;

      it("uses the bucket's own Region over the environment's", () => {
        expect(s3.region).toBe("us-east-1");
      });

      it("keys the state by the key prefix and environment", () => {
        expect(s3.key).toBe("teams/platform/dev/terraform.tfstate");
      });

      it("adds the DynamoDB lock table and still locks with lock files", () => {
        expect(s3.dynamodb_table).toBe("terraform-locks");
        expect(s3.use_lockfile).toBe(true);
      });

      it("passes the AWS CLI profile", () => {
        expect(s3.profile).toBe("state-admin");
      });

      it("still encrypts the state", () => {
        expect(s3.encrypt).toBe(true);
      });
    });

    describe("given deploy credentials", () => {
      const ROLE = "arn:aws:iam::111111111111:role/terraform-deploy";
      const bucket = { type: "s3" as const, bucket: "ssm-access-tfstate-111111111111-eu-west-1" };

      it("reaches the bucket with deploy.profile when the backend names no profile", () => {
        expect(backendOf(synthBackend(bucket, { ...CTX, deploy: { profile: "dev-admin" } })).s3.profile).toBe(
          "dev-admin",
        );
      });

      it("prefers backend.profile over deploy.profile", () => {
        expect(
          backendOf(synthBackend({ ...bucket, profile: "state-admin" }, { ...CTX, deploy: { profile: "dev-admin" } }))
            .s3.profile,
        ).toBe("state-admin");
      });

      it("assumes deploy's role with its external id and session name, as Terraform's assume_role object", () => {
        const s3 = backendOf(
          synthBackend(bucket, {
            ...CTX,
            deploy: { assumeRoleArn: ROLE, externalId: "ext-1", sessionName: "dev-deploy" },
          }),
        ).s3;
        expect(s3.assume_role).toEqual({ role_arn: ROLE, external_id: "ext-1", session_name: "dev-deploy" });
        expect(s3).not.toHaveProperty("role_arn");
        expect(s3).not.toHaveProperty("profile");
      });

      it("assumes deploy's role from backend.profile when both are set", () => {
        const s3 = backendOf(
          synthBackend({ ...bucket, profile: "state-admin" }, { ...CTX, deploy: { assumeRoleArn: ROLE } }),
        ).s3;
        expect(s3.profile).toBe("state-admin");
        expect(s3.assume_role).toEqual({ role_arn: ROLE });
      });
    });
  });

  describe("with a cloud backend", () => {
    it("renders terraform.cloud with the organization and the named workspace", () => {
      const json = synthBackend({ type: "cloud", organization: "acme", workspace: "ssm-access-dev" });
      const cloud = terraformBlock(json).cloud as Record<string, unknown>;
      expect(cloud.organization).toBe("acme");
      expect(cloud.workspaces).toEqual({ name: "ssm-access-dev" });
      expect(cloud).not.toHaveProperty("hostname");
      expect(terraformBlock(json).backend).toBeUndefined();
    });

    it("takes no AWS credentials from deploy", () => {
      const json = synthBackend(
        { type: "cloud", organization: "acme", workspace: "dev" },
        { ...CTX, deploy: { profile: "dev-admin" } },
      );
      expect(terraformBlock(json).cloud).not.toHaveProperty("profile");
    });

    it("sets the hostname of a Terraform Enterprise host when given", () => {
      const json = synthBackend({ type: "cloud", organization: "acme", workspace: "dev", hostname: "tfe.example.com" });
      expect((terraformBlock(json).cloud as Record<string, unknown>).hostname).toBe("tfe.example.com");
    });
  });

  describe("with a local backend", () => {
    it("keeps terraform.<environment>.tfstate in the app folder by default", () => {
      const json = synthBackend({ type: "local" });
      expect(Object.keys(backendOf(json))).toEqual(["local"]);
      expect(backendOf(json).local.path).toBe("../../../terraform.dev.tfstate");
    });

    it("names the state file after the environment", () => {
      const json = synthBackend({ type: "local" }, { ...CTX, environment: "qa" });
      expect(backendOf(json).local.path).toBe("../../../terraform.qa.tfstate");
    });

    it("reads a custom relative path from the app folder", () => {
      const json = synthBackend({ type: "local", path: "state/dev.tfstate" });
      expect(backendOf(json).local.path).toBe("../../../state/dev.tfstate");
    });

    it("takes no AWS credentials from deploy", () => {
      const json = synthBackend(
        { type: "local" },
        { ...CTX, deploy: { profile: "dev-admin", assumeRoleArn: "arn:aws:iam::111111111111:role/x" } },
      );
      expect(backendOf(json).local).toEqual({ path: "../../../terraform.dev.tfstate" });
    });

    it("keeps an absolute path", () => {
      const json = synthBackend({ type: "local", path: "/srv/terraform/dev.tfstate" });
      expect(backendOf(json).local.path).toBe("/srv/terraform/dev.tfstate");
    });
  });
});
