// The one polling helper of the tests: until a probe returns something truthy, with a named
// timeout. How tests wait for what the service does in the background (a card posted, a poll done,
// a leader elected), never for a fixed time. A probe may say what it last saw (`seen`), so that a
// timeout tells what was there instead.

export interface WaitOptions {
  /** Between two probes. Default 50 ms. */
  everyMs?: number;
}

export async function waitFor<T>(
  what: string,
  probe: (seen: (value: unknown) => void) => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
  options: WaitOptions = {},
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: { value: unknown } | undefined;
  const seen = (value: unknown) => void (last = { value });
  for (;;) {
    const value = await probe(seen);
    if (value) return value;
    if (Date.now() > until) {
      const tail = last ? `; last seen: ${typeof last.value === 'string' ? last.value : JSON.stringify(last.value)}` : '';
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 50));
  }
}
