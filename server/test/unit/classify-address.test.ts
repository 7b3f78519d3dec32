import { describe, expect, it } from "vitest";
import { classifyAddress } from "../../src/engine/steps/classify-address.ts";

describe("classifyAddress: IPv4", () => {
  it.each([
    ["127.0.0.1", "a loopback address"],
    ["127.255.255.254", "a loopback address"],
    ["0.0.0.0", "an unspecified address"],
    ["0.1.2.3", "an unspecified address"],
    ["10.0.0.1", "a private address"],
    ["172.16.0.1", "a private address"],
    ["172.31.255.255", "a private address"],
    ["192.168.1.1", "a private address"],
    ["169.254.1.1", "a link-local address"],
    ["169.254.169.254", "a cloud metadata address"],
    ["169.254.170.2", "a cloud metadata address"],
    ["100.64.0.1", "a carrier-grade NAT address"],
    ["100.127.255.255", "a carrier-grade NAT address"],
    ["100.100.100.200", "a cloud metadata address"],
    ["224.0.0.1", "a multicast address"],
    ["239.255.255.250", "a multicast address"],
    ["255.255.255.255", "a broadcast address"],
    ["240.0.0.1", "a reserved address"],
    ["192.0.2.1", "a reserved address"],
    ["198.18.0.1", "a reserved address"],
  ])("refuses %s as %s", (address, reason) => {
    expect(classifyAddress(address)).toBe(reason);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "172.32.0.1",
    "172.15.255.255",
    "100.128.0.1",
    "11.0.0.1",
  ])("lets %s through", (address) => {
    expect(classifyAddress(address)).toBeUndefined();
  });
});

describe("classifyAddress: IPv6", () => {
  it.each([
    ["::1", "a loopback address"],
    ["::", "an unspecified address"],
    ["fc00::1", "a private (unique local) address"],
    ["fd12:3456::1", "a private (unique local) address"],
    ["fd00:ec2::254", "a cloud metadata address"],
    ["fe80::1", "a link-local address"],
    ["febf:ffff::1", "a link-local address"],
    ["fec0::1", "a site-local address"],
    ["ff02::1", "a multicast address"],
    ["2001:db8::1", "a reserved address"],
    ["100::1", "a reserved address"],
    ["4000::1", "a reserved address"],
    ["64:ff9b:1::a00:1", "a local-use NAT64 address"],
  ])("refuses %s as %s", (address, reason) => {
    expect(classifyAddress(address)).toBe(reason);
  });

  it.each([
    ["::ffff:127.0.0.1", "an IPv4-mapped form of 127.0.0.1, a loopback address"],
    ["::ffff:7f00:1", "an IPv4-mapped form of 127.0.0.1, a loopback address"],
    ["::FFFF:7F00:0001", "an IPv4-mapped form of 127.0.0.1, a loopback address"],
    [
      "0:0:0:0:0:ffff:a9fe:a9fe",
      "an IPv4-mapped form of 169.254.169.254, a cloud metadata address",
    ],
    ["::ffff:10.1.2.3", "an IPv4-mapped form of 10.1.2.3, a private address"],
    ["::ffff:0.0.0.0", "an IPv4-mapped form of 0.0.0.0, an unspecified address"],
    ["::127.0.0.1", "an IPv4-compatible form of 127.0.0.1, a loopback address"],
    ["::7f00:1", "an IPv4-compatible form of 127.0.0.1, a loopback address"],
    ["::c0a8:101", "an IPv4-compatible form of 192.168.1.1, a private address"],
    ["::ffff:0:7f00:1", "an IPv4-translated form of 127.0.0.1, a loopback address"],
    ["64:ff9b::7f00:1", "a NAT64 form of 127.0.0.1, a loopback address"],
    ["64:ff9b::169.254.169.254", "a NAT64 form of 169.254.169.254, a cloud metadata address"],
    ["64:ff9b::a00:1", "a NAT64 form of 10.0.0.1, a private address"],
    ["2002:7f00:1::1", "a 6to4 form of 127.0.0.1, a loopback address"],
    ["2002:a9fe:a9fe::", "a 6to4 form of 169.254.169.254, a cloud metadata address"],
    // RFC 4380's example: server 65.54.227.120, client 192.0.2.45 (stored inverted).
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "a Teredo form of 192.0.2.45, a reserved address"],
    ["2001:0:7f00:1::", "a Teredo form of 127.0.0.1, a loopback address"],
    ["2001:0:4136:e378::80ff:fffe", "a Teredo form of 127.0.0.1, a loopback address"],
  ])("refuses %s, which embeds a refused IPv4 address", (address, reason) => {
    expect(classifyAddress(address)).toBe(reason);
  });

  it.each([
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",
    "::ffff:808:808",
    "64:ff9b::808:808",
    "2002:808:808::1",
    "2001:0:4136:e378:8000:63bf:f7f7:f7f7",
  ])("lets %s through", (address) => {
    expect(classifyAddress(address)).toBeUndefined();
  });
});

describe("classifyAddress: input", () => {
  it("throws on something that is not an address", () => {
    expect(() => classifyAddress("localhost")).toThrow('"localhost" is not an IP address');
    expect(() => classifyAddress("127.1")).toThrow('"127.1" is not an IP address');
  });
});
