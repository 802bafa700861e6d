import { IBucket, SecureBucket } from "@ssm-access/core";

/** A reference to bucket `name` of another stack, in eu-west-1 (`SecureBucket.fromBucketName`). */
export function bucketRef(name: string, region = "eu-west-1"): IBucket {
  return SecureBucket.fromBucketName(name, region);
}
