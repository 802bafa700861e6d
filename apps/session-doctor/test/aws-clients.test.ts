import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { CA_BUNDLE_VARIABLE, createAwsClients, withEnvironmentConfig } from "../src/aws-clients";

const IDENTITY = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::111111111111:user/local</Arn><UserId>AIDLOCAL</UserId><Account>111111111111</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`;

describe("the AWS clients take their endpoint and trusted certificates from the environment, as the AWS CLI does", () => {
  let dir: string;
  let server: https.Server;
  let endpoint: string;
  const requests: string[] = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "session-doctor-ca-"));
    // A self-signed certificate for 127.0.0.1, as a local AWS API emulator serves.
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        path.join(dir, "key.pem"),
        "-out",
        path.join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    server = https.createServer(
      { key: fs.readFileSync(path.join(dir, "key.pem")), cert: fs.readFileSync(path.join(dir, "cert.pem")) },
      (req, res) => {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString("utf8")));
        req.on("end", () => {
          requests.push(body);
          res.writeHead(200, { "content-type": "text/xml" });
          res.end(IDENTITY);
        });
      },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    process.env.AWS_ENDPOINT_URL = endpoint;
    process.env.AWS_ACCESS_KEY_ID = "local-access-key";
    process.env.AWS_SECRET_ACCESS_KEY = "local-secret-key";
    delete process.env.AWS_PROFILE;
    delete process.env[CA_BUNDLE_VARIABLE];
  });

  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it("call AWS_ENDPOINT_URL and trust the certificates of AWS_CA_BUNDLE", async () => {
    process.env[CA_BUNDLE_VARIABLE] = path.join(dir, "cert.pem");
    const before = requests.length;
    const identity = await createAwsClients({ region: "eu-west-1", maxAttempts: 1 }).getCallerIdentity();
    expect(identity).toMatchObject({ Account: "111111111111", Arn: "arn:aws:iam::111111111111:user/local" });
    expect(requests.slice(before).join("")).toMatch(/Action=GetCallerIdentity/);
  });

  it("refuse the self-signed certificate without AWS_CA_BUNDLE", async () => {
    await expect(createAwsClients({ region: "eu-west-1", maxAttempts: 1 }).getCallerIdentity()).rejects.toThrow(
      /self[- ]signed certificate/i,
    );
  });

  it("name the variable and the file of a bundle that cannot be read", () => {
    expect(() =>
      withEnvironmentConfig({ region: "eu-west-1" }, { [CA_BUNDLE_VARIABLE]: path.join(dir, "missing.pem") }),
    ).toThrow(/AWS_CA_BUNDLE=.*missing\.pem: the certificate bundle cannot be read/);
  });

  it("leave a request handler given by the caller alone", () => {
    const config = { region: "eu-west-1", requestHandler: { handle: jest.fn() } } as never;
    expect(withEnvironmentConfig(config, { [CA_BUNDLE_VARIABLE]: path.join(dir, "missing.pem") })).toBe(config);
  });
});
