import { Validator } from "@ssm-access/core";
import { PortForwardingOptions } from "../src";
import {
  isDnsName,
  isIpv4Address,
  portForwardingDocumentName,
  portForwardingDocuments,
  portSessionDocumentContent,
  reservedDocumentNamePrefix,
  validatePortForwarding,
} from "../src/private/port-forwarding";

function problems(options: PortForwardingOptions, namePrefix = "ssm-dev"): string[] {
  const v = new Validator("Test", "portForwarding");
  validatePortForwarding(v, options, namePrefix, true);
  return v.issues.map((i) => `${i.path}: ${i.message}`);
}

/** The parameters and properties of the AWS-managed documents this package's documents are modelled on. */
const AWS_START_PORT_FORWARDING_SESSION = {
  schemaVersion: "1.0",
  sessionType: "Port",
  parameters: ["portNumber", "localPortNumber"],
  properties: { portNumber: "{{ portNumber }}", type: "LocalPortForwarding", localPortNumber: "{{ localPortNumber }}" },
};

describe("port forwarding documents", () => {
  describe("content", () => {
    it("is AWS-StartPortForwardingSession with portNumber fixed instead of a parameter", () => {
      const content = portSessionDocumentContent(5432);
      expect(content.schemaVersion).toBe(AWS_START_PORT_FORWARDING_SESSION.schemaVersion);
      expect(content.sessionType).toBe(AWS_START_PORT_FORWARDING_SESSION.sessionType);
      expect(Object.keys(content.parameters)).toEqual(["localPortNumber"]);
      expect(content.properties).toEqual({ ...AWS_START_PORT_FORWARDING_SESSION.properties, portNumber: "5432" });
    });

    it("is AWS-StartPortForwardingSessionToRemoteHost with host and portNumber fixed", () => {
      const content = portSessionDocumentContent(6379, "10.10.1.25");
      expect(Object.keys(content.parameters)).toEqual(["localPortNumber"]);
      expect(content.properties).toEqual({
        portNumber: "6379",
        type: "LocalPortForwarding",
        localPortNumber: "{{ localPortNumber }}",
        host: "10.10.1.25",
      });
    });

    it("lets the client choose a local port 0-65535 (0: any free port), as the AWS documents do", () => {
      const pattern = new RegExp(portSessionDocumentContent(80).parameters.localPortNumber.allowedPattern);
      for (const ok of ["0", "1", "80", "5432", "65535"]) expect(pattern.test(ok)).toBe(true);
      for (const bad of ["65536", "-1", "01", "", "80 ", "1e3"]) expect(pattern.test(bad)).toBe(false);
      expect(portSessionDocumentContent(80).parameters.localPortNumber.default).toBe("0");
    });
  });

  describe("names", () => {
    it("are <namePrefix>-forward-<port> and <namePrefix>-forward-<host>-<port>, the host in lower case", () => {
      expect(portForwardingDocumentName("ssm-dev", 5432)).toBe("ssm-dev-forward-5432");
      expect(portForwardingDocumentName("ssm-dev", 5432, "DB.Internal")).toBe("ssm-dev-forward-db.internal-5432");
    });

    it("use only characters SSM document names allow", () => {
      for (const name of [
        portForwardingDocumentName("ssm-dev", 1),
        portForwardingDocumentName("ssm-dev", 65535, "a-1.b.example.com"),
      ]) {
        expect(name).toMatch(/^[a-zA-Z0-9_.-]{3,128}$/);
      }
    });

    it("never collide between distinct forwardings", () => {
      const names = [
        portForwardingDocumentName("p", 12),
        portForwardingDocumentName("p", 2, "a-1"),
        portForwardingDocumentName("p", 12, "a"),
        portForwardingDocumentName("p", 2, "a-1-2"),
        portForwardingDocumentName("p", 22, "a-1"),
      ];
      expect(new Set(names).size).toBe(names.length);
    });

    it("list the ports first, then the remote hosts, in the order given", () => {
      expect(portForwardingDocuments("ssm-dev", { remoteHosts: [{ host: "db", port: 5432 }], ports: [8080] })).toEqual([
        { port: 8080, documentName: "ssm-dev-forward-8080" },
        { port: 5432, host: "db", documentName: "ssm-dev-forward-db-5432" },
      ]);
    });

    it("may not start with a prefix AWS reserves", () => {
      expect(reservedDocumentNamePrefix("aws-dev")).toBe("aws");
      expect(reservedDocumentNamePrefix("amazonia")).toBe("amazon");
      expect(reservedDocumentNamePrefix("amzn")).toBe("amzn");
      expect(reservedDocumentNamePrefix("ssm-aws")).toBeUndefined();
    });
  });

  describe("hosts", () => {
    it.each(["10.10.1.25", "0.0.0.0", "255.255.255.255"])("%s is an IPv4 address", (host) => {
      expect(isIpv4Address(host)).toBe(true);
    });

    it.each(["10.10.1.256", "10.10.1", "010.10.1.1", "10.10.1.1.", "::1"])("%s is no IPv4 address", (host) => {
      expect(isIpv4Address(host)).toBe(false);
    });

    it.each([
      "db",
      "localhost",
      "db.internal.example.com",
      "my-db-1.cluster-abc.eu-west-1.rds.amazonaws.com",
      "xn--bcher-kva.example",
    ])("%s is a DNS name", (host) => {
      expect(isDnsName(host)).toBe(true);
    });

    it.each([
      "",
      "db..internal",
      "-db",
      "db-",
      "db.internal.",
      "db_1.internal",
      "db internal",
      "10.10.1.256",
      `${"a".repeat(64)}.example`,
      `${"a.".repeat(127)}ab`,
    ])("%j is no DNS name", (host) => {
      expect(isDnsName(host)).toBe(false);
    });
  });

  describe("validation", () => {
    it("accepts ports and remote hosts", () => {
      expect(
        problems({
          ports: [1, 5432, 65535],
          remoteHosts: [
            { host: "db.internal", port: 5432 },
            { host: "10.0.0.1", port: 5432 },
          ],
        }),
      ).toEqual([]);
    });

    it("records every problem with its path relative to the validator", () => {
      expect(
        problems({
          ports: [22, 22, 70000],
          remoteHosts: [
            { host: "a b", port: 1 },
            { host: "db", port: 22 },
          ],
        }),
      ).toEqual([
        "portForwarding.ports[0]: 22 is SSH: a forwarded SSH port is a shell that no session log records; use a Session Manager shell instead",
        "portForwarding.ports[1]: 22 is SSH: a forwarded SSH port is a shell that no session log records; use a Session Manager shell instead",
        "portForwarding.ports[2]: 70000 is not a TCP port (a whole number from 1 to 65535)",
        "portForwarding.ports: 22 is listed more than once",
        'portForwarding.remoteHosts[0].host: "a b" is not a DNS name (letters, digits, "-" and ".") or an IPv4 address',
        "portForwarding.remoteHosts[1].port: 22 is SSH: a forwarded SSH port is a shell that no session log records; use a Session Manager shell instead",
      ]);
    });

    it("rejects values that are not numbers or strings, as JSON configuration could give", () => {
      const bad = { ports: ["5432"], remoteHosts: [{ host: 5432, port: "5432" }] } as unknown as PortForwardingOptions;
      expect(problems(bad)).toEqual([
        'portForwarding.ports[0]: "5432" is not a TCP port (a whole number from 1 to 65535)',
        'portForwarding.remoteHosts[0].host: 5432 is not a DNS name (letters, digits, "-" and ".") or an IPv4 address',
        'portForwarding.remoteHosts[0].port: "5432" is not a TCP port (a whole number from 1 to 65535)',
      ]);
    });

    it("checks the document name length against the name prefix", () => {
      const host = `${"h".repeat(63)}.${"i".repeat(40)}`;
      expect(problems({ remoteHosts: [{ host, port: 1 }] }, "p")).toEqual([]);
      expect(problems({ remoteHosts: [{ host, port: 1 }] }, "p".repeat(20))[0]).toMatch(
        /^portForwarding\.remoteHosts\[0\]\.host: the Session document name ".*" is 135 characters; SSM allows at most 128$/,
      );
    });
  });
});
