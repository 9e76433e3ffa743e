// The usual start of a card-action test: the bot installed in the fixture team, EMEA subscribed,
// one RFI taken in (received now, so no timer is due) and its card posted in EMEA.

import { OPEN_FILE_PATTERN } from '../../storage/layout.js';
import { sendActivity } from './bot-client.js';
import type { FakeConnector } from './fake-connector.js';
import { postReferral, sampleRfi } from './intake-client.js';
import { channelMention, fixture, installationUpdate } from './teams-activities.js';

/** Installs, subscribes EMEA, takes in RFI `id` and waits for its card; returns the card's activity id. */
export async function cardInEmea(botUrl: string, fake: FakeConnector, id: string): Promise<string> {
  await sendActivity(botUrl, installationUpdate('add', { serviceUrl: fake.url }));
  await sendActivity(botUrl, channelMention('subscribe', { serviceUrl: fake.url, channel: fixture.team.emea, from: fixture.manager }));
  const res = await postReferral(botUrl, sampleRfi(id, { createdDateTime: undefined }));
  if (res.status !== 201) throw new Error(`POST /api/referrals answered ${res.status}: ${JSON.stringify(res.body)}`);
  const post = await fake.waitFor((requests) =>
    requests.find((r) => r.outcome === 'ok' && r.method === 'POST' && JSON.stringify(r.body).includes(`"referralId":${JSON.stringify(id)}`)),
  );
  return post.messageId as string;
}

/** The open-record files among `files` (paths relative to a data directory): what "stored" means on disk. */
export function recordFiles(files: readonly string[]): string[] {
  return files.filter((name) => name.startsWith('open/') && OPEN_FILE_PATTERN.test(name.slice('open/'.length)));
}
