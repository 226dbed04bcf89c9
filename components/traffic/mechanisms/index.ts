/**
 * The one place a mechanism kind becomes its mechanism. Exhaustive: a new kind in MECHANISM_KINDS
 * fails to compile here until it has its case; an unknown kind throws, never falls back.
 */
import { UnknownMechanismError, type MechanismKind, type TrafficMechanism } from "../../../model/mechanism";
import { awsAlb } from "./aws-alb";
import { awsRoute53 } from "./aws-route53";
import { azureFrontDoor } from "./azure-front-door";
import { azureTrafficManager } from "./azure-traffic-manager";
import { gcpCloudRun } from "./gcp-cloud-run";
import { gcpUrlMap } from "./gcp-url-map";
import { k8sHttpRoute } from "./k8s-http-route";
import { k8sServiceSwitch } from "./k8s-service-switch";
import { localHaproxy } from "./local-haproxy";

export function trafficMechanism(kind: string): TrafficMechanism {
  const known = kind as MechanismKind;
  switch (known) {
    case "aws-alb":
      return awsAlb;
    case "aws-route53":
      return awsRoute53;
    case "gcp-url-map":
      return gcpUrlMap;
    case "gcp-cloud-run":
      return gcpCloudRun;
    case "azure-traffic-manager":
      return azureTrafficManager;
    case "azure-front-door":
      return azureFrontDoor;
    case "k8s-http-route":
      return k8sHttpRoute;
    case "k8s-service-switch":
      return k8sServiceSwitch;
    case "local-haproxy":
      return localHaproxy;
    default: {
      const unknown: never = known;
      throw new UnknownMechanismError(unknown);
    }
  }
}
