/**
 * A small evaluator of identity-policy statements, for tests only: enough of
 * IAM's documented semantics to ask "may this principal do this action on
 * this resource?" of the policies this package renders.
 *
 * What it does, as the IAM User Guide describes it:
 * - an explicit Deny wins, then any Allow, else the request is implicitly denied;
 * - Action: case-insensitive, `*` and `?` wildcards;
 * - Resource: case-sensitive, `*` and `?` wildcards, after policy-variable substitution;
 * - NotResource: the statement applies to every resource none of its patterns match
 *   (matched like Resource), never together with Resource;
 * - Condition: every operator and every key must match (AND), any one value of a key
 *   suffices (OR); keys are case-insensitive, values case-sensitive;
 *   StringEquals / StringNotEquals / StringLike / StringNotLike, Bool,
 *   each with `...IfExists`; a missing key fails the operator unless `...IfExists`;
 * - policy variables `${key}` in Resource and in condition values take the request's
 *   value, literally (its `*` and `?` are not wildcards); a variable whose key is absent
 *   from the request matches nothing; `${*}`, `${?}`, `${$}` stand for `*`, `?`, `$`.
 *
 * Anything else (NotAction, set operators, `${key, 'default'}`, other
 * operators) throws, so a test never passes on a statement this code cannot judge.
 */

/** One request: who asks (the context keys) for what. */
export interface IamRequest {
  /** `service:Operation`, e.g. `ssm:ResumeSession`. */
  readonly action: string;
  /** ARN of the resource acted on. */
  readonly resource: string;
  /**
   * The request context: `aws:userid`, `aws:username` (IAM users only),
   * `ssm:resourceTag/<key>`, `ssm:SessionDocumentAccessCheck`, ...
   */
  readonly context: Readonly<Record<string, string>>;
}

/** The decision for a request. */
export type IamDecision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly [other: string]: unknown;
}

const SUPPORTED_KEYS = new Set(["Sid", "Effect", "Action", "Resource", "NotResource", "Condition"]);

/** Evaluates `request` against all `statements` of the caller's identity policies. */
export function evaluate(statements: ReadonlyArray<Record<string, unknown>>, request: IamRequest): IamDecision {
  let allowed = false;
  for (const raw of statements) {
    const s = raw as unknown as Statement;
    if (!statementMatches(s, request)) continue;
    if (s.Effect === "Deny") return "ExplicitDeny";
    allowed = true;
  }
  return allowed ? "Allow" : "ImplicitDeny";
}

/** Whether one statement applies to `request` (action, resource and condition all match). */
export function statementMatches(s: Statement, request: IamRequest): boolean {
  for (const key of Object.keys(s)) {
    if (!SUPPORTED_KEYS.has(key))
      throw new Error(`statement ${s.Sid ?? ""}: ${key} is not supported by this evaluator`);
  }
  if (s.Effect !== "Allow" && s.Effect !== "Deny")
    throw new Error(`statement ${s.Sid ?? ""}: Effect ${String(s.Effect)}`);
  if ((s.Resource === undefined) === (s.NotResource === undefined))
    throw new Error(`statement ${s.Sid ?? ""}: needs exactly one of Resource and NotResource`);
  const actions = list(s.Action);
  if (!actions.some((a) => globMatch(a.toLowerCase(), request.action.toLowerCase()))) return false;
  if (s.Resource !== undefined) {
    if (!list(s.Resource).some((r) => resourceMatches(r, request))) return false;
  } else if (list(s.NotResource).some((r) => resourceMatches(r, request))) return false;
  return conditionsMatch(s.Condition ?? {}, request);
}

function list(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
  throw new Error(`expected a string or a list of strings, got ${JSON.stringify(value)}`);
}

function lookup(context: Readonly<Record<string, string>>, key: string): string | undefined {
  const wanted = key.toLowerCase();
  const found = Object.keys(context).find((k) => k.toLowerCase() === wanted);
  return found === undefined ? undefined : context[found];
}

