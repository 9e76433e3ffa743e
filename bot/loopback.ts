// What counts as this machine: the one rule for the bind address (config), a caller's socket
// address (intake auth) and the Host header in local mode, so the three cannot drift apart.

import { isIPv4, isIPv6 } from 'node:net';

const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/**
 * A host name or IP address on loopback: localhost, ::1, 127.0.0.0/8, or 127.x mapped into IPv6.
 * Only a real IPv4 address counts as 127.x: "127.attacker.example" is a name anyone can point anywhere.
 */
export function isLoopback(hostOrAddress: string | undefined): boolean {
  if (!hostOrAddress) return false;
  const host = hostOrAddress.toLowerCase();
  if (host === 'localhost') return true;
  if (isIPv6(host)) {
    const mapped = IPV4_MAPPED.exec(host);
    return mapped ? isLoopbackV4(mapped[1]!) : host === '::1' || host === '0:0:0:0:0:0:0:1';
  }
  return isLoopbackV4(host);
}

function isLoopbackV4(address: string): boolean {
  return isIPv4(address) && address.startsWith('127.');
}

/** The host part of a Host header ("127.0.0.1:3978", "[::1]:3978", "localhost"), without the port. */
export function hostOfHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const value = header.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) return bracketed[1];
  const plain = /^([^:]+)(?::\d+)?$/.exec(value);
  return plain ? plain[1] : undefined;
}
