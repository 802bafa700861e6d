import * as fs from "node:fs";
import * as https from "node:https";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { Emulator } from "./moto";
import { EMULATOR_CREDENTIALS } from "./override";

/**
 * Configuration of an AWS SDK for JavaScript v3 client that talks to one
 * emulator: its endpoint, its certificate as the only trusted one, the
 * emulator's static credentials, path-style S3.
 */
export function sdkConfig(emulator: Pick<Emulator, "endpoint" | "certificateFile">, region: string) {
  return {
    endpoint: emulator.endpoint,
    region,
    credentials: { accessKeyId: EMULATOR_CREDENTIALS.access_key, secretAccessKey: EMULATOR_CREDENTIALS.secret_key },
    forcePathStyle: true,
    ...(emulator.certificateFile === undefined
      ? {}
      : {
          requestHandler: new NodeHttpHandler({
            httpsAgent: new https.Agent({ ca: fs.readFileSync(emulator.certificateFile) }),
          }),
        }),
  };
}
