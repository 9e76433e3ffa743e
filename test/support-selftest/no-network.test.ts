// The no-network guard is on for every test (.mocharc.json requires it): a connection to anything
// but loopback fails at once, so no test can reach the internet, even by mistake.

import { expect } from 'chai';
import { blockedAttempts } from '../support/no-network.js';

describe('test kit: the no-network guard', () => {
  it('refuses a connection to a public address in every suite, with ENETUNREACH', async () => {
    const error = await fetch('http://192.0.2.10:80/').then(
      () => undefined,
      (failure: unknown) => failure as Error & { cause?: { code?: string } },
    );
    expect(error?.cause?.code).to.equal('ENETUNREACH');
    expect(blockedAttempts).to.include('192.0.2.10:80');
  });
});
