// The test kit's child environment: a process a test starts gets only what the test names, plus
// PATH and the clock shift the suite runs under (scripts/test-year-ahead.sh), so it cannot run a
// year behind the test that reads its answers.

import { expect } from 'chai';
import { childEnv } from '../support/child-env.js';

describe('test kit: the environment of a child process', () => {
  const names = ['LD_PRELOAD', 'FAKETIME', 'FAKETIME_DONT_FAKE_MONOTONIC', 'INTAKE_API_KEY'] as const;
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  afterEach(() => {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('passes on the faketime clock shift and PATH, and nothing else the suite happens to have', () => {
    process.env['LD_PRELOAD'] = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
    process.env['FAKETIME'] = '+365d';
    process.env['FAKETIME_DONT_FAKE_MONOTONIC'] = '1';
    process.env['INTAKE_API_KEY'] = 'from-the-suite';
    const env = childEnv({ PORT: '0' });
    expect(env).to.include({ LD_PRELOAD: process.env['LD_PRELOAD'], FAKETIME: '+365d', FAKETIME_DONT_FAKE_MONOTONIC: '1', PORT: '0' });
    expect(env['PATH']).to.equal(process.env['PATH']);
    expect(env).not.to.have.property('INTAKE_API_KEY');
  });

  it('what the test names wins', () => {
    process.env['FAKETIME'] = '+365d';
    expect(childEnv({ FAKETIME: '+1d' })['FAKETIME']).to.equal('+1d');
  });
});
