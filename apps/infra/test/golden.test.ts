import * as fs from "node:fs";
import * as path from "node:path";
import { synthesize } from "../src/synth";
import { SHIPPED_ENVIRONMENTS, removeTempDirs, tempDir } from "./fixtures";
import {
  addressGuardProblem,
  formatAddressList,
  goldenMismatch,
  parseAddressList,
  readIfExists,
  updatedAddressList,
  updatingGolden,
  writeFile,
} from "./support/golden";

/**
 * The synthesized Terraform JSON of each stack, byte for byte against its
 * committed golden file, and its resource addresses against the committed
 * list (see `support/golden.ts`). Refactoring constructs and the app must
 * leave both unchanged; a deliberate change rewrites the golden files with
 * `UPDATE_GOLDEN=1` and shows up in review.
 *
 * Three sets: the shipped environments; a fixture pair of environments that
 * shares one account and Region (one owns the session logging, the other
 * refers to it); and fixtures with what neither uses (NAT per zone, endpoints
 * in the private tier, deploy credentials, other backends, features off).
 */
const GOLDEN = path.join(__dirname, "golden");

const SETS = [
  { name: "shipped", environmentsDir: SHIPPED_ENVIRONMENTS, goldenDir: path.join(GOLDEN, "shipped") },
  {
    name: "shared-preferences",
    environmentsDir: path.join(GOLDEN, "shared-preferences", "environments"),
    goldenDir: path.join(GOLDEN, "shared-preferences"),
  },
  {
    name: "edge-cases",
    environmentsDir: path.join(GOLDEN, "edge-cases", "environments"),
    goldenDir: path.join(GOLDEN, "edge-cases"),
  },
];

afterAll(removeTempDirs);

describe.each(SETS)("the $name environments", ({ environmentsDir, goldenDir }) => {
  const outdir = path.join(tempDir("ssm-access-golden-"), "cdktf.out");
  const { stacks } = synthesize({ environmentsDir, outdir });
  const update = updatingGolden();

  it("synthesize the stacks that have golden files, and no others", () => {
    const golden = fs.existsSync(goldenDir)
      ? fs
          .readdirSync(goldenDir)
          .filter((f) => f.endsWith(".cdk.tf.json"))
          .map((f) => f.slice(0, -".cdk.tf.json".length))
      : [];
    if (!update) expect([...stacks].sort()).toEqual(golden.sort());
  });

  describe.each(stacks.map((stack) => ({ stack })))("the $stack stack", ({ stack }) => {
    const synthesized = fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8");
    const goldenFile = path.join(goldenDir, `${stack}.cdk.tf.json`);
    const addressFile = path.join(goldenDir, `${stack}.addresses.txt`);

    it("keeps every committed resource address, or declares a moved block from it", () => {
      const list = readIfExists(addressFile);
      if (list === undefined && !update)
        throw new Error(`${stack}: no address list yet; write it with UPDATE_GOLDEN=1 and commit it`);
      const known = parseAddressList(list ?? "");
      const json: unknown = JSON.parse(synthesized);
      const problem = addressGuardProblem(stack, known, json);
      if (problem !== undefined) throw new Error(problem);
      if (update) writeFile(addressFile, formatAddressList(stack, updatedAddressList(known, json)));
    });

    it("synthesizes byte for byte the committed golden file", () => {
      if (update) {
        writeFile(goldenFile, synthesized);
        return;
      }
      const problem = goldenMismatch(stack, readIfExists(goldenFile), synthesized);
      if (problem !== undefined) throw new Error(problem);
    });
  });
});
