import { execFile, spawn } from "node:child_process";
import * as os from "node:os";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { processExists } from "@ssm-access/terraform-kit";
import { REGISTRY_SCOPE, Registry, startRegistry, userConfigLines } from "../src";

const execFileAsync = promisify(execFile);

/** npm with only the given user configuration: no project, no workspace, no caller's settings. */
function npm(args: string[], cwd: string, userConfig: string, token: string) {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm_|NX_|INIT_CWD$)/i.test(k)) env[k] = v;
  return execFileAsync("npm", args, {
    cwd,
    env: { ...env, NPM_CONFIG_USERCONFIG: userConfig, NODE_AUTH_TOKEN: token, NO_UPDATE_NOTIFIER: "1" },
  });
}

describe("startRegistry", () => {
  const started: Registry[] = [];
  /** A registry, and a folder for the client's files inside its own (removed with it, also on interrupt). */
  const start = async () => {
    const r = await startRegistry();
    started.push(r);
    const work = path.join(r.dir, "client");
    fs.mkdirSync(work);
    return { registry: r, work };
  };

  afterAll(async () => {
    await Promise.all(started.map((r) => r.stop()));
  });

  it("serves a package published to it with a scoped user configuration, by range, and leaves no process or folder when stopped", async () => {
    const { registry, work } = await start();
    const { url, pid, dir, storage, token } = registry;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(processExists(pid)).toBe(true);

    const userConfig = path.join(work, "npmrc");
    fs.writeFileSync(userConfig, `${userConfigLines(url).join("\n")}\n`);
    const pkg = path.join(work, "probe");
    fs.mkdirSync(pkg);
    const name = `${REGISTRY_SCOPE}/registry-probe`;
    fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name, version: "1.2.3", main: "index.js" }));
    fs.writeFileSync(path.join(pkg, "index.js"), "module.exports = 1;\n");
    await npm(["publish", "--access", "public"], pkg, userConfig, token);
    expect(fs.existsSync(path.join(storage, REGISTRY_SCOPE, "registry-probe", "registry-probe-1.2.3.tgz"))).toBe(true);

    const view = await npm(["view", `${name}@^1.0.0`, "version", "dist.tarball", "--json"], work, userConfig, token);
    expect(JSON.parse(view.stdout)).toEqual({
      version: "1.2.3",
      "dist.tarball": `${url}${name}/-/registry-probe-1.2.3.tgz`,
    });

    // Nothing outside the scope: no uplinks.
    await expect(npm(["view", "left-pad", "--registry", url], work, userConfig, token)).rejects.toThrow(
      /403 Forbidden .* not allowed to access package left-pad/,
    );

    await registry.stop();
    expect(processExists(pid)).toBe(false);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it("as a staging registry with an uplink: serves the upstream's versions, takes a publish the upstream never sees", async () => {
    const { registry: upstream, work } = await start();
    const userConfig = path.join(work, "npmrc");
    fs.writeFileSync(userConfig, `${userConfigLines(upstream.url).join("\n")}\n`);
    const name = `${REGISTRY_SCOPE}/staged-probe`;
    const publish = async (config: string, token: string, version: string) => {
      const pkg = path.join(work, `probe-${version}`);
      fs.mkdirSync(pkg);
      fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name, version, main: "index.js" }));
      fs.writeFileSync(path.join(pkg, "index.js"), "module.exports = 1;\n");
      await npm(["publish", "--access", "public"], pkg, config, token);
    };
    await publish(userConfig, upstream.token, "1.0.0");

    const staging = await startRegistry({ uplink: { url: upstream.url, token: upstream.token } });
    started.push(staging);
    expect(fs.readFileSync(path.join(staging.dir, "config.yaml"), "utf8")).not.toContain(upstream.token);
    const stagingConfig = path.join(work, "npmrc-staging");
    fs.writeFileSync(stagingConfig, `${userConfigLines(staging.url).join("\n")}\n`);
    await publish(stagingConfig, staging.token, "1.1.0");

    const versions = async (config: string, token: string) =>
      JSON.parse((await npm(["view", name, "versions", "--json"], work, config, token)).stdout) as string[];
    expect(await versions(stagingConfig, staging.token)).toEqual(["1.0.0", "1.1.0"]);
    expect(await versions(userConfig, upstream.token)).toEqual(["1.0.0"]);
    await staging.stop();
  });

  it("refuses a publish without the token", async () => {
    const { registry, work } = await start();
    const userConfig = path.join(work, "npmrc-no-token");
    fs.writeFileSync(userConfig, `${REGISTRY_SCOPE}:registry=${registry.url}\n`);
    const pkg = path.join(work, "anonymous");
    fs.mkdirSync(pkg);
    fs.writeFileSync(
      path.join(pkg, "package.json"),
      JSON.stringify({ name: `${REGISTRY_SCOPE}/anonymous`, version: "1.0.0" }),
    );
    await expect(npm(["publish"], pkg, userConfig, "")).rejects.toThrow(/E401|ENEEDAUTH|unauthorized/i);
    await registry.stop();
  });
});

describe("the verdaccio dependency", () => {
  type LockEntry = { version?: string; dependencies?: Record<string, string>; hasInstallScript?: boolean };
  const lock = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };

  /** Where npm finds `name` from the package at `from`: its own node_modules, then each parent's, as Node resolves. */
  function resolve(from: string, name: string): string | undefined {
    for (let dir = from; ; dir = dir.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, "")) {
      const candidate = `${dir ? `${dir}/` : ""}node_modules/${name}`;
      if (lock.packages[candidate]) return candidate;
      if (dir === "") return undefined;
    }
  }

  it("is pinned to 6.8.0, the last release for Node 20, and nothing it installs runs an install script", () => {
    expect(lock.packages["node_modules/verdaccio"]?.version).toBe("6.8.0");
    const seen = new Set<string>();
    const queue = ["node_modules/verdaccio"];
    while (queue.length > 0) {
      const at = queue.pop() as string;
      if (seen.has(at)) continue;
      seen.add(at);
      for (const dep of Object.keys(lock.packages[at]?.dependencies ?? {})) {
        const found = resolve(at, dep);
        if (found) queue.push(found);
      }
    }
    expect(seen.size).toBeGreaterThan(100);
    expect([...seen].filter((p) => lock.packages[p]?.hasInstallScript)).toEqual([]);
  });
});

describe("bin/serve-while-parent.js", () => {
  it("exits and removes the registry's folder once the process that started it is gone", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "serve-while-parent-"));
    try {
      // A server that would run forever, and a parent that ends after a moment.
      const server = path.join(dir, "server.js");
      fs.writeFileSync(server, "setInterval(() => undefined, 1000);\n");
      const parent = spawn("sleep", ["1"], { stdio: "ignore" });
      const watched = spawn(
        process.execPath,
        [path.join(__dirname, "..", "bin", "serve-while-parent.js"), String(parent.pid), dir, server],
        { stdio: "ignore" },
      );
      const code = await new Promise<number | null>((resolve) => watched.once("exit", (c) => resolve(c)));
      expect(code).toBe(0);
      expect(fs.existsSync(dir)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
