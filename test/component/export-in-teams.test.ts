// `export` in Teams (docs/teams-guide.md#export): in a manager's personal chat the bot offers the
// file through Teams' file consent flow; on accept it uploads the same file as
// GET /api/referrals/export to the URL Teams gave and posts it; on decline it says nothing was sent.
// The real service, the fake Teams connector, a local stand-in for OneDrive's upload URL.

import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { t } from '../../cards/i18n.js';
import { FILE_CONSENT_CARD, FILE_INFO_CARD } from '../../bot/teams/export-command.js';
import { sendActivity } from '../support/bot-client.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { postReferral, sampleRfi } from '../support/intake-client.js';
import { removeDir, startService, type TestService } from '../support/start-service.js';
import { channelMention, fixture, fixtureConnectorOptions, installationUpdate, personalMessage, type FixtureUser } from '../support/teams-activities.js';

const { anna, maria } = fixture.users;

interface Upload {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

describe('export in Teams: the file consent flow (component)', function () {
  this.timeout(30_000);
  let fake: FakeConnector;
  let service: TestService;
  let oneDrive: Server;
  const uploads: Upload[] = [];

  beforeEach(async () => {
    uploads.length = 0;
    fake = await startFakeConnector(fixtureConnectorOptions());
    service = await startService({ MANAGER_IDS: maria.aadObjectId });
    oneDrive = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.method === 'PUT') uploads.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.statusCode = 201;
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => oneDrive.listen(0, '127.0.0.1', resolve));
    await sendActivity(service.url, installationUpdate('add', { serviceUrl: fake.url }));
  });

  afterEach(async () => {
    await service?.stop();
    await fake?.close();
    await new Promise((resolve) => oneDrive?.close(resolve));
    if (service) await removeDir(service.dataDir);
  });

  /** A personal message; the bot's answer (the request to the connector). */
  async function say(text: string, from: FixtureUser) {
    const before = fake.requests.length;
    expect((await sendActivity(service.url, personalMessage(text, { serviceUrl: fake.url, from }))).status).to.equal(200);
    return fake.waitFor((requests) =>
      requests.slice(before).find((r) => r.outcome === 'ok' && r.body?.type === 'message' && r.conversationId === from.personalConversationId),
    );
  }

  /** The invoke Teams sends when the person answers the consent card. */
  function consentAnswer(action: 'accept' | 'decline', context: unknown, from: FixtureUser) {
    const base = personalMessage('', { serviceUrl: fake.url, from });
    const { port } = oneDrive.address() as AddressInfo;
    return {
      ...base,
      type: 'invoke',
      name: 'fileConsent/invoke',
      text: undefined,
      value: {
        type: 'fileUpload',
        action,
        context,
        ...(action === 'accept' && {
          uploadInfo: {
            contentUrl: 'https://contoso-my.sharepoint.com/personal/maria/Documents/Applications/Referral%20Desk/referrals.csv',
            name: 'referrals-30d.csv',
            uploadUrl: `http://127.0.0.1:${port}/upload/session-1`,
            uniqueId: '1150D938-8870-4044-9F2C-5BBDEBA70C8C',
            fileType: 'csv',
          },
        }),
      },
    };
  }

  it('a manager accepts: the file is the API export, uploaded whole, then posted in the chat', async () => {
    expect((await postReferral(service.url, sampleRfi('exp-1'))).status).to.equal(201);
    const offer = await say('export 30d csv', maria);
    const consent = offer.body.attachments[0];
    expect(consent.contentType).to.equal(FILE_CONSENT_CARD);
    expect(consent.name).to.match(/^referrals-30d-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(consent.content.acceptContext).to.deep.equal({ period: '30d', format: 'csv' });
    expect(JSON.stringify(consent)).to.not.include('exp-1');

    const before = fake.requests.length;
    const answer = await sendActivity(service.url, consentAnswer('accept', consent.content.acceptContext, maria));
    expect(answer.status).to.equal(200);
    expect(uploads).to.have.length(1);
    const api = await (await fetch(`${service.url}/api/referrals/export?format=csv&from=${new Date(Date.now() - 30 * 86_400_000).toISOString()}`)).text();
    expect(uploads[0]!.body.toString('utf8')).to.equal(api);
    expect(uploads[0]!.headers['content-range']).to.equal(`bytes 0-${uploads[0]!.body.length - 1}/${uploads[0]!.body.length}`);
    const posted = await fake.waitFor((requests) =>
      requests.slice(before).find((r) => r.outcome === 'ok' && r.body?.attachments?.[0]?.contentType === FILE_INFO_CARD),
    );
    expect(posted.body.attachments[0]).to.deep.include({ name: 'referrals-30d.csv' });
    expect(posted.body.text).to.equal(t('en', 'export.sent', { count: 1 }));
  });

  it('declined: nothing is uploaded and the chat says so; a forged context is refused', async () => {
    const before = fake.requests.length;
    expect((await sendActivity(service.url, consentAnswer('decline', { period: '30d', format: 'csv' }, maria))).status).to.equal(200);
    const said = await fake.waitFor((requests) =>
      requests.slice(before).find((r) => r.outcome === 'ok' && r.body?.type === 'message' && r.conversationId === maria.personalConversationId),
    );
    expect(said.body.text).to.equal(t('en', 'export.declined'));
    const forged = fake.requests.length;
    await sendActivity(service.url, consentAnswer('accept', { period: 'forever', format: 'xlsx' }, maria));
    const refused = await fake.waitFor((requests) =>
      requests.slice(forged).find((r) => r.outcome === 'ok' && r.body?.type === 'message' && r.conversationId === maria.personalConversationId),
    );
    expect(refused.body.text).to.equal(t('en', 'export.usage'));
    expect(uploads).to.deep.equal([]);
  });

  it('not a manager, or in a channel: told so, no file offered; an accept from a non-manager uploads nothing', async () => {
    expect((await say('export', anna)).body.text).to.equal(t('en', 'export.managersOnly'));
    const before = fake.requests.length;
    await sendActivity(service.url, channelMention('export', { serviceUrl: fake.url, channel: fixture.team.emea, from: maria }));
    const inChannel = await fake.waitFor((requests) => requests.slice(before).find((r) => r.outcome === 'ok' && typeof r.body?.text === 'string'));
    expect(inChannel.body.text).to.equal(t('en', 'export.personalOnly'));
    await sendActivity(service.url, consentAnswer('accept', { period: '30d', format: 'csv' }, anna));
    expect(uploads).to.deep.equal([]);
  });
});
