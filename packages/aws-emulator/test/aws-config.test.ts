import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EMULATOR_CREDENTIALS, Landscape, writeAwsConfig } from "../src";

describe("writeAwsConfig", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-emulator-config-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, json: unknown) =>
    fs.writeFileSync(path.join(dir, "environments", `${name}.json`), JSON.stringify(json));
  const landscape = (environments: string[]) =>
    ({ ws: { root: path.join(dir, "ws") }, environments }) as unknown as Landscape;

  it("writes one profile per deploy.profile of the files, with the emulator's keys and the file's Region", () => {
    fs.mkdirSync(path.join(dir, "environments"));
    write("dev", { region: "eu-west-1", deploy: { profile: "ssm-access-dev" } });
    write("prod", { region: "eu-central-1", deploy: { profile: "ssm-access-prod" } });
    write("lab", { region: "us-east-1" });
    const file = writeAwsConfig(landscape(["dev", "prod", "lab"]), path.join(dir, "environments"));
    expect(file).toBe(path.join(dir, "ws", "aws", "config"));
    expect(fs.readFileSync(file, "utf8")).toBe(
      [
        "[profile ssm-access-dev]",
        `aws_access_key_id = ${EMULATOR_CREDENTIALS.access_key}`,
        `aws_secret_access_key = ${EMULATOR_CREDENTIALS.secret_key}`,
        "region = eu-west-1",
        "",
        "[profile ssm-access-prod]",
        `aws_access_key_id = ${EMULATOR_CREDENTIALS.access_key}`,
        `aws_secret_access_key = ${EMULATOR_CREDENTIALS.secret_key}`,
        "region = eu-central-1",
        "",
      ].join("\n"),
    );
  });
});
