// End to end in a real Teams-like client: the bot in local mode, the Microsoft 365 Agents Playground
// (`-c msteams`, the project's .m365agentsplayground.yml) and its web page in headless Chromium.
// Every assertion is about what a person sees on the page: posts, cards, buttons, form errors,
// thread replies. `npm run test:e2e`; docs/e2e.md explains the set-up and the playground's quirks.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type Locator } from 'playwright-core';
import { saveFailureArtifacts } from './support/artifacts.js';
import { PlaygroundPage, field, step, waitUntil, type ChannelName } from './support/playground-ui.js';
import { getFreePort, makeRunDir, removeRunDir, startBot, startPlayground, type Bot, type Playground } from './support/processes.js';
import { rfi, sendRfi, type TestRfi } from './support/referrals.js';
import {
  botName,
  currentUserName,
  dateOnly,
  daysFromToday,
  MOMENT,
  money,
  normalize,
  prefix,
  text,
  type CalendarDate,
  type Locale,
} from './support/strings.js';

const CHROMIUM = process.env['CHROMIUM_PATH']?.trim() || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];
/** Alex Morgan (the playground's own user, who sets up the routes) and Priya Nair in .m365agentsplayground.yml. */
const MANAGER_IDS = '20000000-0000-4000-8000-000000000000,20000000-0000-4000-8000-000000000005';
/** Timers of a few seconds for scenario 5: reminder after 3 s, "expires soon" after 6 s, expiry after 9 s. */
const SHORT_TIMERS = { RESPOND_WITHIN: 'PT3S', EXPIRE_AFTER: 'PT9S', EXPIRY_WARNING_BEFORE: 'PT3S' };

const BOT = botName();
const ACTOR = currentUserName();

