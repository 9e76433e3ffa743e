// A sign-in that heals (docs/architecture.md#partner-center): a kept sign-in the bot cannot open (a
// rotated PARTNER_CENTER_TOKEN_KEY) is moved aside and the bot serves, saying "sign-in needed", and
// `login` then works; a first sign-in from chat while many calls wait gives the managers exactly one
// "connected" and no "sign in again" after it. Real bot in a child process, fake Partner Center.

import { expect } from 'chai';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { sendActivity } from '../../support/bot-client.js';
import { createTestDatabase, dropTestDatabase, SKIP_REASON, TEST_DATABASE_URL } from '../../support/postgres.js';
import { removeDir, startChildService, tempDataDir, type ChildService } from '../../support/start-service.js';
import { fixture, personalMessage } from '../../support/teams-activities.js';
import { documentedReferral, EMEA, health, login, runCli, startBot, startRig, stopRig, subscribeEmea, waitFor, type Rig } from './harness.js';

const maria = fixture.users['maria']!;

describe('Partner Center sign-in that heals (component)', function () {
  this.timeout(90_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await stopRig(rig);
    rig = undefined;
  });

  const toMaria = (words: string) =>
    rig!.teams.posts().filter((request) => request.conversationId === maria.personalConversationId && JSON.stringify(request.body).includes(words));

  it('a rotated PARTNER_CENTER_TOKEN_KEY: the kept sign-in is moved aside, the bot serves saying "sign-in needed", managers are told once, and login works', async () => {
    rig = await startRig();
    await startBot(rig);
    await login(rig);
    rig.bot!.child.kill('SIGTERM');
    await rig.bot!.exited;

    rig.env = { ...rig.env, PARTNER_CENTER_TOKEN_KEY: 'a-rotated-key-of-at-least-thirty-two-chars' };
    await startBot(rig);
    await sendActivity(rig.bot!.url, personalMessage('help', { serviceUrl: rig.teams.url, from: maria }));
    const status = await waitFor('sign-in needed', async () => {
      const link = (await health(rig!)).partnerCenter;
      return link.needsSignIn !== undefined && link;
    });
    expect(status.needsSignIn).to.include('could not be opened').and.include('PARTNER_CENTER_TOKEN_KEY');
    expect(status).not.to.have.property('signedInAs');
    const aside = (await readdir(path.join(rig.dataDir, 'partner-center'))).filter((name) => name.includes('.unreadable-'));
    expect(aside).to.have.length(1);
    expect(rig.bot!.output().match(/"movedTo"/g)).to.have.length(1);
    await waitFor('managers told', () => toMaria('cannot reach Partner Center').length === 1);

    const again = await runCli(rig, ['login'], (text) => {
      if (/enter the code/.test(text)) rig!.pc.authority.approve();
    });
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.include('Signed in to Partner Center as maria@partner.example');
    await subscribeEmea(rig);
    rig.pc.api.put(documentedReferral('pc-after-rotation'));
    expect((await rig.pc.deliver(rig.bot!.url, rig.pc.event('referral-created', 'pc-after-rotation'))).status).to.equal(200);
    await waitFor('the card, fetched with the new sign-in', () =>
      rig!.teams.posts().find((request) => request.conversationId === EMEA.id && JSON.stringify(request.body).includes('pc-after-rotation')),
    );
    expect((await health(rig)).partnerCenter)
      .to.include({ signedInAs: 'maria@partner.example' })
      .and.not.have.property('needsSignIn');
    expect(toMaria('cannot reach Partner Center')).to.have.length(1);
  });

  it('a sign-in from chat without MFA is refused and said so; one with MFA then connects, and status says "MFA: yes"', async () => {
    rig = await startRig();
    await startBot(rig);
    await sendActivity(rig.bot!.url, personalMessage('help', { serviceUrl: rig.teams.url, from: maria }));
    rig.pc.authority.signInWithoutMfa();
    const codeIn = async () => {
      const before = rig!.teams.requests.length;
      await sendActivity(rig!.bot!.url, personalMessage('connect partner-center', { serviceUrl: rig!.teams.url, from: maria }));
      const prompt = await waitFor('the code in chat', () =>
        rig!.teams.requests.slice(before).find((request) => /enter the code/.test(String(request.body?.text ?? ''))),
      );
      rig!.pc.authority.approve(/code (\S+) \(/.exec(String(prompt.body.text))![1]!);
    };
    await codeIn();
    await waitFor('refused, in chat', () => toMaria('did not finish').length > 0);
    expect(JSON.stringify(toMaria('did not finish')[0]!.body)).to.include('without multi-factor authentication (MFA)');
    expect((await health(rig)).partnerCenter).not.to.have.property('signedInAs');
    expect(rig.pc.api.requests, 'no call made with the refused token').to.deep.equal([]);

    rig.pc.authority.signInWithoutMfa(false);
    await codeIn();
    await waitFor('connected, in chat', () => toMaria('Connected to Partner Center as maria@partner.example (MFA: yes)').length > 0);
    await waitFor('status says MFA', async () => (await health(rig!)).partnerCenter.mfa === true);
    const before = rig.teams.requests.length;
    await sendActivity(rig.bot!.url, personalMessage('status', { serviceUrl: rig.teams.url, from: maria }));
    await waitFor('status in chat', () =>
      rig!.teams.requests.slice(before).some((request) => JSON.stringify(request.body).includes('connected as maria@partner.example (MFA: yes)')),
    );
  });

  it('20 concurrent token requests during a first sign-in from chat: one "connected", and no "sign in again" after it', async () => {
    rig = await startRig();
    await startBot(rig);
    await subscribeEmea(rig);
    await sendActivity(rig.bot!.url, personalMessage('help', { serviceUrl: rig.teams.url, from: maria }));
    const ids = Array.from({ length: 20 }, (_, index) => `pc-first-${index}`);
    for (const id of ids) rig.pc.api.put(documentedReferral(id));

    const before = rig.teams.requests.length;
    await sendActivity(rig.bot!.url, personalMessage('connect partner-center', { serviceUrl: rig.teams.url, from: maria }));
    const prompt = await waitFor('the code in chat', () =>
      rig!.teams.requests.slice(before).find((request) => /enter the code/.test(String(request.body?.text ?? ''))),
    );
    // The approval and 20 events at once: each event wakes the fetcher, which asks for a token while the sign-in completes.
    rig.pc.authority.approve(/code (\S+) \(/.exec(String(prompt.body.text))![1]!);
    const answers = await Promise.all(ids.map((id) => rig!.pc.deliver(rig!.bot!.url, rig!.pc.event('referral-created', id))));
    expect(answers.map((answer) => answer.status)).to.deep.equal(ids.map(() => 200));
    await waitFor('every card', () =>
      ids.every((id) => rig!.teams.posts().some((request) => request.conversationId === EMEA.id && JSON.stringify(request.body).includes(id))),
    );
    await waitFor('the events all taken', async () => (await health(rig!)).partnerCenter.eventsWaiting === 0);
    await waitFor('connected, in chat', () => toMaria('Connected to Partner Center as maria@partner.example').length > 0);

    const told = rig.teams.posts().filter((request) => request.conversationId === maria.personalConversationId);
    const connected = told.findIndex((request) => JSON.stringify(request.body).includes('Connected to Partner Center as maria@partner.example'));
    expect(told.filter((request) => JSON.stringify(request.body).includes('Connected to Partner Center'))).to.have.length(1);
    expect(told.slice(connected).filter((request) => JSON.stringify(request.body).includes('cannot reach Partner Center'))).to.deep.equal([]);
    expect((await health(rig)).partnerCenter)
      .to.include({ signedInAs: 'maria@partner.example' })
      .and.not.have.property('needsSignIn');
  });
});

describe('Partner Center sign-in shared by two instances on PostgreSQL (component)', function () {
  this.timeout(90_000);
  if (TEST_DATABASE_URL === '') {
    it(SKIP_REASON);
    return;
  }
  let rig: Rig | undefined;
  let other: ChildService | undefined;
  let otherDir: string | undefined;
  let databaseUrl: string | undefined;
  afterEach(async () => {
    if (other && other.child.exitCode === null) {
      other.child.kill('SIGTERM');
      await other.exited;
    }
    await stopRig(rig);
    if (otherDir) await removeDir(otherDir);
    if (databaseUrl) await dropTestDatabase(databaseUrl);
    rig = other = otherDir = databaseUrl = undefined;
  });

  const leads = async (url: string) => ((await (await fetch(`${url}/healthz`)).json()) as { scheduler: { leader: boolean } }).scheduler.leader;
  const cardOf = (id: string) => () => rig!.teams.posts().some((request) => request.conversationId === EMEA.id && JSON.stringify(request.body).includes(id));

  it('one login, kept in the database: the instance that takes over after a kill -9 fetches with it, and no DATA_DIR holds it', async () => {
    databaseUrl = await createTestDatabase();
    rig = await startRig({ DATABASE_URL: databaseUrl, SCHEDULER_FAILOVER: 'PT3S' });
    await startBot(rig);
    otherDir = await tempDataDir();
    other = await startChildService({ ...rig.env, DATA_DIR: otherDir });
    await login(rig);
    await subscribeEmea(rig);

    rig.pc.api.put(documentedReferral('pc-shared-1'));
    expect((await rig.pc.deliver(other.url, rig.pc.event('referral-created', 'pc-shared-1'))).status).to.equal(200);
    await waitFor('the first card', cardOf('pc-shared-1'));

    // Kill -9 whichever leads; the other takes over the loops with the sign-in it finds in the database.
    const [leader, survivor] = (await leads(rig.bot!.url)) ? [rig.bot!, other] : [other, rig.bot!];
    leader.child.kill('SIGKILL');
    await leader.exited;
    await waitFor('the survivor leads', () => leads(survivor.url), 20_000);
    rig.pc.api.put(documentedReferral('pc-shared-2'));
    expect((await rig.pc.deliver(survivor.url, rig.pc.event('referral-created', 'pc-shared-2'))).status).to.equal(200);
    await waitFor('the second card, fetched by the survivor', cardOf('pc-shared-2'));
    const link = ((await (await fetch(`${survivor.url}/healthz`)).json()) as { partnerCenter: Record<string, unknown> }).partnerCenter;
    expect(link).to.include({ signedInAs: 'maria@partner.example' }).and.not.have.property('needsSignIn');
    for (const dir of [rig.dataDir, otherDir]) expect(existsSync(path.join(dir, 'partner-center', 'token-cache.json')), dir).to.equal(false);
  });
});
