import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PrivateNetwork } from "@ssm-access/network";
import { SsmInstanceRole } from "@ssm-access/iam-ssm";
import { PrivateInstances } from "@ssm-access/compute";

class TeamStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const region = "eu-west-1";
    new AwsProvider(this, "aws", { region, allowedAccountIds: ["123456789012"] });

    const network = new PrivateNetwork(this, "Network", {
      namePrefix: "team-x-dev",
      region,
      accountId: "123456789012",
      cidr: "10.42.0.0/16",
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
    });
    const role = new SsmInstanceRole(this, "InstanceRole", { namePrefix: "team-x-dev", region });
    new PrivateInstances(this, "Instances", {
      namePrefix: "team-x-dev",
      region,
      network,
      instanceProfileName: role.instanceProfileName,
      instances: [{ name: "worker-1" }],
    });
  }
}

const app = new App();
new TeamStack(app, "team-x-dev");
app.synth();