describe('Referral Desk in the Microsoft 365 Agents Playground (end to end)', function () {
  this.timeout(90_000);

  let runDir: string;
  let botPort: number;
  let bot: Bot | undefined;
  let playground: Playground | undefined;
  let browser: Browser | undefined;
  /** Alex Morgan's browser: the person who acts. */
  let alex: PlaygroundPage;
  const sessions = new Set<PlaygroundPage>();
  /** Channels set up for the current bot process (a restart with fresh data forgets them). */
  let ready: Partial<Record<ChannelName, boolean>> = {};
  let botRuns = 0;

  async function launchBot(env: Record<string, string> = {}): Promise<void> {
    botRuns += 1;
    bot = await startBot({
      port: botPort,
      dataDir: path.join(runDir, `data-${botRuns}`),
      logFile: path.join(runDir, `bot-${botRuns}.log`),
      env: { MANAGER_IDS, ...env },
    });
    ready = {};
  }

  async function openSession(name: string): Promise<PlaygroundPage> {
    const session = await PlaygroundPage.open(browser!, name, playground!.url);
    sessions.add(session);
    return session;
  }

  async function closeSession(session: PlaygroundPage): Promise<void> {
    sessions.delete(session);
    await session.close();
  }

  before(async function () {
    this.timeout(120_000);
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    }
    runDir = makeRunDir();
    botPort = await getFreePort();
    // In parallel; each is kept as soon as it is up, so that after() stops it even if another fails.
    await Promise.all([
      launchBot(),
      startPlayground({ workDir: runDir, botEndpoint: `http://127.0.0.1:${botPort}/api/messages`, logFile: path.join(runDir, 'playground.log') }).then(
        (started) => (playground = started),
      ),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }).then((launched) => (browser = launched)),
    ]);
    alex = await openSession('alex');
  });

  afterEach(async function () {
    const test = this.currentTest;
    const always = process.env['E2E_ARTIFACTS'] === 'always';
    if (!test || (test.state !== 'failed' && !always)) return;
    const logs = [...Array.from({ length: botRuns }, (_, i) => path.join(runDir, `bot-${i + 1}.log`)), path.join(runDir, 'playground.log')];
    if (playground) logs.push(playground.internalLogFile);
    const saved = await saveFailureArtifacts(test.title, [...sessions], logs);
    console.log(`\n    ${test.state === 'failed' ? 'Evidence' : 'Screenshots'} of "${test.title}":\n${saved.map((file) => `      ${file}`).join('\n')}\n`);
    if (test.state === 'failed') for (const session of sessions) await session.dismissPopups();
  });

  after(async function () {
    this.timeout(30_000);
    for (const session of sessions) await session.close();
    await browser?.close().catch(() => undefined);
    await bot?.stop();
    await playground?.stop();
    if (runDir) await removeRunDir(runDir);
  });

  // --- steps shared by the scenarios ------------------------------------------------------------

  /** The English channel: General, subscribed to every referral. */
  async function subscribeGeneral(session: PlaygroundPage): Promise<void> {
    await session.openChannel('General');
    const post = await session.mention(BOT, 'subscribe');
    await step('the bot confirms the subscription in the thread', () => post.getByText(text('en', 'command.subscribedOnly')).waitFor());
    ready.General = true;
  }

  /** The Russian channel: EMEA, in Russian, receiving the referrals from Russia. */
  async function subscribeEmeaInRussian(session: PlaygroundPage): Promise<void> {
    await session.openChannel('EMEA');
    const settings = await session.mention(BOT, 'settings locale ru');
    await step('the bot answers in Russian', () =>
      settings.getByText(text('ru', 'command.settingsChanged', { language: text('ru', 'language.ru') })).waitFor(),
    );
    const subscribe = await session.mention(BOT, 'subscribe country=RU');
    await step('the bot confirms the route in Russian', () => subscribe.getByText(prefix('ru', 'command.subscribed')).waitFor());
    ready.EMEA = true;
  }

  async function inChannel(session: PlaygroundPage, channel: ChannelName): Promise<void> {
    if (!ready[channel]) {
      await (channel === 'General' ? subscribeGeneral(session) : subscribeEmeaInRussian(session));
    } else {
      await session.openChannel(channel);
    }
  }

  /** Waits for the card of an RFI that was sent, in the open channel: New, with Accept and Decline only. */
  async function cardOf(session: PlaygroundPage, referral: TestRfi, locale: Locale): Promise<{ thread: Locator; card: Locator }> {
    const thread = session.thread(referral.customer);
    const card = PlaygroundPage.card(thread);
    await step(
      `${session.name}: the card of ${referral.customer} shows with ${text(locale, 'action.accept')} and ${text(locale, 'action.decline')}`,
      async () => {
        await card.getByRole('button', { name: text(locale, 'action.decline'), exact: true }).waitFor();
        expect(await PlaygroundPage.buttonTitles(card)).to.deep.equal([text(locale, 'action.accept'), text(locale, 'action.decline')]);
      },
    );
    return { thread, card };
  }

  const statusLine = (locale: Locale, status: 'New' | 'Active' | 'Closed', substatus: 'Pending' | 'Accepted' | 'Declined' | 'Expired' | 'Won') =>
    text(locale, 'status.line', { status: text(locale, `status.${status}`), substatus: text(locale, `substatus.${substatus}`) });

  const cardText = async (card: Locator) => normalize(await card.innerText());

  interface AcceptInput {
    engagementName: string;
    dealValue: number;
    /** The first letters of the currency option ("USD"). */
    currency?: string;
    closeDate: CalendarDate;
    notes?: string;
    crmId?: string;
  }

  /** Presses Accept on the card, fills the Accept form like a person, presses "Accept referral". */
  async function acceptWith(session: PlaygroundPage, card: Locator, locale: Locale, input: AcceptInput, open = true): Promise<void> {
    if (open) {
      await card.getByRole('button', { name: text(locale, 'action.accept'), exact: true }).click();
      await step('the Accept form replaces the card', () => card.getByText(text(locale, 'form.accept.title'), { exact: true }).first().waitFor());
    }
    await step('fill the Accept form', async () => {
      await field.text(card, text(locale, 'field.engagementName')).fill(input.engagementName);
      await PlaygroundPage.fillNumber(field.number(card, text(locale, 'field.dealValue')), input.dealValue);
      if (input.currency) await session.choose(field.combo(card, text(locale, 'field.currency')), new RegExp(`^${input.currency}`));
      await session.pickDate(field.combo(card, text(locale, 'field.closeDate')), input.closeDate);
      if (input.notes !== undefined) await field.text(card, text(locale, 'field.notes.accept')).fill(input.notes);
      if (input.crmId !== undefined) await field.text(card, text(locale, 'field.crmId')).fill(input.crmId);
    });
    await card.getByRole('button', { name: text(locale, 'form.accept.submit'), exact: true }).click();
  }

  /** Checks the Active card and the thread reply after a successful Accept. */
  async function expectAccepted(thread: Locator, locale: Locale, input: AcceptInput & { currency: string }): Promise<string> {
    const card = PlaygroundPage.card(thread);
    await step('the card shows Active · Accepted', () =>
      card
        .getByText(statusLine(locale, 'Active', 'Accepted'))
        .first()
        .waitFor(),
    );
    const shown = await cardText(card);
    expect(shown, 'deal value on the card').to.include(money(locale, input.dealValue, input.currency));
    expect(shown, 'close date on the card').to.include(dateOnly(locale, input.closeDate));
    expect(shown, "times in the card's language").to.match(MOMENT[locale]);
    if (locale === 'ru') expect(shown, 'no English month on a Russian card').not.to.match(MOMENT.en);
    expect(shown, 'engagement name on the card').to.include(input.engagementName);
    expect(shown, 'owner on the card').to.include(ACTOR);
    if (input.crmId) expect(shown, 'CRM ID on the card').to.include(input.crmId);
    expect(await PlaygroundPage.buttonTitles(card)).to.deep.equal(
      (['action.won', 'action.lost', 'action.editEngagement', 'action.addContact', 'action.handOver'] as const).map((key) => text(locale, key)),
    );
    const reply = text(locale, 'reply.accepted', {
      actor: ACTOR,
      currency: input.currency,
      value: money(locale, input.dealValue, input.currency).slice(input.currency.length + 1),
      date: dateOnly(locale, input.closeDate),
    });
    await step(`the thread reply "${reply}" shows`, () => thread.getByText(reply).first().waitFor());
    return shown;
  }

  /** Presses Decline, picks the reason, writes notes, presses "Decline referral"; checks the closed card. */
  async function declineWith(session: PlaygroundPage, referral: TestRfi, thread: Locator, locale: Locale, notes: string): Promise<void> {
    const card = PlaygroundPage.card(thread);
    expect(await cardText(card), 'contact details before the decline').to.include(referral.contactEmail);
    await card.getByRole('button', { name: text(locale, 'action.decline'), exact: true }).click();
    await step('the Decline form replaces the card', () => card.getByText(text(locale, 'form.decline.title'), { exact: true }).first().waitFor());
    const reason = text(locale, 'reason.NotACustomer');
    await session.choose(field.combo(card, text(locale, 'field.reason')), reason);
    await field.text(card, text(locale, 'field.notes.optional')).fill(notes);
    await card.getByRole('button', { name: text(locale, 'form.decline.submit'), exact: true }).click();

    await step('the card shows Closed · Declined', () =>
      card
        .getByText(statusLine(locale, 'Closed', 'Declined'))
        .first()
        .waitFor(),
    );
    const shown = await cardText(card);
    expect(await PlaygroundPage.buttonTitles(card), 'buttons on the declined card').to.deep.equal([]);
    expect(shown, 'the customer e-mail is hidden').not.to.include(referral.contactEmail);
    expect(shown, 'the phone number is hidden').not.to.include('+49 30 1234567');
    expect(shown).to.include(text(locale, 'card.contactsHidden'));
    expect(shown).to.include(reason);
    const reply = `${text(locale, 'reply.declined', { actor: ACTOR, reason })}${text(locale, 'reply.notesSuffix', { notes })}`;
    await step(`the thread reply "${reply}" shows`, () => thread.getByText(normalize(reply)).first().waitFor());
  }

  /** Asserts that `error` shows right under `above` and over `below`, aligned with them: "at the field". */
  async function expectErrorAt(error: Locator, above: Locator, below: Locator, what: string): Promise<void> {
    await step(`${what} shows`, () => error.waitFor());
    const [fieldBox, errorBox, nextBox] = await Promise.all([above.boundingBox(), error.boundingBox(), below.boundingBox()]);
    expect(fieldBox && errorBox && nextBox, `${what}: the field, the error and the next field are on screen`).to.be.ok;
    expect(errorBox!.y, `${what} is below its field`).to.be.at.least(fieldBox!.y + fieldBox!.height - 1);
    expect(errorBox!.y + errorBox!.height, `${what} is above the next field`).to.be.at.most(nextBox!.y);
    expect(errorBox!.x, `${what} is aligned with its field`).to.be.closeTo(fieldBox!.x, 40);
  }

  /**
   * Submits the Accept form with a close date in the past: the form stays, with the error under the
   * date field and what the person typed. (The playground's renderer enforces the Input.Date `min` the
   * bot sets, with the bot's own errorMessage, before anything is sent; see docs/e2e.md.)
   */
  async function expectPastDateRefused(session: PlaygroundPage, thread: Locator, locale: Locale, engagementName: string): Promise<void> {
    const card = PlaygroundPage.card(thread);
    await acceptWith(session, card, locale, { engagementName, dealValue: 12_000, closeDate: daysFromToday(-40) });
    await expectErrorAt(
      card.getByText(text(locale, 'form.error.dateInPast'), { exact: true }),
      field.combo(card, text(locale, 'field.closeDate')),
      field.text(card, text(locale, 'field.notes.accept')),
      `"${text(locale, 'form.error.dateInPast')}"`,
    );
    // Still the form, with what the person typed.
    await card.getByText(text(locale, 'form.accept.title'), { exact: true }).first().waitFor();
    expect(await card.getByRole('button', { name: text(locale, 'form.accept.submit'), exact: true }).count()).to.equal(1);
    expect(await field.text(card, text(locale, 'field.engagementName')).inputValue()).to.equal(engagementName);
    expect(Number((await field.number(card, text(locale, 'field.dealValue')).inputValue()).replace(/\D/g, ''))).to.equal(12_000);
  }

  // --- the scenarios -------------------------------------------------------------------------------

  it('1. installs in the team channel, subscribes it with @mention, and shows a new RFI card with Accept and Decline', async () => {
    const installs = alex.logEntry('installationUpdate 200');
    const memberUpdates = alex.logEntry('conversationUpdate 200');
    // On page load the playground installs the app in the personal chat (one pair of events).
    const before = {
      installs: await waitUntil(
        'the personal chat install shows in the log panel',
        () => installs.count(),
        (count) => count >= 1,
      ),
      members: await waitUntil(
        'the personal chat conversationUpdate shows in the log panel',
        () => memberUpdates.count(),
        (count) => count >= 1,
      ),
    };

    await alex.openChannel('General');
    await step('the playground sends the team install events and the bot answers 200', async () => {
      await waitUntil(
        'a second installationUpdate 200',
        () => installs.count(),
        (count) => count > before.installs,
      );
      await waitUntil(
        'a second conversationUpdate 200',
        () => memberUpdates.count(),
        (count) => count > before.members,
      );
    });
    await step('the welcome card shows in the channel', () => alex.thread(text('en', 'welcome.title')).first().waitFor());

    await subscribeGeneral(alex);

    const referral = rfi({ customer: 'Northwind Traders GmbH' });
    await sendRfi(bot!.url, referral);
    const { card } = await cardOf(alex, referral, 'en');
    const shown = await cardText(card);
    expect(shown).to.include(text('en', 'card.title', { name: `${referral.customer} – cloud migration` }));
    expect(shown).to.include(statusLine('en', 'New', 'Pending'));
    expect(shown, 'contact details on a new referral').to.include(referral.contactEmail);
    expect(shown, "the customer's estimated deal value, before anyone accepts")
      .to.include(text('en', 'card.dealValue'))
      .and.include(money('en', 50_000, 'EUR'));
  });

  it('2. Accept: the form, then the card shows Active with the deal value and close date, the thread names the actor, and another viewer sees the same card', async () => {
    await inChannel(alex, 'General');
    // Someone else looking at the channel: a second browser session (the playground has one current user, see docs/e2e.md).
    const other = await openSession('second viewer');
    try {
      const installs = other.logEntry('installationUpdate 200');
      const installsBefore = await waitUntil(
        'the personal chat install of the second session',
        () => installs.count(),
        (count) => count >= 1,
      );
      await other.openChannel('General');
      await waitUntil(
        'the second session sent the team install events',
        () => installs.count(),
        (count) => count > installsBefore,
      );

      const referral = rfi({ customer: 'Contoso Pharmaceuticals AG' });
      await sendRfi(bot!.url, referral);
      const { thread, card } = await cardOf(alex, referral, 'en');
      await cardOf(other, referral, 'en');

      const input = {
        engagementName: 'Contoso – SQL estate to Azure',
        dealValue: 75_000,
        currency: 'USD',
        closeDate: daysFromToday(20),
        notes: 'Two data centres, 40 SQL Server instances',
        crmId: 'CRM-4711',
      };
      await acceptWith(alex, card, 'en', input);
      const actorView = await expectAccepted(thread, 'en', input);

      const otherThread = other.thread(referral.customer);
      const otherView = await step('the second viewer sees the updated card', () => expectAccepted(otherThread, 'en', input));
      expect(otherView, 'the same card for both viewers').to.equal(actorView);
      expect(await otherThread.getByText(text('en', 'form.accept.title'), { exact: true }).count(), 'the form is only in the actor’s view').to.equal(0);

      // The second session's install events did not make the bot say hello again.
      expect(await alex.thread(text('en', 'welcome.title')).count(), 'welcome cards in the first session').to.equal(1);
      expect(await other.thread(text('en', 'welcome.title')).count(), 'welcome cards in the second session').to.equal(0);
    } finally {
      await closeSession(other);
    }
  });

  it("3. a close date in the past: the form stays with the error at the date field; the bot's own checks answer the same way; nothing changes", async () => {
    await inChannel(alex, 'General');
    const referral = rfi({ customer: 'Tailspin Toys Ltd' });
    await sendRfi(bot!.url, referral);
    const { thread, card } = await cardOf(alex, referral, 'en');
    await expectPastDateRefused(alex, thread, 'en', 'Tailspin – retail analytics');

    // The past date never reaches the bot in the playground (its renderer checks `min` first). The bot's
    // own validation, seen on the page: a valid date now, but an extra contact with a first name only.
    const invokes = alex.logEntry('invoke 200');
    const invokesBefore = await invokes.count();
    const closeDate = daysFromToday(30);
    await alex.pickDate(field.combo(card, text('en', 'field.closeDate')), closeDate);
    await field.text(card, text('en', 'field.firstName')).first().fill('Jonas');
    await card.getByRole('button', { name: text('en', 'form.accept.submit'), exact: true }).click();
    await step('the bot answers with the form and its summary', () =>
      card
        .getByText(normalize(text('en', 'form.summary')))
        .first()
        .waitFor(),
    );
    await waitUntil(
      'the submission reached the bot',
      () => invokes.count(),
      (count) => count > invokesBefore,
    );
    await expectErrorAt(
      card.getByText(text('en', 'form.error.contactName'), { exact: true }),
      field.text(card, text('en', 'field.lastName')).first(),
      field.text(card, text('en', 'field.email')).first(),
      'the contact name error',
    );
    await expectErrorAt(
      card.getByText(text('en', 'form.error.emailOrPhone'), { exact: true }),
      field.text(card, text('en', 'field.email')).first(),
      field.text(card, text('en', 'field.phone')).first(),
      'the e-mail or phone error',
    );
    expect(await field.text(card, text('en', 'field.firstName')).first().inputValue(), 'the typed first name is kept').to.equal('Jonas');
    expect(await field.text(card, text('en', 'field.engagementName')).inputValue(), 'the engagement name is kept').to.equal('Tailspin – retail analytics');
    expect(await field.combo(card, text('en', 'field.closeDate')).inputValue(), 'the close date is kept').to.include(String(closeDate.year));

    await card.getByRole('button', { name: text('en', 'action.cancel'), exact: true }).click();
    await step('Cancel brings back the unchanged card', () =>
      card
        .getByText(statusLine('en', 'New', 'Pending'))
        .first()
        .waitFor(),
    );
    expect(await PlaygroundPage.buttonTitles(card)).to.deep.equal([text('en', 'action.accept'), text('en', 'action.decline')]);
  });

  it('4. Decline with a reason: the card shows Declined, has no buttons, and hides the contact details', async () => {
    await inChannel(alex, 'General');
    const referral = rfi({ customer: 'Wide World Importers BV', country: 'NL', city: 'Utrecht' });
    await sendRfi(bot!.url, referral);
    const { thread } = await cardOf(alex, referral, 'en');
    await declineWith(alex, referral, thread, 'en', 'Duplicate of an existing request');
  });

  it('6. in Russian after "settings locale ru": Принять with an error and then success, Отклонить with a reason', async () => {
    await inChannel(alex, 'EMEA');

    const accepted = rfi({ customer: 'ООО Северный Ветер', country: 'RU', city: 'Москва', name: 'Северный Ветер – переход в облако' });
    await sendRfi(bot!.url, accepted);
    const { thread, card } = await cardOf(alex, accepted, 'ru');
    expect(await cardText(card)).to.include(statusLine('ru', 'New', 'Pending'));

    await expectPastDateRefused(alex, thread, 'ru', 'Северный Ветер – миграция');
    const input = { engagementName: 'Северный Ветер – миграция', dealValue: 75_000, currency: 'EUR', closeDate: daysFromToday(25) };
    await acceptWith(alex, card, 'ru', input, false);
    await expectAccepted(thread, 'ru', input);

    const declined = rfi({ customer: 'АО Дальний Берег', country: 'RU', city: 'Казань', name: 'Дальний Берег – лицензии' });
    await sendRfi(bot!.url, declined);
    const second = await cardOf(alex, declined, 'ru');
    await declineWith(alex, declined, second.thread, 'ru', 'Повторный запрос');

    // The figures in Russian: no word of the card is wider than its place (it would break mid-word:
    // the per-seller table's headers, the stage labels). Words are what a line may break between.
    const stats = await alex.mention(BOT, 'stats');
    const statsCard = PlaygroundPage.card(stats);
    await step('the stats card shows', () => statsCard.getByText(text('ru', 'stats.sellersHeading')).first().waitFor());
    const broken = await statsCard.evaluate((card: any) => {
      const doc = (globalThis as any).document;
      const found: string[] = [];
      const probe = doc.createElement('span');
      probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap';
      doc.body.append(probe);
      for (const block of Array.from(card.querySelectorAll('.ac-textBlock')) as any[]) {
        const style = (globalThis as any).getComputedStyle(block);
        probe.style.font = style.font;
        probe.style.letterSpacing = style.letterSpacing;
        const width = block.getBoundingClientRect().width;
        for (const word of String(block.innerText ?? '')
          .split(/[ \t\n]+/)
          .filter(Boolean)) {
          probe.textContent = word;
          if (probe.getBoundingClientRect().width > width + 0.5) found.push(word);
        }
      }
      probe.remove();
      return found;
    });
    expect(broken, 'words wider than their place on the stats card (they break mid-word)').to.deep.equal([]);
  });

  it('7. an assignment pool: the card says who has it, the assignee gets it in the personal chat with Pass, and Pass hands it to the next person', async () => {
    await inChannel(alex, 'General');
    const lena = 'Lena Vogel';
    const pool = await alex.mention(BOT, 'assign me', [lena]);
    await step('the bot confirms the pool', () =>
      pool
        .getByText(new RegExp(`${ACTOR}.*${lena}|Assignment pool`))
        .first()
        .waitFor(),
    );

    const referral = rfi({ customer: 'Tailspin Toys AG' });
    await sendRfi(bot!.url, referral);
    const { thread, card } = await cardOf(alex, referral, 'en');
    const assignedLine = (name: string) => `${normalize(text('en', 'card.assigned', { name, time: '' }).replace(/\*\*/g, ''))}`.replace(/\s+$/, '');
    await step('the channel card says who has it', () => card.getByText(assignedLine(ACTOR).split(' · ')[0]!).first().waitFor());
    expect(await cardText(card)).to.include(`${ACTOR} · answer by`);
    await step('the thread @mentions the assignee', () =>
      thread
        .getByText(new RegExp(`Assigned to ${ACTOR}: please accept or decline by`))
        .first()
        .waitFor(),
    );

    await alex.openPersonalChat();
    const personal = alex.chatCard(referral.customer);
    await step('the personal copy has Accept, Decline and Pass', async () => {
      await personal.getByRole('button', { name: text('en', 'action.pass'), exact: true }).waitFor();
      expect(await PlaygroundPage.buttonTitles(personal)).to.deep.equal([text('en', 'action.accept'), text('en', 'action.decline'), text('en', 'action.pass')]);
    });
    await personal.getByRole('button', { name: text('en', 'action.pass'), exact: true }).click();
    await step('after Pass the copy says it is Lena’s: no Pass; Alex, a manager, may reassign it', async () => {
      await personal.getByText(`${lena} · answer by`, { exact: false }).first().waitFor();
      const buttons = await PlaygroundPage.buttonTitles(personal);
      expect(buttons).to.include.members([text('en', 'action.accept'), text('en', 'action.decline'), text('en', 'action.reassign')]);
      expect(buttons).to.not.include(text('en', 'action.pass'));
    });

    await alex.openChannel('General');
    await step('the channel card and its thread follow', async () => {
      await card.getByText(`${lena} · answer by`, { exact: false }).first().waitFor();
      await thread
        .getByText(new RegExp(`Passed to ${lena} .*${ACTOR} passed it on`))
        .first()
        .waitFor();
    });
    const off = await alex.mention(BOT, 'assign off');
    await step('the pool is off', () => off.getByText(text('en', 'assign.removed')).first().waitFor());
  });

  it('8. Hand over to a colleague, then Won with the final value: the card and the thread say who owns it and what was won', async () => {
    await inChannel(alex, 'General');
    const referral = rfi({ customer: 'Litware Inc' });
    await sendRfi(bot!.url, referral);
    const { thread, card } = await cardOf(alex, referral, 'en');
    const input = { engagementName: 'Litware – data platform', dealValue: 48_000, currency: 'EUR', closeDate: daysFromToday(25) };
    await acceptWith(alex, card, 'en', input);
    await expectAccepted(thread, 'en', input);

    const lena = 'Lena Vogel';
    await card.getByRole('button', { name: text('en', 'action.handOver'), exact: true }).click();
    await alex.choose(field.combo(card, text('en', 'card.handOverTo')), lena);
    await card.getByRole('button', { name: text('en', 'action.handOver'), exact: true }).click();
    await step('the thread says who handed it to whom', () =>
      thread
        .getByText(text('en', 'reply.handedOver', { actor: ACTOR, to: lena }))
        .first()
        .waitFor(),
    );
    await step('the card names the new owner', async () => {
      await card.getByText(lena, { exact: true }).first().waitFor();
      expect(await cardText(card)).to.not.match(new RegExp(`${text('en', 'card.owner')}\\s*${ACTOR}`));
    });

    // Alex, a manager, marks it won with the final value: 61,500 instead of the 48,000 estimate.
    await card.getByRole('button', { name: text('en', 'action.won'), exact: true }).click();
    await step('the Won form asks the final value, prefilled with the estimate', async () => {
      const value = field.number(card, prefix('en', 'field.wonValueIn'));
      await value.waitFor();
      expect(Number((await value.inputValue()).replace(/\D/g, ''))).to.equal(48_000);
      expect(await cardText(card)).to.not.include('Congratulations');
      await PlaygroundPage.fillNumber(value, 61_500);
    });
    await card.getByRole('button', { name: text('en', 'form.won.submit'), exact: true }).click();
    await step('the card shows Won with the final value, and the thread the value', async () => {
      await card
        .getByText(statusLine('en', 'Closed', 'Won'))
        .first()
        .waitFor();
      const shown = await cardText(card);
      expect(shown)
        .to.include(text('en', 'card.wonValue'))
        .and.include(money('en', 61_500, 'EUR'));
      await thread
        .getByText(new RegExp(`Won by ${ACTOR} — EUR.61,500, closed`))
        .first()
        .waitFor();
    });
  });

  describe('with timers of a few seconds', function () {
    let russian: PlaygroundPage | undefined;

    before(async function () {
      this.timeout(90_000);
      // Timers are read at start-up: restart the bot (fresh data) with short ones, on the same port.
      await bot?.stop();
      await launchBot(SHORT_TIMERS);
    });

    after(async () => {
      if (russian) await closeSession(russian);
    });

    it('5. the reminder, the "expires soon" notice and then the expiry show up in the thread and on the card, in English and in Russian', async function () {
      this.timeout(120_000);
      await subscribeGeneral(alex);
      russian = await openSession('russian channel viewer');
      await subscribeEmeaInRussian(russian);

      const english = rfi({ customer: 'Fourth Coffee Inc' });
      const russianRfi = rfi({ customer: 'ООО Четвёртый Кофе', country: 'RU', city: 'Самара', name: 'Четвёртый Кофе – безопасность' });
      await Promise.all([sendRfi(bot!.url, english), sendRfi(bot!.url, russianRfi)]);

      const watch = async (session: PlaygroundPage, referral: TestRfi, locale: Locale) => {
        const { thread, card } = await cardOf(session, referral, locale);
        const reminder = prefix(locale, 'reply.reminder');
        const warning = prefix(locale, 'reply.expiresSoon');
        const expired = text(locale, 'reply.expired');
        await step(`${session.name}: the reminder reply`, () => thread.getByText(reminder).first().waitFor({ timeout: 30_000 }));
        await step(`${session.name}: the "expires soon" reply`, () => thread.getByText(warning).first().waitFor({ timeout: 30_000 }));
        await step(`${session.name}: the expiry reply`, () => thread.getByText(expired).first().waitFor({ timeout: 30_000 }));
        await step(`${session.name}: the card shows Closed · Expired`, () =>
          card
            .getByText(statusLine(locale, 'Closed', 'Expired'))
            .first()
            .waitFor({ timeout: 30_000 }),
        );

        const shown = await cardText(card);
        expect(shown).to.include(text(locale, 'card.summary.Expired'));
        expect(shown, 'contact details hidden after expiry').not.to.include(referral.contactEmail);
        expect(await PlaygroundPage.buttonTitles(card), 'buttons on the expired card').to.deep.equal([]);
        // In the thread, in this order: reminder, notice, expiry.
        const all = normalize(await thread.innerText());
        const at = [reminder, warning, expired].map((needle) => all.indexOf(needle));
        expect(at, `reply order in: ${all}`).to.satisfy((found: number[]) => found.every((index, i) => index >= 0 && (i === 0 || index > found[i - 1]!)));
      };
      await Promise.all([watch(alex, english, 'en'), watch(russian, russianRfi, 'ru')]);
    });
  });
});
