import { Validator, duplicates } from "@ssm-access/core";
import { PortForwardingDocument, PortForwardingOptions, SSH_PORT } from "../port-forwarding";

/** Prefixes AWS reserves for its own document names (compared case-insensitively). */
export const RESERVED_DOCUMENT_NAME_PREFIXES: readonly string[] = ["aws", "amazon", "amzn"];

/** The longest SSM document name (`[a-zA-Z0-9_.-]{3,128}`). */
export const SSM_DOCUMENT_NAME_MAX_LENGTH = 128;

/** Content of a Session document (`sessionType: "Port"`), as written to `aws_ssm_document.content`. */
export interface PortSessionDocumentContent {
  /** Session documents support schema version 1.0 only. */
  readonly schemaVersion: "1.0";
  /** What the document forwards to, for people listing documents. */
  readonly description: string;
  /** `Port`: a port forwarding session. */
  readonly sessionType: "Port";
  /** The parameters a client may pass: `localPortNumber` only. */
  readonly parameters: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** What the session does: `type`, the fixed `portNumber` (and `host`), `localPortNumber` from the parameter. */
  readonly properties: {
    /** The port forwarded to, fixed. */
    readonly portNumber: string;
    /** `LocalPortForwarding`. */
    readonly type: "LocalPortForwarding";
    /** `{{ localPortNumber }}`: the one parameter the client chooses. */
    readonly localPortNumber: string;
    /** The host forwarded to, fixed; absent: the instance itself. */
    readonly host?: string;
  };
}

/**
 * `localPortNumber` exactly as the AWS-managed port forwarding documents
 * declare it (0-65535; `0` lets the plugin pick a free port).
 */
const LOCAL_PORT_NUMBER_PARAMETER: Readonly<Record<string, string>> = {
  type: "String",
  description:
    "(Optional) Port number on local machine to forward traffic to. An open port is chosen at run-time if not provided",
  allowedPattern: "^([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$",
  default: "0",
};

