// npm run partner-center:sim [-- --no-playground]: Referral Desk connected to a local Partner Center,
// with no Partner Center account (docs/playground.md#partner-center). Starts the fake Partner Center
// the tests use (sign-in authority, Referrals API, webhook signer), the bot pointed at it (its own
// DATA_DIR, data/partner-center-sim), signs the bot in, and the Agents Playground. Press Enter to
// have "Partner Center" send referrals by webhook: first a co-sell referral from Microsoft (the
// docs' example, with a Microsoft seller) and its related Shared referral (same engagement), then
// one demo referral per Enter. Every write the bot makes there is printed.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { demoReferrals } from './demo.js';
import { FAKE_MANAGER, startFakePartnerCenter } from '../test/support/fake-partner-center/index.js';
import { requireFreePort, Supervisor } from './supervise.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const PORT = process.env['PORT'] ?? '3978';
const DATA_DIR = path.join(ROOT, 'data', 'partner-center-sim');
const withPlayground = !process.argv.includes('--no-playground');

function say(line: string): void {
  process.stdout.write(`[partner-center:sim] ${line}\n`);
}

function node(args: string[], env: NodeJS.ProcessEnv, inherit = true): ChildProcess {
  return spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', ...args], { cwd: ROOT, env, stdio: inherit ? 'inherit' : 'pipe' });
}

