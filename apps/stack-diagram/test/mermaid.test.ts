import { LINE_BREAK, escapeLabel } from "../src";
import { edge, label, node, nodeId } from "../src/mermaid";

describe("Mermaid text", () => {
  test.each([
    ['say "hi"', "say #34;hi#34;"],
    ["a <b> & c", "a #60;b#62; #38; c"],
    ["#quot; stays text", "#35;quot; stays text"],
    ["`code`", "#96;code#96;"],
    ["two\nlines", "two lines"],
    ["10.0.0.0/16 · eu-west-1a (x) [y] {z} |w|", "10.0.0.0/16 · eu-west-1a (x) [y] {z} |w|"],
  ])("escapeLabel(%j) is %j", (text, escaped) => {
    expect(escapeLabel(text)).toBe(escaped);
  });

  test("a label is quoted, its lines escaped one by one and joined by the only markup, a line break", () => {
    expect(label("app <1>", "t3.nano")).toBe(`"app #60;1#62;${LINE_BREAK}t3.nano"`);
  });

  test("node ids keep letters, digits and _; anything else becomes _, and they start with a letter", () => {
    expect(nodeId("subnet", "network_isolated_subnet_a")).toBe("subnet__network_isolated_subnet_a");
    expect(nodeId("az", "eu-west-1a")).toBe("az__eu_west_1a");
    expect(nodeId("1st", "x")).toBe("st__x");
    expect(nodeId("", "")).toBe("node");
  });

  test("nodes and edges in each shape and link style", () => {
    expect(node("a", "cylinder", "Log group")).toBe('a[("Log group")]');
    expect(node("b", "hexagon", "KMS key")).toBe('b{{"KMS key"}}');
    expect(node("c", "stadium", "NAT gateway")).toBe('c(["NAT gateway"])');
    expect(edge("a", "both", "b", "x")).toBe('a <-->|"x"| b');
    expect(edge("a", "dotted-line", "b")).toBe("a -.- b");
  });
});
