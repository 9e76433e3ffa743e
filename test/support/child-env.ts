// The environment of a process a test starts (the bot, a CLI, the simulator): only what the test
// names, on top of PATH and the clock shift the suite itself runs under (`faketime` preloads a
// library named by LD_PRELOAD and reads FAKETIME*), so a child never runs a year behind its test.

const INHERITED = /^(PATH|LD_PRELOAD|FAKETIME.*)$/;

export function childEnv(env: Record<string, string> = {}): Record<string, string> {
  const inherited = Object.entries(process.env).filter((entry): entry is [string, string] => INHERITED.test(entry[0]) && entry[1] !== undefined);
  return { ...Object.fromEntries(inherited), ...env };
}