async function main(): Promise<void> {
  if (existsSync(path.join(ROOT, '.env'))) process.loadEnvFile(path.join(ROOT, '.env'));
  await requireFreePort('partner-center:sim', Number(PORT), 'PORT');
  const pc = await startFakePartnerCenter({ autoApprove: true });
  // A new key each run: the sign-in of an earlier run is thrown away with it.
  await rm(path.join(DATA_DIR, 'partner-center'), { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...pc.env,
    PORT,
    DATA_DIR,
    PARTNER_CENTER_TOKEN_KEY: randomBytes(32).toString('base64'),
    PARTNER_CENTER_POLL_EVERY: 'PT1M',
  };
  // SIGINT / SIGTERM or the bot ending: everything stops, the local Partner Center last.
  supervisor = new Supervisor('partner-center:sim', () => pc.close());
  supervisor.add(node(['bot/main.ts'], env), 'the bot');
  const botUrl = `http://127.0.0.1:${PORT}`;
  for (let i = 0; ; i++) {
    if (
      await fetch(`${botUrl}/healthz`).then(
        (response) => response.ok,
        () => false,
      )
    )
      break;
    if (i > 200) throw new Error(`the bot did not answer on ${botUrl}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The local authority answers with Microsoft's own device-code text, page and all: say it needs no visit.
  say('Signing the bot in to the local Partner Center. It approves the code by itself: there is no page to open, whatever the next line says.');
  const login = node(['scripts/partner-center.ts', 'login'], env);
  const loggedIn = await new Promise<number | null>((resolve) => login.once('exit', resolve));
  if (loggedIn !== 0) throw new Error('the sign-in to the local Partner Center failed');
  say(`Partner Center (local): API ${pc.api.url}, sign-in ${pc.authority.url}; the bot is signed in as ${FAKE_MANAGER.username}.`);

  if (withPlayground) {
    const playground = spawn(
      path.join(ROOT, 'node_modules', '.bin', 'agentsplayground'),
      ['-c', 'msteams', '-e', `${botUrl}/api/messages`, '--disable-telemetry'],
      {
        cwd: ROOT,
        env,
        stdio: 'inherit',
      },
    );
    supervisor.add(playground, 'the playground');
  }

  let seen = 0;
  setInterval(() => {
    const patches = pc.api.requests.filter((request) => request.method === 'PATCH');
    for (const request of patches.slice(seen)) {
      const operations = (request.body as Array<{ path: string; value: unknown }>)
        .map((operation) => `${operation.path}=${JSON.stringify(operation.value)}`)
        .join(' ');
      say(`Partner Center received PATCH ${decodeURIComponent(request.path.split('/').pop() ?? '')} (${request.status}): ${operations}`);
    }
    seen = patches.length;
  }, 500).unref();

  let sent = 0;
  let coSellSent = false;
  const sendCoSell = async () => {
    coSellSent = true;
    const { fromMicrosoft, related } = coSellPair(`pc-sim-${Date.now().toString(36)}`);
    for (const [resource, event] of [
      [fromMicrosoft, 'referral-created'],
      [related, 'related-referral-created'],
    ] as const) {
      pc.api.put(resource);
      const answer = await pc.deliver(botUrl, pc.event(event, String(resource['id'])));
      say(`Partner Center sent ${event} for ${String(resource['id'])} (${String(resource['name'])}): the bot answered ${answer.status}.`);
      // The related one goes into the first card's thread: give the first card a moment to be posted.
      if (event === 'referral-created') await waitForCard(botUrl, String(resource['id']));
    }
  };
  const send = async () => {
    if (!coSellSent) return sendCoSell();
    const samples = demoReferrals();
    const resource: Record<string, unknown> = {
      ...samples[sent % samples.length]!,
      id: `pc-sim-${Date.now().toString(36)}`,
      status: 'New',
      substatus: 'Pending',
    };
    sent++;
    pc.api.put(resource);
    const answer = await pc.deliver(botUrl, pc.event('referral-created', String(resource['id'])));
    say(`Partner Center sent referral-created for ${String(resource['id'])} (${String(resource['name'])}): the bot answered ${answer.status}.`);
  };
  say(
    'Open the playground, pick the EMEA channel and send "@Referral Desk subscribe". Then press Enter here: Partner Center sends a co-sell referral from Microsoft and its related referral; each Enter after that, one more referral.',
  );
  createInterface({ input: process.stdin }).on('line', () => void send().catch((error: unknown) => say(`sending failed: ${(error as Error).message}`)));
}

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'partner-center', name), 'utf8')) as Record<string, unknown>;

/**
 * Partner Center's documented examples as one engagement, dated now: the Microsoft referral of "Get a
 * referral by ID" (with the later co-sell fields filled in), and the Shared co-sell body of "Create a referral".
 */
function coSellPair(prefix: string): { fromMicrosoft: Record<string, unknown>; related: Record<string, unknown> } {
  const now = Date.now();
  const dates = {
    createdDateTime: new Date(now - 60_000).toISOString(),
    updatedDateTime: new Date(now - 60_000).toISOString(),
    expirationDateTime: new Date(now + 14 * 86_400_000).toISOString(),
  };
  const engagementId = `${prefix}-engagement`;
  return {
    fromMicrosoft: {
      ...fixture('referral-by-id.json'),
      ...dates,
      id: `${prefix}-msft`,
      engagementId,
      name: 'Contoso supply chain on Dynamics 365',
      consent: { consentToToShareInfoWithOthers: true, consentToContact: true, consentToShareReferralWithMicrosoftSellers: true },
      solutionArea: 'AIBusinessSolutions',
      solutionPlay: 'FinanceAndSupplyChain',
      partnerRole: 'Services',
      referralSource: 'Marketplace',
      customerMarketplaceIntent: true,
    },
    related: { ...fixture('create-referral-co-sell.json'), ...dates, id: `${prefix}-shared`, engagementId, status: 'New', substatus: 'Pending' },
  };
}

/** Until the bot has taken the referral in and sent what it queued (its card), for at most 10 s. */
async function waitForCard(botUrl: string, id: string): Promise<void> {
  const sent = async () => {
    if ((await fetch(`${botUrl}/api/referrals/${encodeURIComponent(id)}`)).status !== 200) return false;
    const health = (await (await fetch(`${botUrl}/healthz`)).json()) as { outbox?: { pending?: number } };
    return health.outbox?.pending === 0;
  };
  for (let i = 0; i < 100 && !(await sent()); i++) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Set once the bot is started: a failure after that must stop it too, not leave it holding the port. */
let supervisor: Supervisor | undefined;

main().catch((error: unknown) => {
  process.stderr.write(`[partner-center:sim] ${(error as Error).message}\n`);
  if (supervisor) void supervisor.stop(1, 'start-up failed');
  else process.exit(1);
});
