import type { StackView, RemoteHostPort } from "./stack-view";
import type { SelectedInstance } from "./instance-selection";
import { StackOutputs, mapOutput } from "./outputs";

/** The Session document of a shell: the preferences document the operator policy allows. */
export const SHELL_DOCUMENT = "SSM-SessionManagerRunShell";

/** A port forwarding asked for on the command line. */
export type Forwarding =
  | { readonly kind: "port"; readonly port: number; readonly localPort: number }
  | { readonly kind: "remote-host"; readonly host: string; readonly port: number; readonly localPort: number };

/** `aws ssm start-session ...`, ready to run without a shell. */
export interface StartSessionCommand {
  readonly command: "aws";
  readonly args: readonly string[];
  /** The Session document: the shell's, or a pinned port forwarding document. */
  readonly document: string;
  /** What the session does, in words. */
  readonly description: string;
}

/** A command line asking for something the environment does not allow. */
export class RefusedError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = "RefusedError";
  }
}

function tcpPort(text: string, what: string, allowZero = false): number {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n > 65535 || n < (allowZero ? 0 : 1)) {
    throw new RefusedError(
      `${what} "${text}" is not a TCP port (1-65535${allowZero ? ", or 0 to let the plugin choose" : ""})`,
    );
  }
  return n;
}

/** `--port=<n>[:<local>]`: forward local port `<local>` (default `<n>`) to port `<n>` of the instance. */
export function parsePortOption(value: string): Forwarding {
  const m = /^([^:]+)(?::([^:]+))?$/.exec(value);
  if (!m) throw new RefusedError(`--port "${value}" is not <port>[:<local port>]`);
  const port = tcpPort(m[1], "--port");
  return { kind: "port", port, localPort: m[2] === undefined ? port : tcpPort(m[2], "--port local port", true) };
}

/** `--remote-host=<host>:<port>[:<local>]`: forward local port `<local>` (default `<port>`) to `<host>:<port>` through the instance. */
export function parseRemoteHostOption(value: string): Forwarding {
  const m = /^([^:]+):([^:]+)(?::([^:]+))?$/.exec(value);
  if (!m) throw new RefusedError(`--remote-host "${value}" is not <host>:<port>[:<local port>]`);
  const port = tcpPort(m[2], "--remote-host port");
  return {
    kind: "remote-host",
    host: m[1],
    port,
    localPort: m[3] === undefined ? port : tcpPort(m[3], "--remote-host local port", true),
  };
}

const describeRemote = (r: RemoteHostPort) => `${r.host}:${r.port}`;

/**
 * The Session document the operator policy allows for `forwarding`: the
 * environment's pinned document for that port (or host and port), from the
 * `port_forwarding_documents` output. Refuses a port or host the environment
 * file does not forward, listing the ones it does.
 */
export function forwardingDocument(env: StackView, outputs: StackOutputs, forwarding: Forwarding): string {
  const field = `operatorAccess.portForwarding in ${env.environmentFile}`;
  let key: string;
  if (forwarding.kind === "port") {
    if (!env.forwardedPorts.includes(forwarding.port)) {
      throw new RefusedError(
        env.forwardedPorts.length === 0
          ? `${env.name} forwards no port of its instances (${field}: no ports); add the port there and deploy to allow it`
          : `${env.name} does not forward port ${forwarding.port}; it forwards ${env.forwardedPorts.join(", ")} (${field})`,
      );
    }
    key = String(forwarding.port);
  } else {
    const allowed = env.forwardedRemoteHosts.find(
      (r) => r.host.toLowerCase() === forwarding.host.toLowerCase() && r.port === forwarding.port,
    );
    if (!allowed) {
      throw new RefusedError(
        env.forwardedRemoteHosts.length === 0
          ? `${env.name} forwards to no remote host (${field}: no remoteHosts); add ${forwarding.host}:${forwarding.port} there and deploy to allow it`
          : `${env.name} does not forward to ${forwarding.host}:${forwarding.port}; it forwards to ${env.forwardedRemoteHosts.map(describeRemote).join(", ")} (${field})`,
      );
    }
    key = describeRemote(allowed);
  }
  const documents = mapOutput(outputs, "port_forwarding_documents");
  const document = Object.entries(documents).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
  if (document === undefined) {
    throw new RefusedError(
      `${key} is allowed in ${env.stackFile} but the deployed stack has no document for it (port_forwarding_documents): deploy first (npx nx run infra:deploy --stack=${env.name})`,
    );
  }
  return document;
}

/**
 * `aws ssm start-session --target <id> --region <region>`, with the pinned
 * port forwarding document and `localPortNumber` when forwarding.
 */
export function startSessionCommand(
  env: StackView,
  outputs: StackOutputs,
  instance: SelectedInstance,
  forwarding?: Forwarding,
): StartSessionCommand {
  const base = ["ssm", "start-session", "--target", instance.id, "--region", env.region];
  if (forwarding === undefined) {
    return {
      command: "aws",
      args: base,
      document: SHELL_DOCUMENT,
      description: `a shell on ${instance.name} (${instance.id})`,
    };
  }
  const document = forwardingDocument(env, outputs, forwarding);
  const to =
    forwarding.kind === "port"
      ? `port ${forwarding.port} of ${instance.name}`
      : `${forwarding.host}:${forwarding.port} through ${instance.name}`;
  return {
    command: "aws",
    args: [...base, "--document-name", document, "--parameters", `localPortNumber=${forwarding.localPort}`],
    document,
    description: `local port ${forwarding.localPort === 0 ? "(chosen by the plugin)" : forwarding.localPort} forwarded to ${to} (${instance.id})`,
  };
}

/** The command as one line to paste into a POSIX shell. */
export function shellLine(command: { readonly command: string; readonly args: readonly string[] }): string {
  return [command.command, ...command.args]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(" ");
}
