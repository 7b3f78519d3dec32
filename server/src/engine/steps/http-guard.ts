import type { LookupAddress, LookupOptions } from "node:dns";
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { Agent } from "undici";
import { classifyAddress, parseAddress } from "./classify-address.ts";

/** Resolves a host name to every address it has. */
export type Resolver = (hostname: string, options: LookupOptions) => Promise<LookupAddress[]>;

/** A request the guard would not let through; `reason` names the host and the rule. */
export class RefusedHostError extends Error {
  readonly reason: string;

  constructor(reason: string) {
    super(reason);
    this.name = "RefusedHostError";
    this.reason = reason;
  }
}

/** What keeps `http` steps off internal addresses unless WEFT_HTTP_ALLOW_HOSTS lets them. */
export interface HttpGuard {
  /** Throws RefusedHostError when the URL's host is a refused address or a loopback name. */
  checkHost(url: URL): void;
  /** Connects only to allowed addresses, checked after resolution, so DNS cannot rebind. */
  dispatcher: Agent;
}

interface AllowList {
  names: Set<string>;
  /** From `*.corp.example` entries, kept as `.corp.example`. */
  suffixes: string[];
  ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

/** Builds the guard for `allowHosts` (lower-cased names, `*.domain`s, addresses, CIDRs). */
export function createHttpGuard(options: {
  allowHosts?: readonly string[];
  resolve?: Resolver;
}): HttpGuard {
  const allow = parseAllowList(options.allowHosts ?? []);
  const resolve: Resolver =
    options.resolve ?? ((hostname, hints) => dnsLookup(hostname, { ...hints, all: true }));
  const lookup = createLookup(allow, resolve);

  return {
    checkHost(url) {
      const host = bareHost(url.hostname);
      if (isIP(host) !== 0) {
        const reason = refuseAddress(allow, host);
        if (reason) throw new RefusedHostError(`${host} is ${reason}`);
        return;
      }
      if (!nameAllowed(allow, host) && isLoopbackName(host)) {
        throw new RefusedHostError(`${host} is a loopback host name`);
      }
    },
    dispatcher: new Agent({ connect: { lookup } }),
  };
}

/**
 * A `net.connect` lookup that resolves, drops every address the allow list does not let
 * through, and hands the socket only what is left: the address checked is the one dialled.
 */
function createLookup(allow: AllowList, resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    const host = bareHost(hostname);
    const byName = nameAllowed(allow, host);
    if (!byName && isLoopbackName(host)) {
      callback(new RefusedHostError(`${host} is a loopback host name`), "", 0);
      return;
    }

    resolve(host, { family: options.family, hints: options.hints }).then(
      (addresses) => {
        const usable = byName
          ? addresses
          : addresses.filter((entry) => !refuseAddress(allow, entry.address));
        const [first] = usable;
        if (!first) {
          callback(refuseResolved(allow, host, addresses), "", 0);
        } else if (options.all) {
          callback(null, usable);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}

function refuseResolved(allow: AllowList, host: string, addresses: LookupAddress[]) {
  const [first] = addresses;
  if (!first)
    return Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  return new RefusedHostError(
    `${host} resolves to ${first.address}, ${refuseAddress(allow, first.address)}`,
  );
}

/** Why an address is refused, or undefined when it is public or allowed. */
function refuseAddress(allow: AllowList, address: string): string | undefined {
  const reason = classifyAddress(address);
  if (!reason) return undefined;
  // An allowed IPv4 range covers the IPv4-mapped forms of its addresses too.
  const parsed = parseAddress(address);
  const candidates = [parsed, unmapped(parsed)];
  const allowed = allow.ranges.some((range) =>
    candidates.some((ip) => ip.kind() === range[0].kind() && ip.match(range)),
  );
  return allowed ? undefined : reason;
}

function unmapped(ip: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return ip instanceof ipaddr.IPv6 && ip.isIPv4MappedAddress() ? ip.toIPv4Address() : ip;
}

function nameAllowed(allow: AllowList, host: string): boolean {
  return allow.names.has(host) || allow.suffixes.some((suffix) => host.endsWith(suffix));
}

/** RFC 6761: `localhost` and every name under it mean this machine, whatever DNS says. */
function isLoopbackName(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost");
}

function parseAllowList(entries: readonly string[]): AllowList {
  const allow: AllowList = { names: new Set(), suffixes: [], ranges: [] };
  for (const entry of entries.map((item) => item.toLowerCase())) {
    const [address = "", bits] = entry.split("/");
    if (isIP(address) !== 0) {
      const ip = parseAddress(address);
      allow.ranges.push([
        ip,
        bits === undefined ? (ip.kind() === "ipv4" ? 32 : 128) : Number(bits),
      ]);
    } else if (entry.startsWith("*.")) allow.suffixes.push(entry.slice(1));
    else allow.names.add(bareHost(entry));
  }
  return allow;
}

/** Lower case, without IPv6 brackets or the root's trailing dot. */
function bareHost(hostname: string): string {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}
