import * as fs from "node:fs";
import * as path from "node:path";
import {
  clearInitStamp,
  hasInstalledProviders,
  missingProviderPackages,
  initDecision,
  initFingerprint,
  readInitStamp,
  writeInitStamp,
} from "../../src/checks/init-cache";
import { tempDir, vpcStack } from "../support/fixtures";

describe("init cache", () => {
  describe("initFingerprint", () => {
    const base = initFingerprint(vpcStack(), "1.11.4");

    it("ignores resources and key order", () => {
      const reordered = {
        resource: { aws_vpc: { other: { cidr_block: "10.99.0.0/16" } } },
        terraform: { required_providers: { aws: { version: "5.100.0", source: "aws" } } },
      };
      expect(initFingerprint(reordered, "1.11.4")).toBe(base);
    });

    it("changes with the provider requirements", () => {
      const json = vpcStack();
      const changed = { ...json, terraform: { required_providers: { aws: { source: "aws", version: "5.99.0" } } } };
      expect(initFingerprint(changed, "1.11.4")).not.toBe(base);
    });

    it("changes with the module sources and with the Terraform version", () => {
      expect(initFingerprint(vpcStack({ extra: { module: { m: { source: "./m" } } } }), "1.11.4")).not.toBe(base);
      expect(initFingerprint(vpcStack(), "1.12.0")).not.toBe(base);
    });
  });

  describe("initDecision", () => {
    const stamp = { fingerprint: "abc", localBackend: false };

    it.each([
      ["nothing is installed", stamp, { fingerprint: "abc", localBackend: false, installed: false }, true, false],
      ["there is no stamp", undefined, { fingerprint: "abc", localBackend: false, installed: true }, true, true],
      ["the requirements changed", stamp, { fingerprint: "def", localBackend: false, installed: true }, true, true],
      [
        "a plan needs the local backend first",
        stamp,
        { fingerprint: "abc", localBackend: true, installed: true },
        true,
        false,
      ],
    ])("runs init when %s", (_case, previous, needs, init, upgrade) => {
      expect(initDecision(previous, needs)).toMatchObject({ init, upgrade });
    });

    it("skips init when the requirements are unchanged", () => {
      expect(initDecision(stamp, { fingerprint: "abc", localBackend: false, installed: true })).toEqual({
        init: false,
        upgrade: false,
        reason: "provider requirements unchanged",
      });
    });

    it("skips init for validate after a plan configured the local backend", () => {
      const planned = { fingerprint: "abc", localBackend: true };
      expect(initDecision(planned, { fingerprint: "abc", localBackend: false, installed: true }).init).toBe(false);
      expect(initDecision(planned, { fingerprint: "abc", localBackend: true, installed: true }).init).toBe(false);
    });
  });

  describe("stamp file", () => {
    it("round-trips, is cleared, and ignores garbage", () => {
      const dir = tempDir("stamp");
      expect(readInitStamp(dir)).toBeUndefined();
      writeInitStamp(dir, { fingerprint: "abc", localBackend: true });
      expect(readInitStamp(dir)).toEqual({ fingerprint: "abc", localBackend: true });
      clearInitStamp(dir);
      expect(readInitStamp(dir)).toBeUndefined();
      fs.writeFileSync(path.join(dir, ".terraform-check-init.json"), '{"fingerprint": 1}');
      expect(readInitStamp(dir)).toBeUndefined();
    });

    it("sees installed providers only with both .terraform/ and the lock file", () => {
      const dir = tempDir("installed");
      fs.mkdirSync(path.join(dir, ".terraform"));
      expect(hasInstalledProviders(dir)).toBe(false);
      fs.writeFileSync(path.join(dir, ".terraform.lock.hcl"), "");
      expect(hasInstalledProviders(dir)).toBe(true);
    });

    it("sees a provider linked from a removed plugin cache as not installed, so init runs again", () => {
      const dir = tempDir("dangling");
      const cache = tempDir("cache");
      const target = path.join(cache, "registry.terraform.io", "hashicorp", "aws", "5.100.0", "linux_amd64");
      fs.mkdirSync(target, { recursive: true });
      const platforms = path.join(
        dir,
        ".terraform",
        "providers",
        "registry.terraform.io",
        "hashicorp",
        "aws",
        "5.100.0",
      );
      fs.mkdirSync(platforms, { recursive: true });
      fs.symlinkSync(target, path.join(platforms, "linux_amd64"));
      fs.writeFileSync(path.join(dir, ".terraform.lock.hcl"), "");
      expect(hasInstalledProviders(dir)).toBe(true);

      fs.rmSync(cache, { recursive: true, force: true });
      expect(missingProviderPackages(dir)).toEqual([
        path.join("registry.terraform.io", "hashicorp", "aws", "5.100.0", "linux_amd64"),
      ]);
      expect(hasInstalledProviders(dir)).toBe(false);
      expect(
        initDecision(
          { fingerprint: "f", localBackend: false },
          { fingerprint: "f", localBackend: false, installed: hasInstalledProviders(dir) },
        ),
      ).toMatchObject({ init: true });
    });
  });
});
