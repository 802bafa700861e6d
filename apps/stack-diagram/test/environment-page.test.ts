import { GENERATED_MARKER, environmentPage, stackDiagram } from "../src";
import { demoStack, routedStack } from "./support/stacks";

const REGENERATE = "npx nx run infra:diagram";

describe("environmentPage", () => {
  const page = environmentPage(demoStack({ bucket: true, flowLogs: true }), {
    name: "demo",
    regenerateCommand: REGENERATE,
  });
  const lines = page.split("\n");

  test("starts with the generated-page marker, a title, and one line saying where it comes from and how to regenerate it", () => {
    expect(lines[0]).toBe(
      `${GENERATED_MARKER} from cdktf.out/stacks/demo/cdk.tf.json; do not edit, run \`${REGENERATE}\`. -->`,
    );
    expect(lines[1]).toBe("# demo: architecture");
    expect(lines[3]).toBe(
      `Generated from the synthesized stack \`cdktf.out/stacks/demo/cdk.tf.json\`; regenerate with \`${REGENERATE}\`.`,
    );
  });

  test("holds the diagram in a mermaid fence", () => {
    const start = lines.indexOf("```mermaid");
    const end = lines.indexOf("```", start + 1);
    expect(lines.slice(start + 1, end).join("\n") + "\n").toBe(
      stackDiagram(demoStack({ bucket: true, flowLogs: true }), { name: "demo" }),
    );
  });

  test("lists subnets (tier, zone, CIDR, default route), endpoints, instances and logging in short tables", () => {
    expect(page).toContain("VPC `demo`: `10.0.0.0/16` in eu-west-1.");
    expect(page).toContain("| isolated | eu-west-1a | `10.0.128.0/20` | none | `demo-isolated-a` |");
    expect(page).toContain("| `logs`, `ssm`, `ssmmessages` | interface | isolated: eu-west-1a |");
    expect(page).toContain("| `s3` | gateway | route tables of the isolated subnets |");
    expect(page).toContain("| `web-1` | t3.micro | isolated | eu-west-1b | `10.0.144.0/20` | `demo-instance` |");
    expect(page).toContain(
      "| Sessions (`SSM-SessionManagerRunShell`) | CloudWatch log group `/ssm/demo/sessions` | KMS `alias/demo-session` | 30 days |",
    );
    expect(page).toContain(
      "| Session transcripts | S3 bucket `demo-transcripts` | KMS `alias/demo-session` | 90 days |",
    );
    expect(page).toContain(
      "| VPC flow logs (REJECT) | CloudWatch log group `/vpc-flow-logs/demo` | AWS-managed key | 14 days |",
    );
  });

  test("names public and private default routes; leaves out the sections a stack has nothing for", () => {
    const routed = environmentPage(routedStack(), { name: "routed", regenerateCommand: REGENERATE });
    expect(routed).toContain("| public | us-east-1a | `10.9.0.0/24` | internet gateway | `pub` |");
    expect(routed).toContain("| private | us-east-1a | `10.9.1.0/24` | NAT gateway in us-east-1a | `priv` |");
    expect(routed).not.toContain("## VPC endpoints");
    expect(routed).not.toContain("## Logging");
  });

  test("a | in a value cannot break a table row", () => {
    const stack = demoStack({ instanceName: "a|b" });
    expect(environmentPage(stack, { name: "demo", regenerateCommand: REGENERATE })).toContain("| `a\\|b` | t3.micro |");
  });

  test("ends with exactly one newline", () => {
    expect(page.endsWith("|\n")).toBe(true);
  });
});
