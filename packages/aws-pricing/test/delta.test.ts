import { DEFAULT_USAGE, PricedResource, costDelta, estimate, readSnapshot } from "../src";

const snapshot = readSnapshot();
const endpoint = (azs: number): PricedResource => ({
  address: "aws_vpc_endpoint.ssm",
  type: "aws_vpc_endpoint",
  values: {
    vpc_endpoint_type: "Interface",
    service_name: "com.amazonaws.eu-west-1.ssm",
    subnet_ids: Array(azs).fill("s"),
  },
  region: "eu-west-1",
});
const instance = (type: string): PricedResource => ({
  address: "aws_instance.app",
  type: "aws_instance",
  values: { instance_type: type },
  region: "us-east-1",
});

describe("costDelta", () => {
  it("gives the delta of an endpoint AZ count change: one more AZ × 730 h × $0.011 in eu-west-1", () => {
    const delta = costDelta(
      estimate([endpoint(2)], snapshot, DEFAULT_USAGE),
      estimate([endpoint(3)], snapshot, DEFAULT_USAGE),
    );
    expect(delta.deltaFixed).toBe(8.03);
    expect(delta.resources).toEqual([
      expect.objectContaining({
        address: "aws_vpc_endpoint.ssm",
        change: "change",
        deltaFixed: 8.03,
        what: ["− Interface endpoint ssm, 2 AZs × 730 h", "+ Interface endpoint ssm, 3 AZs × 730 h"],
      }),
    ]);
  });

  it("gives the delta of an instance type change, and of what is created and destroyed", () => {
    const delta = costDelta(
      estimate([instance("t3.micro")], snapshot, DEFAULT_USAGE),
      estimate([instance("t3.medium"), { ...endpoint(1), region: "us-east-1" }], snapshot, DEFAULT_USAGE),
    );
    const [app, created] = delta.resources;
    expect(app).toMatchObject({ change: "change", deltaFixed: 22.78 }); // (0.0416 − 0.0104) × 730 = 22.776
    expect(created).toMatchObject({ change: "create", deltaFixed: 7.3 });
    expect(delta.deltaFixed).toBe(30.08);
  });

  it("leaves out resources whose cost does not change", () => {
    const before = estimate([instance("t3.micro")], snapshot, DEFAULT_USAGE);
    expect(costDelta(before, before).resources).toEqual([]);
  });
});
