import { checkAwsCli, checkSessionManagerPlugin } from "../src/local-tools";
import { INSTALLED, fakeTools } from "./support";

describe("local tools", () => {
  it("passes with the AWS CLI v2 and the plugin installed", async () => {
    const tools = fakeTools(INSTALLED);
    expect(await checkAwsCli(tools)).toMatchObject({
      status: "pass",
      evidence: expect.stringMatching(/^aws-cli\/2\.17\.20/),
    });
    expect(await checkSessionManagerPlugin(tools)).toMatchObject({
      status: "pass",
      evidence: "session-manager-plugin 1.2.707.0",
    });
    expect(tools.calls).toEqual(["aws --version", "session-manager-plugin --version"]);
  });

  it("says plainly that the plugin is missing, with the check that failed and the AWS docs page", async () => {
    const result = await checkSessionManagerPlugin(fakeTools({}));
    expect(result.status).toBe("fail");
    expect(result.evidence).toBe("`session-manager-plugin --version` failed: session-manager-plugin is not on PATH");
    expect(result.fix).toMatch(/Install the Session Manager plugin for the AWS CLI/);
    expect(result.fix).toMatch(/session-manager-working-with-install-plugin\.html/);
  });

  it("says plainly that the AWS CLI is missing", async () => {
    const result = await checkAwsCli(fakeTools({}));
    expect(result).toMatchObject({ status: "fail", evidence: "`aws --version` failed: aws is not on PATH" });
    expect(result.fix).toMatch(/install the AWS CLI version 2/);
  });

  it("refuses the AWS CLI v1, saying which version it found", async () => {
    const result = await checkAwsCli(
      fakeTools({ aws: { stdout: "aws-cli/1.45.11 Python/3.11.7 Linux/6.1 botocore/1.43.11\n" } }),
    );
    expect(result).toMatchObject({
      status: "fail",
      evidence: "`aws --version` says aws-cli/1.45.11 Python/3.11.7 Linux/6.1 botocore/1.43.11, not aws-cli/2.",
    });
  });

  it("reports a plugin that fails to run with its exit code and output", async () => {
    const result = await checkSessionManagerPlugin(
      fakeTools({ "session-manager-plugin": { code: 1, stderr: "cannot execute binary file\n" } }),
    );
    expect(result.evidence).toBe("`session-manager-plugin --version` failed: exit 1: cannot execute binary file");
  });

  it("cannot tell from output that names no AWS CLI", async () => {
    expect((await checkAwsCli(fakeTools({ aws: { stdout: "hello\n" } }))).status).toBe("unknown");
  });
});
