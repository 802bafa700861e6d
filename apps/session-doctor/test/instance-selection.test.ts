import { selectInstance } from "../src/instance-selection";
import { DEV_OUTPUTS, INSTANCE_ID, devEnv } from "./support";

describe("instance selection by name", () => {
  const two = devEnv((j) => {
    j.output.instance_ids.value = {
      "app-1": "${aws_instance.instances_app_1.id}",
      "db-1": "${aws_instance.instances_db_1.id}",
    };
  });
  const outputs = { ...DEV_OUTPUTS, instance_ids: { "app-1": INSTANCE_ID, "db-1": "i-db" } };

  it("takes the only instance when none is named", () => {
    expect(selectInstance(devEnv(), DEV_OUTPUTS)).toEqual({ name: "app-1", id: INSTANCE_ID });
  });

  it("takes the named instance's id from the outputs", () => {
    expect(selectInstance(two, outputs, "db-1")).toEqual({ name: "db-1", id: "i-db" });
  });

  it("asks for a name, listing them, when there are several", () => {
    expect(() => selectInstance(two, outputs)).toThrow(
      "dev has 2 instances (app-1, db-1): choose one with --instance=<name>",
    );
  });

  it("refuses a name the stack does not have, listing the ones it has", () => {
    expect(() => selectInstance(two, outputs, "web-1")).toThrow(
      'dev has no instance "web-1" (instances in apps/infra/cdktf.out/stacks/dev/cdk.tf.json: app-1, db-1)',
    );
  });

  it("never takes an instance id for a name", () => {
    expect(() => selectInstance(two, outputs, "i-db")).toThrow(/has no instance "i-db"/);
  });

  it("says to deploy when the synthesized stack has an instance the deployed one does not have yet", () => {
    expect(() => selectInstance(two, DEV_OUTPUTS, "db-1")).toThrow(
      "db-1 is in apps/infra/cdktf.out/stacks/dev/cdk.tf.json but not in the deployed stack's outputs (instance_ids): deploy it first (npx nx run infra:deploy --stack=dev)",
    );
  });
});
