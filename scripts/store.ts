// `npm run store -- copy --from <DATA_DIR> --to <DATABASE_URL>` (docs/deploy.md#moving-an-embedded-store-to-postgresql):
// copies an embedded store into PostgreSQL, prints the counts and checks them. Run it with the bot
// stopped; running it again copies nothing twice. Exit code 0 when every referral is there, 1 on an
// error or a conflict, 2 on a usage error.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { copyStore } from '../storage/copy-store.js';
import { openStore } from '../storage/create-store.js';
import { noteCopied } from '../storage/embedded-leftovers.js';
import { redactConnectionString } from '../storage/redact-connection.js';

const USAGE = 'usage: npm run store -- copy --from <DATA_DIR of the embedded store> --to <DATABASE_URL, postgres://…>';

function fail(line: string, code = 1): never {
  process.stderr.write(`${line}\n`);
  process.exit(code);
}

function option(args: string[], name: string): string {
  const index = args.indexOf(name);
  const value = index >= 0 ? args[index + 1] : undefined;
  if (!value || value.startsWith('--')) fail(`${name} is missing\n${USAGE}`, 2);
  return value;
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (command !== 'copy') fail(USAGE, 2);
  const fromDir = path.resolve(option(args, '--from'));
  const to = option(args, '--to');
  if (!/^postgres(ql)?:\/\//.test(to)) fail(`--to must be a postgres:// URL, not "${redactConnectionString(to)}"\n${USAGE}`, 2);
  if (!existsSync(path.join(fromDir, 'state.json')) && !existsSync(path.join(fromDir, 'open')))
    fail(`${fromDir} holds no embedded store (no state.json, no open/)`, 2);

  const { store: source } = await openStore({ dataDir: fromDir });
  const { store: target } = await openStore({ dataDir: fromDir, databaseUrl: to });
  try {
    const report = await copyStore(source, target);
    const lines = [
      `from ${fromDir} to ${redactConnectionString(to)}`,
      `referrals: ${report.referrals} (${report.open} open, ${report.archived} closed)`,
      `  copied now: ${report.copied}, already there: ${report.alreadyThere}, conflicts: ${report.conflicts.length}`,
      `bot-wide state (${report.conversations} conversations, ${report.routes} routes): ${
        report.state === 'copied' ? 'copied' : report.state === 'alreadyThere' ? 'already there' : 'NOT copied: the database has another bot-wide state already'
      }`,
      `verified: ${report.verified} of ${report.referrals} referrals are in the database with the same version`,
    ];
    for (const line of lines) process.stdout.write(`${line}\n`);
    for (const conflict of report.conflicts) process.stdout.write(`  conflict: ${conflict}\n`);
    if (report.verified !== report.referrals || report.conflicts.length > 0 || report.state === 'keptTarget') process.exitCode = 1;
    // The bot, started on the database, then stops warning that DATA_DIR holds referrals never copied.
    else await noteCopied(fromDir, report.referrals, new Date());
  } finally {
    await source.close();
    await target.close();
  }
}

main().catch((error: unknown) => fail(`store copy failed: ${(error as Error).message}`));
