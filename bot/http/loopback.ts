// What counts as this machine: the one rule for the bind address (config) and for a caller's
// socket address (intake auth), so the two cannot drift apart.

/** A host name or IP address on loopback: localhost, ::1, 127.0.0.0/8, or 127.x mapped into IPv6. */
export function isLoopback(hostOrAddress: string | undefined): boolean {
  if (!hostOrAddress) return false;
  return hostOrAddress === 'localhost' || hostOrAddress === '::1' || /^(::ffff:)?127\./.test(hostOrAddress);
}
