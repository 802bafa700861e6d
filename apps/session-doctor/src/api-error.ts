/** The AWS error code of an SDK error (`AccessDeniedException`, `InvalidInstanceID.NotFound`, ...), if it has one. */
export function errorCode(e: unknown): string | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  const o = e as { name?: unknown; Code?: unknown; code?: unknown };
  for (const v of [o.Code, o.name, o.code]) {
    if (typeof v === "string" && v !== "" && v !== "Error" && v !== "SyntaxError" && v !== "TypeError") return v;
  }
  return undefined;
}

function httpStatus(e: unknown): number | undefined {
  const status = (e as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === "number" ? status : undefined;
}

/** Whether an error says the caller may not make the call. */
export function isAccessDenied(e: unknown): boolean {
  return /^(AccessDenied|AccessDeniedException|UnauthorizedOperation|AuthorizationError|UnauthorizedAccess)$/.test(
    errorCode(e) ?? "",
  );
}

/** Whether an error is an endpoint that does not implement the call (an AWS API emulator's gap, or a 501). */
export function isNotImplemented(e: unknown): boolean {
  const code = errorCode(e);
  if (code === "NotImplemented" || code === "NotImplementedException" || httpStatus(e) === 501) return true;
  const status = httpStatus(e) ?? 0;
  // An answer that is no AWS error at all (an HTML error page) from a server error: the call is not served there.
  return status >= 500 && (code === undefined || /Deserialization error/i.test(String((e as Error).message)));
}

/**
 * Why a call of `api` could not be answered, in words for a `?` line:
 * denied, not implemented by the endpoint, unreachable, no credentials, or the error itself.
 */
export function unansweredReason(api: string, e: unknown): string {
  const code = errorCode(e);
  const message = String((e as Error)?.message ?? e).split("\n")[0];
  if (isAccessDenied(e)) return `${api} was denied (${code}): the credentials may not make this call`;
  if (isNotImplemented(e)) {
    return code === "NotImplemented" || code === "NotImplementedException"
      ? `the API answered NotImplemented: this endpoint does not implement ${api}`
      : `the API answered NotImplemented (HTTP ${httpStatus(e)} without an AWS error): this endpoint does not implement ${api}`;
  }
  if (code === "CredentialsProviderError" || /credential/i.test(String((e as Error)?.name)))
    return `no AWS credentials for ${api}: ${message}`;
  const network = (e as { code?: unknown })?.code;
  if (typeof network === "string" && /^E[A-Z]+$/.test(network))
    return `${api} could not reach AWS (${network}): ${message}`;
  return `${api} failed${code ? ` (${code})` : ""}: ${message}`;
}
