import { Validator } from "@ssm-access/core";
import type { INetwork, SubnetRef } from "@ssm-access/network";
import { InstanceTier } from "../instance-options";

/** Where one instance asks to go. */
export interface PlacementRequest {
  /** The tier, already checked to be one of {@link INSTANCE_TIERS}. */
  readonly tier: InstanceTier;
  /** A pinned Availability Zone; round-robin when absent. */
  readonly availabilityZone?: string;
}

/**
 * Chooses a subnet for each request, in order. A request with an
 * Availability Zone gets the tier's subnet in that zone; the others are spread
 * round-robin over the tier's subnets (in the network's zone order), counting
 * only the unpinned requests of that tier: three instances over two zones land
 * in a, b, a. Appending an instance never moves the ones before it.
 *
 * Problems are recorded in `v` at `[i].tier` (the network has no subnet in the
 * tier) and `[i].availabilityZone` (the tier has no subnet in that zone); the
 * result holds `undefined` for those requests. An `undefined` request (an
 * instance already found invalid) is skipped and gets `undefined`.
 */
export function placeInstances(
  network: INetwork,
  requests: ReadonlyArray<PlacementRequest | undefined>,
  v: Validator,
): Array<SubnetRef | undefined> {
  const nextIndex = new Map<InstanceTier, number>();
  return requests.map((request, i) => {
    if (request === undefined) return undefined;
    const subnets = network.subnets(request.tier);
    if (subnets.length === 0) {
      v.add(`[${i}].tier`, `the network has no ${request.tier} subnets`);
      return undefined;
    }
    if (request.availabilityZone !== undefined) {
      const subnet = subnets.find((s) => s.availabilityZone === request.availabilityZone);
      if (subnet === undefined) {
        const zones = [...new Set(subnets.map((s) => s.availabilityZone))].join(", ");
        v.add(
          `[${i}].availabilityZone`,
          `${request.availabilityZone} has no ${request.tier} subnet; the ${request.tier} subnets are in ${zones}`,
        );
      }
      return subnet;
    }
    const k = nextIndex.get(request.tier) ?? 0;
    nextIndex.set(request.tier, k + 1);
    return subnets[k % subnets.length];
  });
}
