import * as fs from "node:fs";
import * as path from "node:path";
import { environmentJsonSchema } from "../src/write-schema";

describe("environment.schema.json", () => {
  const committed = fs.readFileSync(path.join(__dirname, "..", "environments", "environment.schema.json"), "utf8");
  const schema = JSON.parse(committed);

  it("is the one generated from the zod schema (run `npx nx run infra:schema` after changing it)", () => {
    expect(committed).toBe(environmentJsonSchema());
  });

  it("rejects unknown fields and requires the essentials, so editors flag what synth would", () => {
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(["accountId", "region", "network", "instances", "backend"]));
  });

  it("is referenced by the shipped environment files", () => {
    for (const file of ["dev.json", "prod.json"]) {
      const env = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "environments", file), "utf8"));
      expect(env.$schema).toBe("./environment.schema.json");
    }
  });
});
