// Driving the Agents Playground's page the way a person does: open a team channel, @mention the bot
// from the mention picker, press card buttons by their titles, fill Fluent UI inputs (the spin
// button, the date picker's calendar, the drop-downs). Handles that the page offers (checked with
// @microsoft/m365agentsplayground 0.2.28):
//
//   - conversations in the left rail are `treeitem`s named "<team> - <channel>";
//   - a post with its thread (replies and the reply box) is a Fluent Card: `[role=group].fui-Card`;
//     the newest post is on top; each Adaptive Card is `.ac-adaptiveCard`;
//   - the new-post composer is the first `[contenteditable=true][role=textbox]` (a Lexical editor);
//     typing `@` opens a `menuitem` list with the bot and the five users (each named by its avatar
//     and its text: "Referral Desk Referral Desk");
//   - card inputs are labelled by their `label` ("Engagement name *"); Input.Number is a `spinbutton`,
//     Input.Date and Input.ChoiceSet (compact) are `combobox`es; the date picker opens a modal
//     `dialog` "Calendar" with "Previous month <month>" / "Next month <month>" and day buttons
//     "15, December, 2026" (English, whatever the card's language);
//   - the log panel on the right lists every activity as "<type> <status>" (e.g. "installationUpdate 200").

import type { Browser, BrowserContext, ConsoleMessage, Locator, Page } from 'playwright-core';
import { MONTHS_EN, labelled, normalize, type CalendarDate } from './strings.js';
import { waitFor } from '../../support/wait-for.js';

/** How long to wait for something the bot does in answer to a click or a post. */
export const UI_TIMEOUT = 20_000;

export type ChannelName = 'General' | 'EMEA';
const TEAM = 'Partner Sales';

