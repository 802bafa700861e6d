import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError, memoryIo } from "@ssm-access/terraform-kit";
import { CliDeps, main, parseCommand } from "../src/cli";
import type { OutputsSource, StackOutputs } from "../src/outputs";
import {
  DEV_OUTPUTS,
  DEV_STACK,
  INSTALLED,
  INSTANCE_ID,
  World,
  fakeClients,
  fakeTools,
  healthyWorld,
  notImplemented,
} from "./support";

/** An app folder of its own: `cdktf.json`, the environment file of dev, and dev's synthesized stack. */
let APP: string;

beforeEach(() => {
  APP = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "session-doctor-app-")));
  fs.writeFileSync(path.join(APP, "cdktf.json"), JSON.stringify({ app: "node main.js" }));
  fs.mkdirSync(path.join(APP, "environments"));
  fs.writeFileSync(path.join(APP, "environments", "dev.json"), "{}");
  fs.mkdirSync(path.join(APP, "cdktf.out", "stacks", "dev"), { recursive: true });
  fs.writeFileSync(path.join(APP, "cdktf.out", "stacks", "dev", "cdk.tf.json"), JSON.stringify(DEV_STACK));
});

afterEach(() => {
  fs.rmSync(APP, { recursive: true, force: true });
});

const capture = memoryIo;

function deps(world: World = healthyWorld(), extra: Partial<CliDeps> = {}): CliDeps & { spawned: string[][] } {
  const spawned: string[][] = [];
  const outputs: OutputsSource = { read: async (): Promise<StackOutputs> => DEV_OUTPUTS };
  return {
    cwd: APP,
    outputs,
    clients: () => fakeClients(world),
    tools: fakeTools(INSTALLED),
    spawn: async (command, args) => {
      spawned.push([command, ...args]);
      return 0;
    },
    ...extra,
    spawned,
  };
}

