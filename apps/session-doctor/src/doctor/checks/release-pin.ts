import { Unanswered, pass, warn } from "../check";
import { Check } from "../context";
import { unansweredCall } from "../lookups";

/**
 * The Amazon Linux 2023 release in an image name, e.g. `2023.9.20251117` of
 * `al2023-ami-2023.9.20251117.0-kernel-6.1-x86_64` (the image's own build
 * number after the release is left out); undefined for other names.
 */
export function releaseOfImageName(name: string): string | undefined {
  return /^al2023-ami-(?:minimal-)?(2023\.\d+\.\d{8})(?:\.\d+)?-/.exec(name)?.[1];
}

/** Compares two Amazon Linux 2023 releases (`2023.<minor>.<date>`) numerically, part by part. */
export function compareReleases(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * With `maintenance.osRelease`, the instance is not ahead of it. The launch
 * template resolves the latest Amazon Linux 2023 image, so an instance
 * launched after a newer release came out boots on it; the release upgrade
 * (`dnf upgrade --releasever=<pin>`) cannot move it back and fails the
 * maintenance task on it (packages/maintenance). The release an instance
 * booted on is in its image's name (`al2023-ami-<release>.<build>-...`).
 * Sessions still work: ⚠, not ✖.
 */
export const releasePinCheck: Check = {
  id: "release-pin",
  title: "Instance is not on a newer Amazon Linux release than maintenance.osRelease",
  async run(ctx) {
    const { id, title } = releasePinCheck;
    const { name, id: instanceId } = ctx.instance;
    const pin = ctx.env.pinnedRelease;
    if (pin === undefined) {
      return pass(id, title, `${ctx.env.name} pins no Amazon Linux release (no maintenance.osRelease)`);
    }
    const instance = await ctx.lookups.instance();
    const imageId = instance.ImageId;
    if (imageId === undefined)
      throw new Unanswered(`EC2 gives no image id for ${name} (${instanceId})`, "aws ec2 describe-instances");
    let imageName: string | undefined;
    try {
      const r = await ctx.clients.describeImages({ ImageIds: [imageId] });
      imageName = r.Images?.find((i) => i.ImageId === imageId)?.Name;
    } catch (e) {
      throw unansweredCall(
        "ec2:DescribeImages",
        e,
        `aws ec2 describe-images --image-ids ${imageId} --region ${ctx.env.region}: the release is in the image's name`,
      );
    }
    const release = imageName === undefined ? undefined : releaseOfImageName(imageName);
    if (release === undefined) {
      throw new Unanswered(
        `${name} (${instanceId}) runs ${imageId}${imageName ? ` (${imageName})` : ""}, whose name gives no Amazon Linux 2023 release`,
        `read /etc/amazon-linux-release on the instance (in a session: cat /etc/amazon-linux-release); the pin is ${pin}`,
      );
    }
    if (compareReleases(release, pin) > 0) {
      return warn(
        id,
        title,
        `${name} (${instanceId}) booted from ${imageName} (release ${release}), newer than maintenance.osRelease ${pin} in ${ctx.env.environmentFile}: the release upgrade cannot move it back and fails the maintenance task on it`,
        `pin the image to ${pin} (ami.ssmParameter with the :<version> of the parameter that held ${pin}'s image: aws ssm get-parameter-history) and replace the instance (replacementGeneration); or test ${release} and set maintenance.osRelease to it`,
      );
    }
    return pass(
      id,
      title,
      `${name} (${instanceId}) booted from ${imageName} (release ${release}), not newer than maintenance.osRelease ${pin}`,
    );
  },
};
