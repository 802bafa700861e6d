/**
 * The AWS-managed Session documents that forward a local port to ANY port
 * of the instance, or to any host:port the instance reaches; session logging
 * records neither ("Logging isn't available for Session Manager sessions that
 * connect through port forwarding or SSH": AWS Systems Manager User Guide,
 * "Enabling and disabling session logging"). Operators never get them: they
 * are explicitly denied, and {@link PortForwardingOptions} offers documents
 * pinned to one port (and host) instead.
 */
export const AWS_PORT_FORWARDING_DOCUMENTS: readonly string[] = [
  "AWS-StartPortForwardingSession",
  "AWS-StartPortForwardingSessionToRemoteHost",
];

/** The AWS document that tunnels SSH through Session Manager; such sessions cannot be logged, so it is denied. */
export const SSH_SESSION_DOCUMENT = "AWS-StartSSHSession";

/** SSH: forwarding it would open a shell that no Session Manager log records, so it is refused. */
export const SSH_PORT = 22;

/** A host the instance reaches, and the one port on it operators may forward to. */
export interface RemoteHostPort {
  /**
   * DNS name (e.g. `db.internal.example.com`, resolved by the instance) or
   * IPv4 address (e.g. `10.10.1.25`) of the host.
   */
  readonly host: string;

  /** TCP port on the host, 1-65535; 22 (SSH) is refused. */
  readonly port: number;
}

/**
 * The only port forwarding operators may do: each allowed port (and host) is
 * served by its own Session document that pins it, so the client can choose
 * nothing but its local port.
 */
export interface PortForwardingOptions {
  /**
   * Ports of the instance itself that operators may forward a local port to,
   * e.g. `[5432]` for a database on the instance. Whole numbers 1-65535, each
   * once; 22 (SSH) is refused.
   * @default - none
   */
  readonly ports?: readonly number[];

  /**
   * Hosts reachable from the instance (a database endpoint, an internal load
   * balancer) and the one port on each that operators may forward a local
   * port to, through the instance. Each host:port once; port 22 is refused.
   * @default - none
   */
  readonly remoteHosts?: readonly RemoteHostPort[];
}

/** A Session document serving one allowed forwarding, as a client needs it to start a session. */
export interface PortForwardingDocument {
  /** The port forwarded to (on the instance, or on `host`). */
  readonly port: number;
  /** The remote host forwarded to; absent for a port of the instance itself. */
  readonly host?: string;
  /** Name of the Session document: `aws ssm start-session --document-name <documentName>`. */
  readonly documentName: string;
}
