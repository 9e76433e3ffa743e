// .env.example documents every variable the config reads, and its values are the defaults.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { readConfig } from '../../bot/config.js';
import { ROOT } from '../support/start-service.js';

const example = parseEnv(readFileSync(path.join(ROOT, '.env.example'), 'utf8')) as Record<string, string>;

describe('.env.example', () => {
  it('names every variable the config reads, with the Partner Center connection on', () => {
    const read = new Set<string>();
    const env = new Proxy({ ...example, PARTNER_CENTER_CLIENT_ID: '0f5c6c3e-1f7b-4d7e-9a51-6c1d2e3f4a5b' } as Record<string, string | undefined>, {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return target[name as string];
      },
    });
    readConfig(env);
    const undocumented = [...read].filter((name) => !(name in example));
    expect(undocumented, 'read by the config but missing from .env.example').to.deep.equal([]);
  });

  it('its values, copied to .env as they are, give the same config as no .env (bar the playground manager)', () => {
    const { MANAGER_IDS: _managers, ...rest } = example;
    const { managerIds: _a, ...fromExample } = readConfig(rest) as unknown as Record<string, unknown>;
    const { managerIds: _b, ...defaults } = readConfig({}) as unknown as Record<string, unknown>;
    expect(JSON.parse(JSON.stringify(fromExample))).to.deep.equal(JSON.parse(JSON.stringify(defaults)));
  });
});
