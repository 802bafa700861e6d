import { PolicyStatement, ValidationError, Validator, duplicates } from "@ssm-access/core";
import { validateStatements } from "./policy";

/**
 * The statements of one identity policy, collected from the construct that
 * owns the policy and from `grant*` calls of others: each checked like
 * user-given statements, identical ones kept once, every `Sid` used once.
 * The policy renders them at synthesis, so grants may come in any order.
 */
export class StatementList {
  private readonly statements: PolicyStatement[] = [];

  /** @param subject the construct path errors are reported for */
  constructor(private readonly subject: string) {}

  /**
   * Adds `statements` that are not there yet.
   * @returns the statements actually added
   * @throws ValidationError for a malformed statement or a `Sid` already used by another statement
   */
  public add(statements: readonly PolicyStatement[]): PolicyStatement[] {
    const v = new Validator(this.subject, "statements");
    validateStatements(v, statements);
    v.throwIfAny();

    const known = new Set(this.statements.map((s) => JSON.stringify(s)));
    const fresh = statements.filter((s) => {
      const key = JSON.stringify(s);
      if (known.has(key)) return false;
      known.add(key);
      return true;
    });
    const sids = [...this.statements, ...fresh].map((s) => s.Sid).filter((s): s is string => s !== undefined);
    const dupSids = duplicates(sids);
    if (dupSids.length > 0) {
      throw new ValidationError(this.subject, [
        {
          path: "statements",
          message: `Sid ${dupSids.map((s) => `"${s}"`).join(", ")} is used by more than one statement`,
        },
      ]);
    }
    this.statements.push(...fresh);
    return fresh;
  }

  /** Takes out `statements` added before (by identity), e.g. when a later check rejects them. */
  public remove(statements: readonly PolicyStatement[]): void {
    for (const statement of statements) {
      const i = this.statements.indexOf(statement);
      if (i >= 0) this.statements.splice(i, 1);
    }
  }

  /** Every statement, in the order added. */
  public get all(): readonly PolicyStatement[] {
    return [...this.statements];
  }

  /** How many statements there are. */
  public get length(): number {
    return this.statements.length;
  }
}
