import { parsePortOption, parseRemoteHostOption, shellLine, startSessionCommand } from "../src/start-session";
import { DEV_OUTPUTS, INSTANCE_ID, devEnv } from "./support";

const instance = { name: "app-1", id: INSTANCE_ID };

describe("the start-session command", () => {
  it("opens a shell with the default document on the instance, in the environment's region", () => {
    const c = startSessionCommand(devEnv(), DEV_OUTPUTS, instance);
    expect(c.args).toEqual(["ssm", "start-session", "--target", INSTANCE_ID, "--region", "eu-west-1"]);
    expect(c.document).toBe("SSM-SessionManagerRunShell");
    expect(shellLine(c)).toBe(`aws ssm start-session --target ${INSTANCE_ID} --region eu-west-1`);
  });

  it("forwards a port with the environment's pinned Port document and the local port", () => {
    const c = startSessionCommand(devEnv(), DEV_OUTPUTS, instance, parsePortOption("8080:18080"));
    expect(c.args).toEqual([
      "ssm",
      "start-session",
      "--target",
      INSTANCE_ID,
      "--region",
      "eu-west-1",
      "--document-name",
      "ssm-access-dev-forward-8080",
      "--parameters",
      "localPortNumber=18080",
    ]);
    expect(c.description).toBe(`local port 18080 forwarded to port 8080 of app-1 (${INSTANCE_ID})`);
  });

  it("uses the same local port when none is given", () => {
    expect(startSessionCommand(devEnv(), DEV_OUTPUTS, instance, parsePortOption("8080")).args).toContain(
      "localPortNumber=8080",
    );
  });

  it("refuses a port the environment does not forward, listing the ones it does", () => {
    expect(() => startSessionCommand(devEnv(), DEV_OUTPUTS, instance, parsePortOption("5432"))).toThrow(
      "dev does not forward port 5432; it forwards 8080 (operatorAccess.portForwarding in apps/infra/environments/dev.json)",
    );
  });

  it("refuses any port when the environment forwards none", () => {
    const env = devEnv((j) => {
      delete j.output.port_forwarding_documents;
    });
    expect(() => startSessionCommand(env, DEV_OUTPUTS, instance, parsePortOption("8080"))).toThrow(
      /dev forwards no port of its instances .*add the port there and deploy/,
    );
  });

  it("says to deploy when the synthesized stack allows a port the deployed stack has no document for", () => {
    const env = devEnv((j) => {
      j.output.port_forwarding_documents.value = {
        "8080": "ssm-access-dev-forward-8080",
        "9090": "ssm-access-dev-forward-9090",
      };
    });
    expect(() => startSessionCommand(env, DEV_OUTPUTS, instance, parsePortOption("9090"))).toThrow(
      /9090 is allowed .* no document for it .*infra:deploy --stack=dev/,
    );
  });

  describe("remote hosts", () => {
    const env = devEnv((j) => {
      j.output.port_forwarding_documents.value = {
        "8080": "ssm-access-dev-forward-8080",
        "db.internal:5432": "ssm-access-dev-forward-db.internal-5432",
      };
    });
    const outputs = {
      ...DEV_OUTPUTS,
      port_forwarding_documents: {
        "8080": "ssm-access-dev-forward-8080",
        "db.internal:5432": "ssm-access-dev-forward-db.internal-5432",
      },
    };

    it("forwards to an allowed host and port with its pinned document", () => {
      const c = startSessionCommand(env, outputs, instance, parseRemoteHostOption("DB.internal:5432:15432"));
      expect(c.args.slice(-4)).toEqual([
        "--document-name",
        "ssm-access-dev-forward-db.internal-5432",
        "--parameters",
        "localPortNumber=15432",
      ]);
    });

    it("refuses a host or port the environment does not allow, listing what it does", () => {
      expect(() => startSessionCommand(env, outputs, instance, parseRemoteHostOption("db.internal:3306"))).toThrow(
        "dev does not forward to db.internal:3306; it forwards to db.internal:5432 (operatorAccess.portForwarding in apps/infra/environments/dev.json)",
      );
      expect(() =>
        startSessionCommand(devEnv(), DEV_OUTPUTS, instance, parseRemoteHostOption("db.internal:5432")),
      ).toThrow(/dev forwards to no remote host/);
    });
  });

  it.each(["0", "70000", "http", "8080:x", "1:2:3"])("refuses --port=%s", (value) => {
    expect(() => parsePortOption(value)).toThrow(/--port/);
  });

  it("lets the plugin choose the local port with 0", () => {
    expect(parsePortOption("8080:0")).toEqual({ kind: "port", port: 8080, localPort: 0 });
  });

  it("quotes arguments for a shell only where needed", () => {
    expect(shellLine({ command: "aws", args: ["--parameters", "a b", "it's"] })).toBe(
      `aws --parameters 'a b' 'it'\\''s'`,
    );
  });
});
