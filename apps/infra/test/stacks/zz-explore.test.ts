import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, Testing } from "cdktf";
import { environmentSchema } from "../../src/config/schema";
import { EnvironmentStack } from "../../src/stacks/environment-stack";
import { StateBootstrapStack } from "../../src/stacks/state-bootstrap-stack";
import { validEnvironment } from "../fixtures";
const app = () => new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "x-")), stackTraces: false });
const env = (name: string, o: any) => ({ name, file: `environments/${name}.json`, config: environmentSchema.parse(validEnvironment(o)) });
it("x", () => {
  for (const o of [{ network: { cidr: "8.8.8.0/24", availabilityZones: ["eu-west-1a"] } }, { instances: [{ name: "a", tier: "private" }] }, { sessionLogging: { retentionInDays: 7777 } }]) {
    try { new EnvironmentStack(app(), env("qa", o)); console.log("no throw"); } catch (e: any) { console.log(e.name, e.subject, e.message); }
  }
  const b = new StateBootstrapStack(app(), [env("qa", {})], "p");
  console.log(Testing.synth(b));
  const b2 = new StateBootstrapStack(app(), [env("a", { backend: { type: "s3", bucket: "bkt-one", dynamodbTable: "locks" } }), env("b", { backend: { type: "s3", bucket: "bkt-two", dynamodbTable: "locks" } })], "p");
  console.log(Object.keys(JSON.parse(Testing.synth(b2)).resource.aws_dynamodb_table));
  const b3 = new StateBootstrapStack(app(), [env("a", { backend: { type: "s3", bucket: "bkt.one" } }), env("b", { backend: { type: "s3", bucket: "bkt-one" } })], "p");
  console.log(Object.keys(JSON.parse(Testing.synth(b3)).resource.aws_s3_bucket));
});