/** Wraps a step so that a failure says, in words, what a person was waiting for. */
export async function step<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${what}: ${message}`, { cause: error });
  }
}

/** Polls `read` until `accept` holds (for conditions a locator cannot express). */
export async function waitUntil<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = UI_TIMEOUT): Promise<T> {
  const found = await waitFor(
    what,
    async (seen) => {
      const value = await read();
      seen(value);
      return accept(value) && { value };
    },
    timeoutMs,
    { everyMs: 150 },
  );
  return found.value;
}

/** One browser session on the playground: a person looking at the page. */
export class PlaygroundPage {
  readonly console: string[] = [];

  private constructor(
    readonly name: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('console', (message: ConsoleMessage) => this.console.push(`${new Date().toISOString()} ${message.type()}: ${message.text()}`));
    page.on('pageerror', (error: Error) => this.console.push(`${new Date().toISOString()} pageerror: ${error.stack ?? error.message}`));
    page.on('crash', () => this.console.push(`${new Date().toISOString()} the page crashed`));
    page.setDefaultTimeout(UI_TIMEOUT);
  }

  /** A fresh browser context (its own session: the playground sends the install events again). */
  static async open(browser: Browser, name: string, playgroundUrl: string): Promise<PlaygroundPage> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1200 }, locale: 'en-US', timezoneId: 'UTC' });
    // The machines have no internet: the page's only outside requests are web fonts. Fail them at once.
    await context.route(
      (url) => !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname),
      (route) => route.abort('internetdisconnected'),
    );
    const page = await context.newPage();
    const session = new PlaygroundPage(name, context, page);
    await step(`${name}: open the playground at ${playgroundUrl}`, async () => {
      await page.goto(playgroundUrl);
      // The page first waits until the bot answers, then sends the personal chat's install events.
      await session.logEntry('Connected.').first().waitFor();
    });
    return session;
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
  }

  // --- the log panel ------------------------------------------------------------------------

  /** Entries of the log panel (activities the playground exchanged with the bot), e.g. "installationUpdate 200". */
  logEntry(textOf: string): Locator {
    return this.page.getByText(textOf, { exact: true });
  }

  // --- conversations ------------------------------------------------------------------------

  channelEntry(channel: ChannelName): Locator {
    return this.page.getByRole('treeitem', { name: `${TEAM} - ${channel}`, exact: true });
  }

  /** Opens a channel of the team; the first time in a session the playground sends the install events. */
  async openChannel(channel: ChannelName): Promise<void> {
    await step(`${this.name}: open the channel ${channel}`, async () => {
      await this.channelEntry(channel).click();
      await this.composer().waitFor();
      await this.page.getByText('Start a new post', { exact: true }).waitFor();
    });
  }

  /** Opens the personal chat with the bot ("Personal Chat" in the rail). */
  async openPersonalChat(): Promise<void> {
    await step(`${this.name}: open the personal chat`, async () => {
      await this.page
        .getByRole('treeitem')
        .filter({ hasText: /^Personal Chat/ })
        .click();
      await this.page.getByText('Type a message...').first().waitFor();
    });
  }

  composer(): Locator {
    return this.page.locator('[contenteditable=true][role=textbox]').first();
  }

  /** Every post (with its thread) in the open conversation, newest first. */
  threads(): Locator {
    return this.page.locator('[role=group].fui-Card');
  }

  /** The one post whose card or thread mentions `marker` (use something unique, like the customer's name). */
  thread(marker: string | RegExp): Locator {
    return this.threads().filter({ hasText: marker });
  }

  /**
   * Posts "@Referral Desk <command>" in the open channel: types `@`, picks the bot in the mention
   * picker, types the command, presses Post. Returns the new post's thread.
   */
  async mention(botName: string, command: string, people: readonly string[] = []): Promise<Locator> {
    return step(`${this.name}: post "@${botName} ${command}${people.map((name) => ` @${name}`).join('')}"`, async () => {
      // Exactly the posted text: the welcome card also mentions "@Referral Desk subscribe".
      const said = [`${botName} ${command}`, ...people].join(' ');
      const posts = this.threads().filter({ has: this.page.getByText(said, { exact: true }) });
      const before = await posts.count();
      const composer = this.composer();
      // The picker's items are named twice over (avatar + text): "Referral Desk Referral Desk".
      const pick = this.page.getByRole('menuitem').filter({ hasText: botName });
      for (let attempt = 1; ; attempt++) {
        await composer.click();
        await this.page.keyboard.type('@');
        try {
          await pick.waitFor({ timeout: 5000 });
          break;
        } catch (error) {
          // The editor may not have taken the keystroke yet (busy machine): clear and try again.
          await this.page.keyboard.press('Backspace');
          if (attempt === 3) throw error;
        }
      }
      await pick.click();
      await this.page.keyboard.type(` ${command}`);
      for (const name of people) {
        await this.page.keyboard.type(' @');
        await this.page.getByRole('menuitem').filter({ hasText: name }).click();
      }
      await this.page.getByRole('button', { name: 'Post', exact: true }).click();
      await waitUntil(
        `the post "${command}" shows`,
        () => posts.count(),
        (count) => count > before,
      );
      return posts.first();
    });
  }

  // --- cards ----------------------------------------------------------------------------------

  /** The Adaptive Card of a post (the post itself, not its replies). */
  static card(thread: Locator): Locator {
    return thread.locator('.ac-adaptiveCard').first();
  }

  /** In a chat (no threads there): the newest Adaptive Card that mentions `marker`. */
  chatCard(marker: string | RegExp): Locator {
    return this.page.locator('.ac-adaptiveCard').filter({ hasText: marker }).last();
  }

  /** The titles of the buttons on a card, in order. */
  static async buttonTitles(card: Locator): Promise<string[]> {
    const buttons = await card.getByRole('button').all();
    return Promise.all(buttons.map(async (button) => normalize((await button.getAttribute('aria-label')) ?? (await button.innerText()))));
  }

  /** Picks `date` in a Fluent date picker (Input.Date) with the calendar, as a person would. */
  async pickDate(field: Locator, date: CalendarDate): Promise<void> {
    const label = `${date.day}, ${MONTHS_EN[date.month - 1]}, ${date.year}`;
    await step(`${this.name}: pick ${label} in the date picker`, async () => {
      await field.click();
      const calendar = this.page.getByRole('dialog', { name: 'Calendar' });
      const opened = await calendar
        .waitFor({ timeout: 5000 })
        .then(() => true)
        .catch(() => false);
      if (!opened) {
        // No calendar (another renderer): the picker also takes typed text.
        await field.fill(`${MONTHS_EN[date.month - 1]} ${date.day}, ${date.year}`);
        await field.press('Enter');
      } else {
        const target = date.year * 12 + date.month - 1;
        for (let moves = 0; ; moves++) {
          const shown = (await calendar.locator('.fui-CalendarDay__monthAndYear').getAttribute('aria-label')) ?? '';
          const match = /^(\w+) (\d{4})$/.exec(shown.trim());
          const monthIndex = match ? MONTHS_EN.indexOf(match[1] as (typeof MONTHS_EN)[number]) : -1;
          if (!match || monthIndex < 0) throw new Error(`cannot read the calendar's month from "${shown}"`);
          const current = Number(match[2]) * 12 + monthIndex;
          if (current === target) break;
          if (moves > 36) throw new Error(`the calendar did not reach ${label} (it shows ${shown})`);
          // Named "Next month December" / "Previous month October".
          await calendar.getByRole('button', { name: current < target ? /^Next month/ : /^Previous month/ }).click();
          await waitUntil(
            'the calendar turned the page',
            async () => (await calendar.locator('.fui-CalendarDay__monthAndYear').getAttribute('aria-label')) ?? '',
            (now) => now !== shown,
            5000,
          );
        }
        await calendar.getByRole('button', { name: label, exact: true }).click();
        await calendar.waitFor({ state: 'hidden' });
      }
      const shown = await field.inputValue();
      if (!shown.includes(String(date.year)) || !new RegExp(`\\b${date.day}\\b`).test(shown)) {
        throw new Error(`the date field shows "${shown}" after picking ${label}`);
      }
    });
  }

  /** Chooses an option of a Fluent drop-down (compact Input.ChoiceSet). */
  async choose(field: Locator, option: string | RegExp): Promise<void> {
    await step(`${this.name}: choose ${String(option)}`, async () => {
      await field.click();
      await this.page.getByRole('option', { name: option }).first().click();
      await waitUntil(
        'the choice shows in the field',
        () => field.inputValue(),
        (value) => (typeof option === 'string' ? value.includes(option) : option.test(value)),
      );
    });
  }

  /** Types into a Fluent spin button (Input.Number) and commits it (the spin button commits on blur). */
  static async fillNumber(field: Locator, value: number): Promise<void> {
    await field.fill(String(value));
    await field.press('Tab');
  }

  /** Closes whatever popup a failed step left open (a modal calendar hides the rest of the page). */
  async dismissPopups(): Promise<void> {
    for (let i = 0; i < 2; i++) await this.page.keyboard.press('Escape').catch(() => undefined);
  }

  // --- evidence for failures ----------------------------------------------------------------

  async pageText(): Promise<string> {
    return this.page
      .locator('body')
      .innerText({ timeout: 5000 })
      .catch((error: Error) => `(could not read the page: ${error.message})`);
  }
}

/** Field locators of a form card by their visible labels. */
export const field = {
  text: (card: Locator, label: string) => card.getByRole('textbox', { name: labelled(label) }),
  number: (card: Locator, label: string) => card.getByRole('spinbutton', { name: labelled(label) }),
  combo: (card: Locator, label: string) => card.getByRole('combobox', { name: labelled(label) }),
};
