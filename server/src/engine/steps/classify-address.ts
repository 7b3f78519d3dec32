import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

/** Addresses where clouds serve instance credentials; named so a refusal says what was at stake. */
const METADATA = new Set(["169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254"]);

const IPV4_REASONS: Record<string, string> = {
  unspecified: "an unspecified address",
  broadcast: "a broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address",
  loopback: "a loopback address",
  carrierGradeNat: "a carrier-grade NAT address",
  private: "a private address",
};

const IPV6_REASONS: Record<string, string> = {
  unspecified: "an unspecified address",
  linkLocal: "a link-local address",
  multicast: "a multicast address",
  loopback: "a loopback address",
  uniqueLocal: "a private (unique local) address",
  deprecatedSiteLocal: "a site-local address",
};

/** IPv6 global unicast, 2000::/3: anything outside it is not an internet host. */
const GLOBAL_UNICAST = ipaddr.parseCIDR("2000::/3");
/** RFC 8215's local-use NAT64 prefix, whose translator sits inside the local network. */
const LOCAL_NAT64 = ipaddr.parseCIDR("64:ff9b:1::/48");

/**
 * Why `address` may not be reached by default, as a phrase ("a loopback address"), or
 * undefined for a public unicast address. An IPv6 address that embeds IPv4 ones (mapped,
 * compatible, translated, NAT64, 6to4, Teredo) is refused when an embedded one would be.
 */
export function classifyAddress(address: string): string | undefined {
  const ip = parseAddress(address);
  return ip.kind() === "ipv4" ? classifyIPv4(ip as IPv4) : classifyIPv6(ip as IPv6);
}

/** Parses an IP address as sockets read it; throws on anything else. */
export function parseAddress(address: string): IPv4 | IPv6 {
  const version = isIP(address);
  if (version === 0) throw new Error(`"${address}" is not an IP address`);
  if (version === 4) return ipaddr.parse(address);
  // ipaddr.js reads `::a.b.c.d` as IPv4-mapped; the URL parser's canonical form has no dots.
  return ipaddr.parse(new URL(`http://[${address}]/`).hostname.slice(1, -1));
}

function classifyIPv4(ip: IPv4): string | undefined {
  if (METADATA.has(ip.toString())) return "a cloud metadata address";
  const range = ip.range();
  if (range === "unicast") return undefined;
  return IPV4_REASONS[range] ?? "a reserved address";
}

function classifyIPv6(ip: IPv6): string | undefined {
  if (METADATA.has(ip.toString())) return "a cloud metadata address";
  if (ip.match(LOCAL_NAT64)) return "a local-use NAT64 address";

  const embedded = embeddedIPv4(ip);
  if (embedded) {
    for (const inner of embedded.addresses) {
      const reason = classifyIPv4(inner);
      if (reason) return `${embedded.form} of ${inner.toString()}, ${reason}`;
    }
    return undefined;
  }

  const range = ip.range();
  if (range === "unicast" && ip.match(GLOBAL_UNICAST)) return undefined;
  return IPV6_REASONS[range] ?? "a reserved address";
}

/** The IPv4 addresses an IPv6 address carries by one of the transition mechanisms. */
function embeddedIPv4(ip: IPv6): { form: string; addresses: IPv4[] } | undefined {
  const words = ip.parts;
  const low = fromWords(words[6]!, words[7]!);
  const range = ip.range();

  if (range === "ipv4Mapped") return { form: "an IPv4-mapped form", addresses: [low] };
  if (range === "rfc6145") return { form: "an IPv4-translated form", addresses: [low] };
  if (range === "rfc6052") return { form: "a NAT64 form", addresses: [low] };
  if (range === "6to4")
    return { form: "a 6to4 form", addresses: [fromWords(words[1]!, words[2]!)] };
  if (range === "teredo") {
    // The client's address is stored with every bit inverted (RFC 4380).
    const client = fromWords(words[6]! ^ 0xffff, words[7]! ^ 0xffff);
    return { form: "a Teredo form", addresses: [fromWords(words[2]!, words[3]!), client] };
  }
  // IPv4-compatible (::a.b.c.d), deprecated but still parsed by resolvers and socket APIs.
  const compatible = words.slice(0, 6).every((word) => word === 0);
  if (compatible && range === "unicast") {
    return { form: "an IPv4-compatible form", addresses: [low] };
  }
  return undefined;
}

function fromWords(high: number, low: number): IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}