/** A pattern split into literal text and wildcards, after substituting policy variables. */
type Piece = { readonly literal: string } | { readonly wildcard: "*" | "?" };

/**
 * Substitutes the policy variables of `pattern`; `undefined` when a variable's
 * key is missing from the request. With `wildcards`, the `*` and `?` written
 * in the pattern itself are wildcards; substituted values are always literal.
 */
function substitute(
  pattern: string,
  context: Readonly<Record<string, string>>,
  wildcards: boolean,
): Piece[] | undefined {
  const pieces: Piece[] = [];
  const re = /\$\{([^}]*)\}/g;
  let last = 0;
  const pushText = (text: string) => {
    if (!wildcards) {
      if (text) pieces.push({ literal: text });
      return;
    }
    for (const ch of text) pieces.push(ch === "*" || ch === "?" ? { wildcard: ch } : { literal: ch });
  };
  for (let m = re.exec(pattern); m !== null; m = re.exec(pattern)) {
    pushText(pattern.slice(last, m.index));
    last = m.index + m[0].length;
    const name = m[1];
    if (name === "*" || name === "?" || name === "$") {
      pieces.push({ literal: name });
      continue;
    }
    if (name.includes(",")) throw new Error(`policy variable defaults are not supported: ${m[0]}`);
    const value = lookup(context, name.trim());
    if (value === undefined) return undefined;
    pieces.push({ literal: value });
  }
  pushText(pattern.slice(last));
  return pieces;
}

function piecesMatch(pieces: readonly Piece[], text: string): boolean {
  // Expand literals to single characters, then classic wildcard matching.
  const tokens: Array<string | "*" | "?"> = [];
  const wild: boolean[] = [];
  for (const p of pieces) {
    if ("wildcard" in p) {
      tokens.push(p.wildcard);
      wild.push(true);
    } else {
      for (const ch of p.literal) {
        tokens.push(ch);
        wild.push(false);
      }
    }
  }
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let result: boolean;
    if (i === tokens.length) result = j === text.length;
    else if (wild[i] && tokens[i] === "*") result = go(i + 1, j) || (j < text.length && go(i, j + 1));
    else if (wild[i] && tokens[i] === "?") result = j < text.length && go(i + 1, j + 1);
    else result = j < text.length && tokens[i] === text[j] && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

function globMatch(pattern: string, text: string): boolean {
  return piecesMatch(substitute(pattern, {}, true) ?? [], text);
}

function resourceMatches(pattern: string, request: IamRequest): boolean {
  const pieces = substitute(pattern, request.context, true);
  return pieces !== undefined && piecesMatch(pieces, request.resource);
}

function conditionsMatch(
  condition: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  request: IamRequest,
): boolean {
  return Object.entries(condition).every(([rawOperator, keys]) => {
    const ifExists = rawOperator.endsWith("IfExists");
    const operator = ifExists ? rawOperator.slice(0, -"IfExists".length) : rawOperator;
    return Object.entries(keys).every(([key, rawValues]) => {
      const actual = lookup(request.context, key);
      if (actual === undefined) return ifExists;
      const values = list(rawValues);
      switch (operator) {
        case "StringEquals":
          return values.some((v) => equalsValue(v, actual, request));
        case "StringNotEquals":
          return !values.some((v) => equalsValue(v, actual, request));
        case "StringLike":
          return values.some((v) => likeValue(v, actual, request));
        case "StringNotLike":
          return !values.some((v) => likeValue(v, actual, request));
        case "Bool":
          return values.some((v) => v.toLowerCase() === actual.toLowerCase());
        default:
          throw new Error(`condition operator ${rawOperator} is not supported by this evaluator`);
      }
    });
  });
}

function equalsValue(pattern: string, actual: string, request: IamRequest): boolean {
  const pieces = substitute(pattern, request.context, false);
  return pieces !== undefined && piecesMatch(pieces, actual);
}

function likeValue(pattern: string, actual: string, request: IamRequest): boolean {
  const pieces = substitute(pattern, request.context, true);
  return pieces !== undefined && piecesMatch(pieces, actual);
}
