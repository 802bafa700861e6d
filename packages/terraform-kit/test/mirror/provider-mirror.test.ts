import * as fs from "node:fs";
import * as path from "node:path";
import {
  currentPlatform,
  defaultMirrorCandidates,
  findProviderMirror,
  ProviderMirrorError,
  providerVersionsIn,
} from "../../src/mirror/provider-mirror";
import { tempDir } from "../support/fixtures";

const linux = { os: "linux", arch: "amd64" };

/** Host directory of the fake mirrors; discovery does not depend on its name. */
const HOST = "providers.example.test";

/** Creates `<root>/<host>/hashicorp/aws/<version>/<platform>/` with a fake binary. */
function unpackedMirror(root: string, version = "5.100.0", platform = "linux_amd64", host = HOST): string {
  const dir = path.join(root, host, "hashicorp", "aws", version, platform);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `terraform-provider-aws_v${version}_x5`), "");
  return root;
}

describe("provider mirror", () => {
  let base: string;
  beforeEach(() => {
    base = tempDir("mirror");
  });
  afterEach(() => {
    fs.rmSync(base, { recursive: true, force: true });
  });

  describe("providerVersionsIn", () => {
    it("lists the versions of an unpacked mirror for the platform only", () => {
      const root = unpackedMirror(path.join(base, "m"), "5.100.0");
      unpackedMirror(root, "5.99.0");
      unpackedMirror(root, "6.0.0", "darwin_arm64");
      expect(providerVersionsIn(root, linux)).toEqual(["5.100.0", "5.99.0"]);
    });

    it("reads the packed layout's zip names", () => {
      const dir = path.join(base, "p", HOST, "hashicorp", "aws");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "terraform-provider-aws_5.100.0_linux_amd64.zip"), "");
      fs.writeFileSync(path.join(dir, "terraform-provider-aws_5.100.0_windows_amd64.zip"), "");
      expect(providerVersionsIn(path.join(base, "p"), linux)).toEqual(["5.100.0"]);
    });

    it("finds the provider under a host directory of any name", () => {
      const root = unpackedMirror(path.join(base, "any"), "5.100.0", "linux_amd64", "mirror.internal.example");
      unpackedMirror(root, "5.99.0", "linux_amd64", "another-host");
      expect(providerVersionsIn(root, linux)).toEqual(["5.100.0", "5.99.0"]);
      expect(findProviderMirror({ candidates: [root], platform: linux })).toEqual({
        path: root,
        versions: ["5.100.0", "5.99.0"],
        source: "search",
      });
    });

    it("does not take the host directory itself, or a deeper one, as the mirror root", () => {
      const root = unpackedMirror(path.join(base, "r"));
      expect(providerVersionsIn(path.join(root, HOST), linux)).toEqual([]);
      unpackedMirror(path.join(base, "deep", "extra"));
      expect(providerVersionsIn(path.join(base, "deep"), linux)).toEqual([]);
    });

    it("finds nothing in a missing directory", () => {
      expect(providerVersionsIn(path.join(base, "absent"), linux)).toEqual([]);
    });
  });

  describe("findProviderMirror", () => {
    it("takes TF_PROVIDER_MIRROR before any candidate", () => {
      const fromEnv = unpackedMirror(path.join(base, "env"));
      const candidate = unpackedMirror(path.join(base, "candidate"));
      expect(findProviderMirror({ envValue: fromEnv, candidates: [candidate], platform: linux })).toEqual({
        path: fromEnv,
        versions: ["5.100.0"],
        source: "env",
      });
    });

    it("fails when TF_PROVIDER_MIRROR holds no AWS provider, even if a candidate does", () => {
      const empty = path.join(base, "empty");
      fs.mkdirSync(empty);
      const candidate = unpackedMirror(path.join(base, "candidate"));
      const search = { envValue: empty, candidates: [candidate], platform: linux };
      expect(() => findProviderMirror(search)).toThrow(ProviderMirrorError);
      expect(() => findProviderMirror(search)).toThrow(
        /TF_PROVIDER_MIRROR=.*empty holds no AWS provider for linux_amd64/,
      );
      expect(() => findProviderMirror(search)).toThrow(
        /expected .*empty\/<host>\/hashicorp\/aws\/<version>\/linux_amd64\//,
      );
    });

    it("fails when TF_PROVIDER_MIRROR holds the provider for another platform only", () => {
      const other = unpackedMirror(path.join(base, "other"), "5.100.0", "darwin_arm64");
      expect(() => findProviderMirror({ envValue: other, candidates: [], platform: linux })).toThrow(
        /holds no AWS provider/,
      );
    });

    it("treats an empty TF_PROVIDER_MIRROR as not set", () => {
      const candidate = unpackedMirror(path.join(base, "candidate"));
      expect(findProviderMirror({ envValue: "", candidates: [candidate], platform: linux })?.source).toBe("search");
    });

    it("returns the first candidate that holds the provider", () => {
      const first = path.join(base, "first");
      fs.mkdirSync(first);
      const second = unpackedMirror(path.join(base, "second"));
      const third = unpackedMirror(path.join(base, "third"));
      expect(findProviderMirror({ candidates: [first, second, third], platform: linux })).toEqual({
        path: second,
        versions: ["5.100.0"],
        source: "search",
      });
    });

    it("returns undefined when no candidate holds the provider, so Terraform installs directly", () => {
      const empty = path.join(base, "empty");
      fs.mkdirSync(empty);
      expect(findProviderMirror({ candidates: [empty, path.join(base, "absent")], platform: linux })).toBeUndefined();
    });
  });

  describe("defaultMirrorCandidates", () => {
    it("lists Terraform's implied mirror directories, then every direct child of the scan directory", () => {
      const home = path.join(base, "home");
      const scanDir = path.join(base, "opt");
      fs.mkdirSync(path.join(scanDir, "tools"), { recursive: true });
      fs.mkdirSync(path.join(scanDir, "plugins"));
      fs.writeFileSync(path.join(scanDir, "notes.txt"), "");
      const candidates = defaultMirrorCandidates({ env: { XDG_DATA_HOME: path.join(base, "data") }, home, scanDir });
      expect(candidates).toEqual([
        path.join(home, ".terraform.d", "plugins"),
        path.join(base, "data", "terraform", "plugins"),
        "/usr/local/share/terraform/plugins",
        "/usr/share/terraform/plugins",
        path.join(scanDir, "plugins"),
        path.join(scanDir, "tools"),
      ]);
    });

    it("finds a mirror one level below the scan directory but not deeper", () => {
      const scanDir = path.join(base, "opt");
      unpackedMirror(path.join(scanDir, "deep", "nested"));
      const shallow = unpackedMirror(path.join(scanDir, "tf-mirror"));
      const candidates = defaultMirrorCandidates({ env: {}, home: path.join(base, "home"), scanDir });
      expect(findProviderMirror({ candidates, platform: linux })?.path).toBe(shallow);
    });
  });

  describe("currentPlatform", () => {
    it("uses Terraform's architecture names", () => {
      expect(currentPlatform().arch).not.toBe("x64");
      expect(currentPlatform().os).not.toBe("win32");
    });
  });
});
