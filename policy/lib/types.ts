/**
 * Provider type tokens the rules recognise. Rules match on these strings, never on component
 * internals or SDK classes, so the pack needs no cloud SDK and works whatever component built
 * the resource. `aws.alb.*` are aliases of `aws.lb.*` with their own tokens: list both.
 */
export const STACK = "pulumi:pulumi:Stack";

export const LOCAL = {
  weights: "pulumi-nodejs:dynamic/local:HaproxyWeights",
  haproxy: "pulumi-nodejs:dynamic/local:HaproxyInstance",
  workload: "pulumi-nodejs:dynamic/local:Workload",
} as const;

export const AWS = {
  listener: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
  listenerRule: ["aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"],
  targetGroup: ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"],
  record: "aws:route53/record:Record",
  bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  bucketAcl: ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"],
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  dynamoTable: "aws:dynamodb/table:Table",
  rdsCluster: "aws:rds/cluster:Cluster",
  rdsInstance: "aws:rds/instance:Instance",
  globalCluster: "aws:rds/globalCluster:GlobalCluster",
  ebsVolume: "aws:ebs/volume:Volume",
  efs: "aws:efs/fileSystem:FileSystem",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
} as const;

export const GCP = {
  urlMap: ["gcp:compute/uRLMap:URLMap", "gcp:compute/regionUrlMap:RegionUrlMap"],
  backendService: ["gcp:compute/backendService:BackendService", "gcp:compute/regionBackendService:RegionBackendService"],
  cloudRun: "gcp:cloudrunv2/service:Service",
  dnsRecordSet: "gcp:dns/recordSet:RecordSet",
  sqlInstance: "gcp:sql/databaseInstance:DatabaseInstance",
  bucketIamMember: ["gcp:storage/bucketIAMMember:BucketIAMMember", "gcp:storage/bucketIAMBinding:BucketIAMBinding"],
  firewall: "gcp:compute/firewall:Firewall",
} as const;

export const AZURE = {
  tmProfile: "azure-native:trafficmanager:Profile",
  tmEndpoint: "azure-native:trafficmanager:Endpoint",
  afdOrigin: "azure-native:cdn:AFDOrigin",
  afdOriginGroup: "azure-native:cdn:AFDOriginGroup",
  cdnRoute: "azure-native:cdn:Route",
  storageAccount: "azure-native:storage:StorageAccount",
  cosmos: "azure-native:cosmosdb:DatabaseAccount",
  nsg: "azure-native:network:NetworkSecurityGroup",
  securityRule: "azure-native:network:SecurityRule",
} as const;

/** Gateway API routes are CustomResources: the token carries the API version. */
export const isHttpRoute = (type: string) => /^kubernetes:gateway\.networking\.k8s\.io\/v1(beta1)?:HTTPRoute$/.test(type);

export const isOneOf = (type: string, tokens: string | readonly string[]) =>
  typeof tokens === "string" ? type === tokens : tokens.includes(type);