describe("command line", () => {
  describe("parsing", () => {
    it("reads connect with its options, paths from the app folder", () => {
      expect(parseCommand(["connect", "--stack=dev", "--instance=app-1", "--port=8080:18080", "--print"], APP)).toEqual(
        {
          command: "connect",
          stack: "dev",
          instance: "app-1",
          forwarding: { kind: "port", port: 8080, localPort: 18080 },
          print: true,
          appDir: APP,
          environmentsDir: path.join(APP, "environments"),
          environmentFile: path.join(APP, "environments", "dev.json"),
        },
      );
    });

    it("reads doctor with --json and --environments-dir", () => {
      fs.mkdirSync(path.join(APP, "envs"));
      fs.writeFileSync(path.join(APP, "envs", "prod.json"), "{}");
      const sub = path.join(APP, "cdktf.out");
      expect(parseCommand(["doctor", "--stack", "prod", "--json", "--environments-dir=../envs"], sub)).toMatchObject({
        command: "doctor",
        stack: "prod",
        json: true,
        appDir: APP,
        environmentsDir: path.join(APP, "envs"),
      });
    });

    it.each([
      [[], /a command is required: connect, doctor/],
      [["ssh", "--stack=dev"], /unknown command "ssh"/],
      [["connect"], /--stack=<env> is required/],
      [
        ["connect", "--stack=staging"],
        /--stack=staging: there is no environment file .*staging\.json; environments: dev$/,
      ],
      [["connect", "--stack=Dev"], /not an environment name/],
      [["connect", "--stack=dev", "--json"], /--json is an option of doctor/],
      [["doctor", "--stack=dev", "--port=8080"], /--port is an option of connect/],
      [["connect", "--stack=dev", "--port=8080", "--remote-host=db:5432"], /exclude each other/],
      [["connect", "--stack=dev", "--port=ssh"], /--port "ssh" is not a TCP port/],
      [["connect", "--stack=dev", "--target=i-1"], /Unknown option '--target'/],
      [["connect", "--stack=dev", "extra"], /unexpected argument "extra"/],
    ])("refuses %j", (argv, message) => {
      expect(() => parseCommand(argv, APP)).toThrow(UsageError);
      expect(() => parseCommand(argv, APP)).toThrow(message);
    });

    it("exits 64 with the usage on a wrong command line", async () => {
      const c = capture();
      expect(await main(["connect"], c.io, deps())).toBe(64);
      expect(c.err()).toMatch(/^session-doctor: --stack=<env> is required\nUsage:/);
    });
  });

  describe("connect", () => {
    it("--print prints the command and checks nothing", async () => {
      const c = capture();
      const world = healthyWorld();
      const d = deps(world, { tools: fakeTools({}) });
      expect(await main(["connect", "--stack=dev", "--port=8080", "--print"], c.io, d)).toBe(0);
      expect(c.out()).toBe(
        `aws ssm start-session --target ${INSTANCE_ID} --region eu-west-1 --document-name ssm-access-dev-forward-8080 --parameters localPortNumber=8080\n`,
      );
      expect(world.calls).toEqual([]);
      expect(d.spawned).toEqual([]);
    });

    it("runs the session with the terminal and returns its exit code", async () => {
      const c = capture();
      const d = deps(healthyWorld(), { spawn: async () => 130 });
      expect(await main(["connect", "--stack=dev"], c.io, d)).toBe(130);
      expect(c.err()).toMatch(
        /starting a shell on app-1 .* with SSM-SessionManagerRunShell: aws ssm start-session --target i-0123456789abcdef0 --region eu-west-1/,
      );
    });

    it("spawns aws ssm start-session with the shell document's arguments", async () => {
      const d = deps();
      expect(await main(["connect", "--stack=dev", "--instance=app-1"], capture().io, d)).toBe(0);
      expect(d.spawned).toEqual([["aws", "ssm", "start-session", "--target", INSTANCE_ID, "--region", "eu-west-1"]]);
    });

    it("refuses to start without the plugin, saying so plainly with the check that failed", async () => {
      const c = capture();
      const d = deps(healthyWorld(), { tools: fakeTools({ aws: INSTALLED.aws }) });
      expect(await main(["connect", "--stack=dev"], c.io, d)).toBe(1);
      expect(c.err()).toMatch(/cannot start a shell on app-1/);
      expect(c.err()).toMatch(
        /✖ session-manager-plugin: `session-manager-plugin --version` failed: session-manager-plugin is not on PATH\. Fix: install the Session Manager plugin \(AWS docs "Install the Session Manager plugin for the AWS CLI"/,
      );
      expect(d.spawned).toEqual([]);
    });

    it("refuses credentials of another account, naming both accounts", async () => {
      const c = capture();
      const world = healthyWorld();
      world.caller = {
        ...world.caller,
        Account: "222222222222",
        Arn: "arn:aws:sts::222222222222:assumed-role/Admin/alice",
      };
      expect(await main(["connect", "--stack=dev"], c.io, deps(world))).toBe(1);
      expect(c.err()).toMatch(
        /✖ credentials-account: dev lives in account 111111111111 \(the account_id output of .*cdk\.tf\.json\), but the credentials are for account 222222222222 \(arn:aws:sts::222222222222:assumed-role\/Admin\/alice\)/,
      );
    });

    it("refuses a port the environment does not forward, exit 1", async () => {
      const c = capture();
      expect(await main(["connect", "--stack=dev", "--port=5432"], c.io, deps())).toBe(1);
      expect(c.err()).toMatch(/session-doctor: dev does not forward port 5432; it forwards 8080/);
    });

    it("refuses an instance name the file does not have, exit 1", async () => {
      const c = capture();
      expect(await main(["connect", "--stack=dev", "--instance=web-1"], c.io, deps())).toBe(1);
      expect(c.err()).toMatch(/dev has no instance "web-1" \(instances in .*cdk\.tf\.json: app-1\)/);
    });
  });

  describe("doctor", () => {
    it("exits 0 when every check is ✔", async () => {
      const c = capture();
      expect(await main(["doctor", "--stack=dev"], c.io, deps())).toBe(0);
      expect(c.out()).toMatch(/14 checks: 14 ✔, 0 ✖, 0 \?\n$/);
    });

    it("exits 1 on a ✖ and 2 on a ? alone", async () => {
      const broken = healthyWorld();
      broken.attachedPolicies = {};
      expect(await main(["doctor", "--stack=dev"], capture().io, deps(broken))).toBe(1);
      const unanswered = healthyWorld();
      unanswered.failures.describeInstanceInformation = notImplemented();
      expect(await main(["doctor", "--stack=dev"], capture().io, deps(unanswered))).toBe(2);
    });

    it("--json prints the array of checks", async () => {
      const c = capture();
      await main(["doctor", "--stack=dev", "--json"], c.io, deps());
      const json = JSON.parse(c.out()) as Array<Record<string, unknown>>;
      expect(json.map((x) => x.id)).toEqual(expect.arrayContaining(["aws-cli", "endpoint-dns", "operator-permission"]));
      expect(json.every((x) => ["pass", "fail", "unknown"].includes(String(x.status)))).toBe(true);
    });

    it("exits 3 when it cannot run (no outputs)", async () => {
      const c = capture();
      const outputs: OutputsSource = {
        read: async () => Promise.reject(new Error("dev has no outputs in its state: deploy it first")),
      };
      expect(await main(["doctor", "--stack=dev"], c.io, deps(healthyWorld(), { outputs }))).toBe(3);
      expect(c.err()).toBe("session-doctor: dev has no outputs in its state: deploy it first");
    });

    it("exits 64 for an environment without a file, listing those there are", async () => {
      const c = capture();
      expect(await main(["doctor", "--stack=staging"], c.io, deps())).toBe(64);
      expect(c.err()).toMatch(
        /^session-doctor: --stack=staging: there is no environment file environments\/staging\.json; environments: dev\nUsage:/,
      );
    });

    it("exits 3 when the stack was never synthesized, saying what to run", async () => {
      fs.rmSync(path.join(APP, "cdktf.out"), { recursive: true });
      const c = capture();
      expect(await main(["doctor", "--stack=dev"], c.io, deps())).toBe(3);
      expect(c.err()).toMatch(/cdk\.tf\.json is missing: synthesize the app \(npm run synth\) and deploy dev/);
    });
  });
});
