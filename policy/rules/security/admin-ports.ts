/** Admin ports (SSH, RDP, WinRM, ...) are never open to the whole internet. */
import { violation } from "../../lib/finding";
import { resourceRule } from "../../lib/rule";
import { AWS, AZURE, GCP } from "../../lib/types";
import { list, num, record, str, type Props } from "../../lib/values";

const ANYWHERE = new Set(["0.0.0.0/0", "::/0", "*", "Internet", "Any"]);

interface Range {
  readonly from: number;
  readonly to: number;
}
interface Opening {
  readonly sources: readonly string[];
  readonly ports: readonly Range[];
}

const ALL: Range = { from: 0, to: 65535 };

/** "22", "8000-8100", "*" → ranges. */
export function parsePorts(spec: string): Range {
  if (spec === "*" || spec === "") return ALL;
  const [a, b] = spec.split("-").map(Number);
  return { from: a ?? 0, to: b ?? a ?? 0 };
}

function awsRange(p: Props): Range {
  const protocol = String(p.protocol ?? p.ipProtocol ?? "");
  if (protocol === "-1" || protocol === "all") return ALL;
  return { from: num(p.fromPort) ?? 0, to: num(p.toPort) ?? num(p.fromPort) ?? 65535 };
}

function openings(type: string, p: Props): Opening[] {
  switch (type) {
    case AWS.securityGroup:
      return list(p.ingress).map((rule) => ({ sources: [...list(record(rule).cidrBlocks), ...list(record(rule).ipv6CidrBlocks)].map(String), ports: [awsRange(record(rule))] }));
    case AWS.securityGroupRule:
      return p.type === "ingress" ? [{ sources: [...list(p.cidrBlocks), ...list(p.ipv6CidrBlocks)].map(String), ports: [awsRange(p)] }] : [];
    case AWS.ingressRule:
      return [{ sources: [str(p.cidrIpv4), str(p.cidrIpv6)].filter((s): s is string => Boolean(s)), ports: [awsRange(p)] }];
    case GCP.firewall: {
      if (p.direction === "EGRESS") return [];
      const allows = list(p.allows).map(record);
      const ports = allows.flatMap((a) => (a.protocol === "all" || list(a.ports).length === 0 ? [ALL] : list(a.ports).map((x) => parsePorts(String(x)))));
      return [{ sources: list(p.sourceRanges).map(String), ports }];
    }
    case AZURE.nsg:
      return list(p.securityRules).flatMap((rule) => openings(AZURE.securityRule, record(rule)));
    case AZURE.securityRule: {
      if (p.direction !== "Inbound" || p.access !== "Allow") return [];
      const sources = [str(p.sourceAddressPrefix), ...list(p.sourceAddressPrefixes).map(str)].filter((s): s is string => Boolean(s));
      const ports = [str(p.destinationPortRange), ...list(p.destinationPortRanges).map(str)].filter((s): s is string => s !== undefined).map(parsePorts);
      return [{ sources, ports }];
    }
    default:
      return [];
  }
}

export const securityAdminPorts = resourceRule<{ adminPorts: number[] }>({
  name: "security-admin-ports",
  description: "No admin port is open to 0.0.0.0/0.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Reach hosts through a bastion, SSM Session Manager or IAP; allow admin ports from named ranges only.",
  defaults: { adminPorts: [22, 3389, 5985, 5986] },
  schema: { adminPorts: { type: "array", items: { type: "number" } } },
  appliesTo: (type) => [AWS.securityGroup, AWS.securityGroupRule, AWS.ingressRule, GCP.firewall, AZURE.nsg, AZURE.securityRule].includes(type as never),
  check(props, ctx, report) {
    for (const opening of openings(ctx.type, props)) {
      const open = opening.sources.filter((s) => ANYWHERE.has(s));
      if (!open.length) continue;
      const exposed = ctx.config.adminPorts.filter((port) => opening.ports.some((r) => port >= r.from && port <= r.to));
      if (exposed.length) {
        report(violation(`admin port(s) ${exposed.join(", ")} are open to ${open.join(", ")}`, "allow them only from your office/VPN ranges, or use a bastion or IAP instead"));
      }
    }
  },
});
