import { CommandResult, StepError, stepFailure, terraformErrors, transientEmulatorError } from "../src/stack-run";

const CDKTF_LOG = [
  "dev  aws_vpc.network: Creation complete after 1s [id=vpc-1]",
  "dev  ╷",
  '     │ Error: collecting instance settings: api error InvalidAMIID.Malformed: Invalid id: "resolve:ssm:/aws/x"',
  "     │ ",
  "     │   with aws_instance.instances_app_1,",
  "     │   on cdk.tf.json line 280, in resource.aws_instance.instances_app_1:",
  "     │  280:       }",
  "     ╵",
  "[2026-11-29T19:22:46.515] [ERROR] default - ╷",
  '│ Error: collecting instance settings: api error InvalidAMIID.Malformed: Invalid id: "resolve:ssm:/aws/x"',
  "│ ",
  "│   with aws_instance.instances_app_1,",
  "│   on cdk.tf.json line 280, in resource.aws_instance.instances_app_1:",
  "│  280:       }",
  "╵",
  "dev  ╷",
  "     │ Error: Plugin did not respond",
  "     │   with aws_ssm_association.maintenance_agent_update,",
  "     ╵",
].join("\n");

describe("terraformErrors", () => {
  it("returns each Terraform error once, with the resource it names, from cdktf's prefixed output", () => {
    const errors = terraformErrors(CDKTF_LOG);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^collecting instance settings: .*InvalidAMIID\.Malformed/);
    expect(errors[0]).toContain("with aws_instance.instances_app_1,");
    expect(errors[1]).toBe("Plugin did not respond\n    with aws_ssm_association.maintenance_agent_update,");
  });

  it("finds nothing in a clean log", () => {
    expect(terraformErrors("Apply complete! Resources: 3 added, 0 changed, 0 destroyed.")).toEqual([]);
  });
});

describe("stepFailure", () => {
  const result = (output: string, code = 1): CommandResult => ({
    args: [],
    code,
    signal: null,
    stdout: output,
    stderr: "",
    output,
    logFile: "/logs/dev-deploy.log",
    durationMs: 1,
  });

  it("lists the Terraform errors of the output, with the log file", () => {
    const error = stepFailure("dev", "deploy", result(CDKTF_LOG));
    expect(error).toBeInstanceOf(StepError);
    expect(error.message).toMatch(/^dev: deploy failed\n {2}- collecting instance settings: /);
    expect(error.message).toContain("  - Plugin did not respond");
    expect(error.message).toMatch(/\(full log: \/logs\/dev-deploy\.log\)$/);
  });

  it("shows the exit code and the last lines when the output has no Terraform error", () => {
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n");
    const error = stepFailure("dev", "synth", result(lines, 2));
    expect(error.details).toBe(
      `  exit 2; last lines:\n${Array.from({ length: 15 }, (_, i) => `    line ${i + 5}`).join("\n")}`,
    );
  });
});

const DESTROY_LOG = [
  "prod  aws_launch_template.instances_app_2_launch_template: Destruction complete after 0s",
  "prod  Error: deleting EC2 Launch Template (lt-7d6ed40b87c5722ea): operation error EC2: DeleteLaunchTemplate, https response error StatusCode: 400, api error InvalidLaunchTemplateName.NotFoundException: At least one of the launch templates specified in the request does not exist.",
  "",
  "Invoking Terraform CLI failed with exit code 1",
].join("\n");

describe("transientEmulatorError", () => {
  it("reads cdktf's unboxed error lines", () => {
    expect(terraformErrors(DESTROY_LOG)).toEqual([
      expect.stringMatching(/^deleting EC2 Launch Template \(lt-7d6ed40b87c5722ea\)/),
    ]);
  });

  it("names a run whose every error is a listed emulator transient error", () => {
    expect(transientEmulatorError(DESTROY_LOG)).toMatch(/InvalidLaunchTemplateName\.NotFoundException/);
  });

  it("does not excuse a run with any other error, nor a run without errors", () => {
    expect(transientEmulatorError(`${DESTROY_LOG}\n${CDKTF_LOG}`)).toBeUndefined();
    expect(transientEmulatorError(CDKTF_LOG)).toBeUndefined();
    expect(transientEmulatorError("exit 1")).toBeUndefined();
  });
});