const IPV4_OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
const IPV4_PATTERN = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){3}$`);
const DNS_LABEL_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Whether `host` is a dotted-quad IPv4 address (no leading zeros). */
export function isIpv4Address(host: string): boolean {
  return IPV4_PATTERN.test(host);
}

/**
 * Whether `host` is a DNS name: labels of letters, digits and inner `-`
 * (1-63 characters) joined by `.`, at most 253 characters, the last label not
 * all digits (so a mistyped address such as `10.0.0.256` is no name either).
 */
export function isDnsName(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.split(".");
  return labels.every((l) => DNS_LABEL_PATTERN.test(l)) && !/^[0-9]+$/.test(labels[labels.length - 1]);
}

/**
 * Name of the Session document forwarding to `port` of the instance
 * (`<namePrefix>-forward-<port>`) or of `host`
 * (`<namePrefix>-forward-<host>-<port>`, the host in lower case). Distinct
 * allowed forwardings never share a name: a port is digits only and a host
 * never ends with `-`.
 */
export function portForwardingDocumentName(namePrefix: string, port: number, host?: string): string {
  return host === undefined ? `${namePrefix}-forward-${port}` : `${namePrefix}-forward-${host.toLowerCase()}-${port}`;
}

/**
 * The content of a Session document that forwards a local port to `port` of
 * the instance, or of `host` through it. Modelled on the AWS-managed
 * `AWS-StartPortForwardingSession` and
 * `AWS-StartPortForwardingSessionToRemoteHost` (same `sessionType`,
 * `properties` and `localPortNumber` parameter), with `portNumber` and `host`
 * moved from parameters into fixed properties: the client can choose only its
 * local port.
 */
export function portSessionDocumentContent(port: number, host?: string): PortSessionDocumentContent {
  return {
    schemaVersion: "1.0",
    description:
      host === undefined
        ? `Forwards a local port to port ${port} of the instance; only the local port can be chosen.`
        : `Forwards a local port to ${host}:${port} through the instance; only the local port can be chosen.`,
    sessionType: "Port",
    parameters: { localPortNumber: LOCAL_PORT_NUMBER_PARAMETER },
    properties: {
      portNumber: String(port),
      type: "LocalPortForwarding",
      localPortNumber: "{{ localPortNumber }}",
      host,
    },
  };
}

/** Every allowed forwarding with its document name: the ports first, then the remote hosts, in the order given. */
export function portForwardingDocuments(namePrefix: string, options: PortForwardingOptions): PortForwardingDocument[] {
  return [
    ...(options.ports ?? []).map((port) => ({ port, documentName: portForwardingDocumentName(namePrefix, port) })),
    ...(options.remoteHosts ?? []).map(({ host, port }) => ({
      port,
      host,
      documentName: portForwardingDocumentName(namePrefix, port, host),
    })),
  ];
}

/**
 * Checks `options` (recorded on `v` as `ports[i]`, `remoteHosts[i].host`, ...
 * relative to its prefix): at least one forwarding, ports whole numbers
 * 1-65535 and never 22, each port and each host:port once, hosts DNS names or
 * IPv4 addresses, and every document name within SSM's length limit for
 * `namePrefix` (`validNamePrefix` false skips the name checks; the reserved
 * prefixes are checked on `namePrefix` itself, see
 * {@link reservedDocumentNamePrefix}).
 */
export function validatePortForwarding(
  v: Validator,
  options: PortForwardingOptions,
  namePrefix: string,
  validNamePrefix: boolean,
): void {
  const ports = options.ports ?? [];
  const remoteHosts = options.remoteHosts ?? [];
  if (
    !v.check(
      ports.length + remoteHosts.length > 0,
      "",
      "lists no port and no remote host; leave portForwarding out to turn port forwarding off",
    )
  ) {
    return;
  }

  const checkPort = (path: string, port: unknown): boolean => {
    if (
      !v.check(
        Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535,
        path,
        `${JSON.stringify(port)} is not a TCP port (a whole number from 1 to 65535)`,
      )
    ) {
      return false;
    }
    return v.check(
      port !== SSH_PORT,
      path,
      "22 is SSH: a forwarded SSH port is a shell that no session log records; use a Session Manager shell instead",
    );
  };
  const checkName = (path: string, name: string): void => {
    if (!validNamePrefix) return;
    v.check(
      name.length <= SSM_DOCUMENT_NAME_MAX_LENGTH,
      path,
      `the Session document name "${name}" is ${name.length} characters; SSM allows at most ${SSM_DOCUMENT_NAME_MAX_LENGTH}`,
    );
  };

  ports.forEach((port, i) => {
    if (checkPort(`ports[${i}]`, port)) checkName(`ports[${i}]`, portForwardingDocumentName(namePrefix, port));
  });
  for (const dup of duplicates(ports)) v.add("ports", `${dup} is listed more than once`);

  remoteHosts.forEach((remote, i) => {
    const path = `remoteHosts[${i}]`;
    const host: unknown = remote?.host;
    const hostOk = v.check(
      typeof host === "string" && (isIpv4Address(host) || isDnsName(host)),
      `${path}.host`,
      `${JSON.stringify(host)} is not a DNS name (letters, digits, "-" and ".") or an IPv4 address`,
    );
    const portOk = checkPort(`${path}.port`, remote?.port);
    if (hostOk && portOk) checkName(`${path}.host`, portForwardingDocumentName(namePrefix, remote.port, remote.host));
  });
  const keys = remoteHosts.map((r) => `${String(r?.host).toLowerCase()}:${r?.port}`);
  for (const dup of duplicates(keys)) v.add("remoteHosts", `${dup} is listed more than once`);
}

/** The AWS-reserved prefix (`aws`, `amazon`, `amzn`) a document name starting with `namePrefix` would carry, if any. */
export function reservedDocumentNamePrefix(namePrefix: string): string | undefined {
  return RESERVED_DOCUMENT_NAME_PREFIXES.find((p) => namePrefix.toLowerCase().startsWith(p));
}
