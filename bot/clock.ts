// The service's one source of "now", so tests and the benchmark can run on a fake clock.

export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
