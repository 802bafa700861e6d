/** One diagnostic of `terraform validate -json`. */
export interface TerraformDiagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
  readonly range?: {
    readonly filename: string;
    readonly start: { readonly line: number; readonly column: number };
  };
  readonly snippet?: { readonly context?: string | null; readonly code?: string };
}

/** The parts of `terraform validate -json` output this tool reads. */
export interface ValidateOutput {
  readonly valid: boolean;
  readonly error_count: number;
  readonly warning_count: number;
  readonly diagnostics: readonly TerraformDiagnostic[];
}

/** Parses `terraform validate -json` output; `undefined` when it is not that JSON. */
export function parseValidateOutput(stdout: string): ValidateOutput | undefined {
  try {
    const parsed = JSON.parse(stdout) as Partial<ValidateOutput>;
    if (typeof parsed.valid === "boolean" && Array.isArray(parsed.diagnostics)) {
      return {
        valid: parsed.valid,
        error_count: parsed.error_count ?? 0,
        warning_count: parsed.warning_count ?? 0,
        diagnostics: parsed.diagnostics,
      };
    }
  } catch {
    // not JSON
  }
  return undefined;
}

const MAX_CODE_LENGTH = 160;

/**
 * Renders one diagnostic as lines: `Error: <summary>`, then its place
 * (`at cdk.tf.json:12:44 in resource.aws_vpc.main`), the offending line of
 * code and the detail, each indented.
 */
export function formatDiagnostic(diagnostic: TerraformDiagnostic): string[] {
  const lines = [`${diagnostic.severity === "error" ? "Error" : "Warning"}: ${diagnostic.summary}`];
  const where: string[] = [];
  if (diagnostic.range !== undefined) {
    where.push(`at ${diagnostic.range.filename}:${diagnostic.range.start.line}:${diagnostic.range.start.column}`);
  }
  const context = diagnostic.address ?? diagnostic.snippet?.context ?? undefined;
  if (context) {
    where.push(`in ${context}`);
  }
  if (where.length > 0) {
    lines.push(`  ${where.join(" ")}`);
  }
  const code = diagnostic.snippet?.code?.trim();
  if (code) {
    lines.push(`  > ${code.length > MAX_CODE_LENGTH ? `${code.slice(0, MAX_CODE_LENGTH)}...` : code}`);
  }
  if (diagnostic.detail) {
    lines.push(...diagnostic.detail.split("\n").map((line) => `  ${line}`));
  }
  return lines;
}
