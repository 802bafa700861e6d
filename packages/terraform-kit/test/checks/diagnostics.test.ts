import { formatDiagnostic, parseValidateOutput } from "../../src/checks/diagnostics";

describe("validate diagnostics", () => {
  const output = {
    format_version: "1.0",
    valid: false,
    error_count: 1,
    warning_count: 0,
    diagnostics: [
      {
        severity: "error",
        summary: "Extraneous JSON object property",
        detail: 'No argument or block type is named "enable_dns_hostnamez".\nDid you mean "enable_dns_hostnames"?',
        range: {
          filename: "cdk.tf.json",
          start: { line: 12, column: 44, byte: 564 },
          end: { line: 12, column: 66, byte: 586 },
        },
        snippet: { context: "resource.aws_vpc.main", code: '  "enable_dns_hostnamez": true,', start_line: 12 },
      },
    ],
  };

  it("parses validate -json output and refuses anything else", () => {
    expect(parseValidateOutput(JSON.stringify(output))).toMatchObject({ valid: false, error_count: 1 });
    expect(parseValidateOutput("Error: something")).toBeUndefined();
    expect(parseValidateOutput('{"valid": true}')).toBeUndefined();
  });

  it("renders summary, place, code and detail", () => {
    expect(
      formatDiagnostic(
        parseValidateOutput(JSON.stringify(output))?.diagnostics[0] ?? { severity: "error", summary: "none" },
      ),
    ).toEqual([
      "Error: Extraneous JSON object property",
      "  at cdk.tf.json:12:44 in resource.aws_vpc.main",
      '  > "enable_dns_hostnamez": true,',
      '  No argument or block type is named "enable_dns_hostnamez".',
      '  Did you mean "enable_dns_hostnames"?',
    ]);
  });

  it("prefers the address to the snippet context and renders warnings", () => {
    expect(
      formatDiagnostic({
        severity: "warning",
        summary: "Deprecated",
        address: "aws_vpc.main",
        snippet: { context: "resource.aws_vpc.main" },
      }),
    ).toEqual(["Warning: Deprecated", "  in aws_vpc.main"]);
  });
});
