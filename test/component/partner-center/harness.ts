// The Partner Center component tests' rig: the fake Partner Center, the fake Teams connector, the
// real bot in a child process (NODE_EXTRA_CA_CERTS must be there at its start for the HTTPS
// authority), and `npm run partner-center -- login` as the manager runs it.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { sendActivity, sendInvoke } from '../../support/bot-client.js';
import { getReferral } from '../../support/intake-client.js';
import { startFakeConnector, type FakeConnector } from '../../support/fake-connector.js';
import { startFakePartnerCenter, type FakePartnerCenter } from '../../support/fake-partner-center/index.js';
import { removeDir, ROOT, startChildService, tempDataDir, type ChildService } from '../../support/start-service.js';
import { waitFor } from '../../support/wait-for.js';
import { cardAction, channelMention, fixture, installationUpdate, type FixtureUser } from '../../support/teams-activities.js';
import { childEnv } from '../../support/child-env.js';
import { inDays } from '../../support/builders.js';

export const TOKEN_KEY = 'test-token-key-0123456789abcdef0123456789';
export const MANAGER = fixture.manager;
export const EMEA = fixture.team.emea;

/**
 * Partner Center's own "get a referral by id" example, with times of today (its 2018 dates expired
 * long ago) and an engagement of its own: referrals of one engagement are posted together
 * (related-referrals.test.ts), and tests that take in many want many cards.
 */
export function documentedReferral(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const doc = JSON.parse(readFileSync(new URL('../../fixtures/partner-center/referral-by-id.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const now = Date.now();
  return {
    ...doc,
    id,
    createdDateTime: new Date(now - 3_600_000).toISOString(),
    updatedDateTime: new Date(now - 3_600_000).toISOString(),
    expirationDateTime: new Date(now + 14 * 86_400_000).toISOString(),
    engagementId: `engagement-${id}`,
    ...overrides,
  };
}

export interface Rig {
  pc: FakePartnerCenter;
  teams: FakeConnector;
  dataDir: string;
  bot?: ChildService;
  env: Record<string, string>;
}

export async function startRig(env: Record<string, string> = {}): Promise<Rig> {
  const pc = await startFakePartnerCenter();
  const teams = await startFakeConnector();
  const dataDir = await tempDataDir();
  return {
    pc,
    teams,
    dataDir,
    env: {
      ...pc.env,
      DATA_DIR: dataDir,
      PARTNER_CENTER_TOKEN_KEY: TOKEN_KEY,
      PARTNER_CENTER_POLL_EVERY: 'PT1H',
      MANAGER_IDS: MANAGER.aadObjectId,
      ...env,
    },
  };
}

export async function stopRig(rig: Rig | undefined): Promise<void> {
  if (!rig) return;
  if (rig.bot && rig.bot.child.exitCode === null) {
    rig.bot.child.kill('SIGTERM');
    await rig.bot.exited;
  }
  await rig.teams.close();
  await rig.pc.close();
  await removeDir(rig.dataDir);
}

export async function startBot(rig: Rig): Promise<ChildService> {
  rig.bot = await startChildService(rig.env);
  return rig.bot;
}

/** Installs the bot in the team and subscribes EMEA, as a seller would. */
export async function subscribeEmea(rig: Rig): Promise<void> {
  expect((await sendActivity(rig.bot!.url, installationUpdate('add', { serviceUrl: rig.teams.url }))).status).to.equal(200);
  expect((await sendActivity(rig.bot!.url, channelMention('subscribe', { serviceUrl: rig.teams.url, channel: EMEA, from: fixture.manager }))).status).to.equal(
    200,
  );
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run partner-center -- <args>` with the bot's environment; `onOutput` sees stdout as it comes. */
export function runCli(rig: Rig, args: string[], onOutput?: (text: string) => void): Promise<CliRun> {
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'scripts/partner-center.ts', ...args], {
    cwd: ROOT,
    env: childEnv({ LOG_LEVEL: 'warn', ...rig.env }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    onOutput?.(stdout);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/** The manager signs in from a terminal: the device code is shown, approved in the "browser", and the command confirms. */
export async function login(rig: Rig): Promise<CliRun> {
  const run = await runCli(rig, ['login'], (text) => {
    if (/enter the code/.test(text)) rig.pc.authority.approve();
  });
  expect(run.code, run.stderr).to.equal(0);
  return run;
}

export { waitFor };

export async function health(rig: Rig): Promise<Record<string, any>> {
  const response = await fetch(`${rig.bot!.url}/healthz`);
  return (await response.json()) as Record<string, any>;
}

/** Waits until the bot has polled Partner Center once (after a sign-in, it polls at once). */
export async function firstPoll(rig: Rig): Promise<void> {
  await waitFor('the first poll', async () => (await health(rig)).partnerCenter.lastPollAt !== undefined);
}

/** Takes `resource` into Partner Center and tells the bot with a signed webhook; returns the card's activity id in EMEA. */
export async function referralFromPartnerCenter(rig: Rig, resource: Record<string, unknown>): Promise<string> {
  const id = String(resource['id']);
  rig.pc.api.put(resource);
  const answer = await rig.pc.deliver(rig.bot!.url, rig.pc.event('referral-created', id));
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  const post = await waitFor(`the card of ${id}`, () =>
    rig.teams.posts().find((request) => request.conversationId === EMEA.id && JSON.stringify(request.body).includes(`"referralId":"${id}"`)),
  );
  return post.messageId!;
}

export async function storedReferral(rig: Rig, id: string): Promise<Record<string, any>> {
  const response = await getReferral(rig.bot!.url, id);
  expect(response.status).to.equal(200);
  return response.body as Record<string, any>;
}

/** A card action from `from` on the card `cardId`, with the version the bot has now unless given. */
export async function act(rig: Rig, cardId: string, verb: string, data: Record<string, unknown>, from: FixtureUser = fixture.users['anna']!) {
  const id = String(data['referralId']);
  const version = data['version'] ?? (await storedReferral(rig, id)).version;
  const answer = await sendInvoke(
    rig.bot!.url,
    cardAction({ serviceUrl: rig.teams.url, verb, data: { ...data, version }, cardActivityId: cardId, from, channel: EMEA }),
  );
  expect(answer.status).to.equal(200);
  return answer.body!;
}

export { inDays };

/** Accept with the form's inputs, as Teams submits them. */
export function accept(rig: Rig, cardId: string, id: string, from?: FixtureUser) {
  return act(
    rig,
    cardId,
    'submit',
    {
      referralId: id,
      form: 'accept',
      engagementName: 'Contoso field service',
      dealValue: '20000',
      currency: 'USD',
      closeDate: inDays(30),
      notes: 'Rollout in Q3',
      crmId: 'CRM-7',
    },
    from,
  );
}

/** PATCHes Partner Center answered 200 for `id`, their bodies. */
export function appliedPatches(rig: Rig, id: string) {
  return rig.pc.api.patches(id).filter((request) => request.status === 200);
}
