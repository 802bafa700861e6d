import { selectInstance } from "../src/instance-selection";
import { DEV_OUTPUTS, INSTANCE_ID, devEnv } from "./support";

describe("instance selection by name", () => {
  const two = devEnv((j) => {
    j.instances = [{ name: "app-1" }, { name: "db-1" }];
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

  it("refuses a name the environment file does not have, listing the ones it has", () => {
    expect(() => selectInstance(two, outputs, "web-1")).toThrow(
      'dev has no instance "web-1" (instances in apps/infra/environments/dev.json: app-1, db-1)',
    );
  });

  it("never takes an instance id for a name", () => {
    expect(() => selectInstance(two, outputs, "i-db")).toThrow(/has no instance "i-db"/);
  });

  it("says to deploy when the file names an instance the stack does not have yet", () => {
    expect(() => selectInstance(two, DEV_OUTPUTS, "db-1")).toThrow(
      "db-1 is in apps/infra/environments/dev.json but not in the stack's outputs (instance_ids): deploy it first (npx nx run infra:deploy --stack=dev)",
    );
  });
});
