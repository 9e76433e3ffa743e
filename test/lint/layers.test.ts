// The layer rules of docs/architecture.md#dependency-direction are lint rules: each probe breaks
// one, and `npm run lint` (the same configuration) must report it.

import path from 'node:path';
import { expect } from 'chai';
import { ESLint } from 'eslint';
import { ROOT } from '../support/start-service.js';

const eslint = new ESLint({ cwd: ROOT });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

describe('lint: the layer rules fail the build', function () {
  this.timeout(30_000);

  const broken: Array<[string, string, string, RegExp]> = [
    [
      'cards/ imports botbuilder',
      'cards/probe.ts',
      "import { CardFactory } from 'botbuilder';\nexport const x = CardFactory;\n",
      /botbuilder is imported under bot\/teams\/ only/,
    ],
    ['bot/outbox/ imports botbuilder', 'bot/outbox/probe.ts', "import type { Activity } from 'botbuilder';\nexport type X = Activity;\n", /bot\/teams\/ only/],
    ['referrals/ imports storage/', 'referrals/probe.ts', "import type { Store } from '../storage/store.js';\nexport type X = Store;\n", /pure core/],
    ['referrals/ imports cards/', 'referrals/probe.ts', "import { t } from '../cards/i18n.js';\nexport const x = t;\n", /pure core/],
    ['referrals/ does I/O', 'referrals/probe.ts', "import { readFile } from 'node:fs/promises';\nexport const x = readFile;\n", /does no I\/O/],
    ['referrals/ reads the clock', 'referrals/probe.ts', 'export const x = (): number => Date.now();\n', /reads no clock/],
    [
      'storage/ imports bot/',
      'storage/probe.ts',
      "import type { Config } from '../bot/config.js';\nexport type X = Config;\n",
      /storage\/ imports only referrals/,
    ],
    [
      'cards/ imports storage/',
      'cards/view-models/probe.ts',
      "import type { Store } from '../../storage/store.js';\nexport type X = Store;\n",
      /cards\/ never imports/,
    ],
    [
      'bot/ imports a store backend',
      'bot/use-cases/probe.ts',
      "import { PgStore } from '../../storage/postgres/pg-store.js';\nexport const x = PgStore;\n",
      /never a backend/,
    ],
    [
      'bot/outbox/ imports bot/use-cases/ (the folders would depend on each other)',
      'bot/outbox/probe.ts',
      "import { applyCommand } from '../use-cases/apply-command.js';\nexport const x = applyCommand;\n",
      /bot\/outbox\/ may import no other folder of bot\/ .*bot\/use-cases\//,
    ],
    [
      'bot/http/ imports bot/teams/',
      'bot/http/probe.ts',
      "import { ReferralDeskBot } from '../teams/activity-handler.js';\nexport const x = ReferralDeskBot;\n",
      /bot\/http\/ may import bot\/use-cases\/, bot\/partner-center\//,
    ],
    [
      // pacer.ts is imported by sender.ts: pacer importing sender closes a circle inside one folder.
      'two files import each other',
      'bot/outbox/pacer.ts',
      "import { OutboxSender } from './sender.js';\nexport const x = OutboxSender;\n",
      /import-x\/no-cycle/,
    ],
    [
      'a delivery write changes a referral',
      'bot/outbox/probe.ts',
      "import type { Store } from '../../storage/store.js';\nexport const x = (store: Store) => store.commitCommand('id', () => ({ result: 1 }));\n",
      /Only bot\/use-cases\/apply-command.ts changes a referral/,
    ],
  ];
  for (const [what, file, code, expected] of broken) {
    it(`${what} → an error`, async () => {
      const found = await problems(file, code);
      expect(
        found.some((problem) => expected.test(problem)),
        found.join('\n'),
      ).to.equal(true);
    });
  }

  it('the allowed direction passes: bot/teams/ imports botbuilder, cards/ imports referrals/, applyCommand commits', async () => {
    expect(await problems('bot/teams/probe.ts', "import { CardFactory } from 'botbuilder';\nexport const x = CardFactory;\n")).to.deep.equal([]);
    expect(await problems('cards/probe.ts', "import type { Referral } from '../referrals/model.js';\nexport type X = Referral;\n")).to.deep.equal([]);
    expect(
      await problems(
        'bot/use-cases/apply-command.ts',
        "import type { Store } from '../../storage/store.js';\nexport const x = (store: Store) => store.commitCommand('id', () => ({ result: 1 }));\n",
      ),
    ).to.deep.equal([]);
  });
});
