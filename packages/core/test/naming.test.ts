import { azSuffix, nameTag, pascalCase, resourceName } from "../src";

describe("resourceName", () => {
  it("joins lower-cased parts with dashes and skips empty ones", () => {
    expect(resourceName("SSM-Dev", undefined, "", "Isolated", "a")).toBe("ssm-dev-isolated-a");
  });
  it("replaces characters outside [A-Za-z0-9-] and collapses dashes", () => {
    expect(resourceName("team x", "web_01", "--a--")).toBe("team-x-web-01-a");
  });
  it("gives the Name tag from the same rule", () => {
    expect(nameTag("dev", "vpc")).toEqual({ Name: "dev-vpc" });
  });
});

describe("azSuffix", () => {
  it.each([
    ["eu-west-1a", "a"],
    ["us-gov-west-1b", "b"],
    ["us-east-1-bos-1a", "bos-1a"],
    ["not-an-az", "not-an-az"],
  ])("%p → %p", (az, suffix) => {
    expect(azSuffix(az)).toBe(suffix);
  });
});

describe("pascalCase", () => {
  it.each([
    ["bos-1a", "Bos1a"],
    ["ecr.api", "EcrApi"],
    ["ssmmessages", "Ssmmessages"],
  ])("%p → %p", (text, expected) => {
    expect(pascalCase(text)).toBe(expected);
  });
});
