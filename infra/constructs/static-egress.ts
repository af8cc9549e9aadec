import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/**
 * A VPC whose private subnets reach the internet through a NAT gateway with an Elastic IP: probes that run here
 * leave from one fixed address, which (after AWS lifts its port-25 restriction for the account) can open SMTP
 * sessions to MX hosts on port 25, and which DNSBL services and targets can allow-list.
 */
export class StaticEgress extends Construct {
  readonly vpc: ec2.Vpc;
  readonly securityGroup: ec2.SecurityGroup;
  readonly elasticIps: ec2.CfnEIP[];

  constructor(scope: Construct, id: string, props: { maxAzs: number }) {
    super(scope, id);
    this.elasticIps = Array.from(
      { length: props.maxAzs },
      (_, i) => new ec2.CfnEIP(this, `Eip${i}`, { domain: 'vpc' }),
    );
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: props.maxAzs,
      natGateways: props.maxAzs,
      natGatewayProvider: ec2.NatProvider.gateway({
        eipAllocationIds: this.elasticIps.map((e) => e.attrAllocationId),
      }),
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 26 },
        { name: 'probes', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      ],
      flowLogs: { rejected: { trafficType: ec2.FlowLogTrafficType.REJECT } },
    });
    this.securityGroup = new ec2.SecurityGroup(this, 'ProbeSg', {
      vpc: this.vpc,
      description: 'mailprobe probes: outbound only',
      allowAllOutbound: true,
    });
  }
}
