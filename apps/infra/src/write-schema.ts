#!/usr/bin/env node
/**
 * Writes `environments/environment.schema.json`, the JSON Schema editors use
 * to complete and check environment files. Generated from the zod schema so
 * the two never disagree (a test compares them).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { environmentSchema } from "./config/schema";

/** The JSON Schema text of an environment file (input side: defaults optional). */
export function environmentJsonSchema(): string {
  const schema = z.toJSONSchema(environmentSchema, { io: "input", unrepresentable: "any" });
  return `${JSON.stringify({ ...schema, title: "Environment", description: "One environment: one Terraform stack of Session Manager-only private instances." }, null, 2)}\n`;
}

if (require.main === module) {
  const target = path.resolve(process.argv[2] ?? path.join(__dirname, "..", "environments", "environment.schema.json"));
  fs.writeFileSync(target, environmentJsonSchema());
  process.stderr.write(`wrote ${target}\n`);
}
