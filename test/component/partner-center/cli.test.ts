// `npm run partner-center -- login | status | register-webhook <url> | test-event` as an operator
// runs them on the server, against the fake Partner Center: the device code sign-in kept for the
// bot, a registration that never silently replaces another one, and a test event.

import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { ROOT } from '../../support/start-service.js';
import path from 'node:path';
import { login, runCli, startRig, stopRig, TOKEN_KEY, waitFor, type Rig } from './harness.js';
import { childEnv } from '../../support/child-env.js';

describe('npm run partner-center (component)', function () {
  this.timeout(60_000);
  let rig: Rig;
  before(async () => {
    rig = await startRig();
  });
  after(() => stopRig(rig));

  it('status before anyone signed in says how to sign in, and fails', async () => {
    const run = await runCli(rig, ['status']);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('Not signed in').and.include('npm run partner-center -- login');
  });

  it('login without MFA is refused with what to do, and nothing is kept: status still says nobody signed in', async () => {
    rig.pc.authority.signInWithoutMfa();
    try {
      const run = await runCli(rig, ['login'], (text) => {
        if (/enter the code/.test(text)) rig.pc.authority.approve();
      });
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include('Sign-in refused for maria@partner.example').and.include('without multi-factor authentication (MFA)');
      expect(run.stderr).to.include('turn on MFA for this account');
      const status = await runCli(rig, ['status']);
      expect(status.code).to.equal(1);
      expect(status.stderr).to.include('Not signed in');
    } finally {
      rig.pc.authority.signInWithoutMfa(false);
    }
  });

  it('login shows the authority’s device code message, then who signed in, with MFA; the kept sign-in is sealed', async () => {
    const run = await login(rig);
    expect(run.stdout).to.include('(MFA: yes)');
    expect(run.stdout).to.match(/To sign in, use a web browser to open the page https:\/\/microsoft\.com\/devicelogin and enter the code \w+/);
    expect(run.stdout).to.include('Signed in to Partner Center as maria@partner.example');
    const file = await readFile(path.join(rig.dataDir, 'partner-center', 'token-cache.json'), 'utf8');
    expect(file).not.to.include('fake-rt-').and.not.to.include('fake-at-').and.not.to.include(TOKEN_KEY);
    expect(run.stdout + run.stderr).not.to.match(/fake-(rt|at)-/);
    expect(rig.pc.authority.grants).to.include('device_code');
  });

  it('register-webhook registers the events URL; another URL already there is named and kept unless --replace', async () => {
    rig.pc.api.registration = { WebhookUrl: 'https://crm.example/connector', WebhookEvents: ['referral-created'] };
    const refused = await runCli(rig, ['register-webhook', 'https://bot.partner.example']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include('https://crm.example/connector').and.include('--replace');
    expect(rig.pc.api.registration.WebhookUrl).to.equal('https://crm.example/connector');

    const replaced = await runCli(rig, ['register-webhook', 'https://bot.partner.example', '--replace']);
    expect(replaced.code, replaced.stderr).to.equal(0);
    expect(replaced.stdout)
      .to.include('Registered https://bot.partner.example/api/partner-center/events')
      .and.include('Replaced https://crm.example/connector');
    expect(rig.pc.api.registration).to.deep.equal({
      WebhookUrl: 'https://bot.partner.example/api/partner-center/events',
      WebhookEvents: ['referral-created', 'referral-updated', 'related-referral-created', 'related-referral-updated'],
    });

    const again = await runCli(rig, ['register-webhook', 'https://bot.partner.example/api/partner-center/events']);
    expect(again.stdout).to.include('Already registered');
    const plain = await runCli(rig, ['register-webhook', 'http://bot.partner.example']);
    expect(plain.code).to.equal(2);
  });

  it('status names the account and the registration; test-event reports Partner Center’s delivery status', async () => {
    const status = await runCli(rig, ['status']);
    expect(status.code, status.stderr).to.equal(0);
    expect(status.stdout).to.include('Signed in as maria@partner.example').and.include('Webhook: https://bot.partner.example/api/partner-center/events');
    const test = await runCli(rig, ['test-event']);
    expect(test.code, test.stderr).to.equal(0);
    expect(test.stdout)
      .to.match(/correlation id [0-9a-f-]{36}/)
      .and.match(/Delivery status: /);
  });

  it('an unknown command prints the usage and exits 2', async () => {
    const run = await runCli(rig, ['logout']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include('usage: npm run partner-center -- login | status');
  });
});

describe('npm run partner-center:sim (component)', function () {
  this.timeout(60_000);

  it('starts a local Partner Center and the bot signed in to it; Enter sends a co-sell referral from Microsoft and its related referral by signed webhook, and the bot takes both in', async () => {
    const port = await freePort();
    const sim = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'scripts/partner-center-sim.ts', '--no-playground'], {
      cwd: ROOT,
      env: childEnv({ PORT: String(port), LOG_LEVEL: 'warn' }),
    });
    let output = '';
    sim.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    sim.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor('the simulator ready', () => output.includes('press Enter here'), 40_000);
      expect(output).to.include('the bot is signed in as maria@partner.example');
      // The device-code text names Microsoft's page; the simulator says first that nobody needs to open it.
      expect(output.indexOf('there is no page to open')).to.be.within(0, output.indexOf('devicelogin'));
      sim.stdin.write('\n');
      // The first Enter: a co-sell referral from Microsoft, then its related referral (the same engagement).
      const id = await waitFor('a referral sent', () => /sent referral-created for (\S+) .*answered 200/.exec(output)?.[1]);
      const related = await waitFor('its related referral sent', () => /sent related-referral-created for (\S+) .*answered 200/.exec(output)?.[1]);
      const first = await waitFor('taken in by the bot', async () => {
        const response = await fetch(`http://127.0.0.1:${port}/api/referrals/${id}`);
        return response.status === 200 && ((await response.json()) as Record<string, any>);
      });
      expect(first.inviteContext.invitedBy.organizationId).to.equal('msft');
      expect(first.consent.consentToShareReferralWithMicrosoftSellers).to.equal(true);
      const twin = await waitFor('the related one taken in', async () => {
        const response = await fetch(`http://127.0.0.1:${port}/api/referrals/${related}`);
        return response.status === 200 && ((await response.json()) as Record<string, any>);
      });
      expect(twin).to.include({ engagementId: first.engagementId, type: 'Shared' });
      expect(twin.firstOfEngagement).to.deep.equal({ id, name: first.name });
      // The CLI, with no connection of its own in its config, reports the simulator's bot.
      const status = spawnSync(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'scripts/partner-center.ts', 'status'], {
        cwd: ROOT,
        env: childEnv({ PORT: String(port) }),
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(status.status, status.stderr).to.equal(0);
      expect(status.stdout).to.include(`the bot on port ${port}`).and.include('signed in as maria@partner.example');
    } finally {
      sim.kill('SIGTERM');
      await new Promise((resolve) => sim.once('exit', resolve));
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
