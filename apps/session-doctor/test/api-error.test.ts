import { errorCode, isAccessDenied, isNotImplemented, unansweredReason } from "../src/api-error";
import { awsError, notImplemented } from "./support";

describe("AWS errors as reasons", () => {
  it("takes the code of an SDK error", () => {
    expect(errorCode(awsError("InvalidInstanceID.NotFound"))).toBe("InvalidInstanceID.NotFound");
    expect(errorCode(new Error("plain"))).toBeUndefined();
  });

  it("tells a denial", () => {
    expect(isAccessDenied(awsError("AccessDeniedException"))).toBe(true);
    expect(isAccessDenied(awsError("UnauthorizedOperation"))).toBe(true);
    expect(unansweredReason("ssm:GetDocument", awsError("AccessDeniedException"))).toBe(
      "ssm:GetDocument was denied (AccessDeniedException): the credentials may not make this call",
    );
  });

  it("tells an endpoint that lacks the call from an AWS error", () => {
    expect(isNotImplemented(notImplemented())).toBe(true);
    expect(isNotImplemented(awsError("NotImplemented", "no", 501))).toBe(true);
    expect(isNotImplemented(awsError("InternalError", "try again", 500))).toBe(false);
    expect(unansweredReason("iam:SimulatePrincipalPolicy", awsError("NotImplemented", "no", 501))).toBe(
      "the API answered NotImplemented: this endpoint does not implement iam:SimulatePrincipalPolicy",
    );
  });

  it("names an unreachable endpoint and any other error", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(unansweredReason("ec2:DescribeVpcs", refused)).toBe(
      "ec2:DescribeVpcs could not reach AWS (ECONNREFUSED): connect ECONNREFUSED 127.0.0.1:1",
    );
    expect(unansweredReason("ec2:DescribeVpcs", awsError("Throttling", "Rate exceeded"))).toBe(
      "ec2:DescribeVpcs failed (Throttling): Rate exceeded",
    );
  });
});
