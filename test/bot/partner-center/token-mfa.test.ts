// Reading MFA from a token: the access token's amr, else the ID token's; nothing readable is a no.

import { expect } from 'chai';
import { usedMfa } from '../../../bot/partner-center/token-mfa.js';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const token = (claims: object) => [b64url({ typ: 'JWT', alg: 'RS256' }), b64url(claims), 'signature'].join('.');

describe('partner center: MFA in the token', () => {
  it('amr with mfa is a yes, in any case; with pwd only, or none, a no', () => {
    expect(usedMfa(token({ amr: ['pwd', 'mfa'] }))).to.equal(true);
    expect(usedMfa(token({ amr: ['rsa', 'MFA'] }))).to.equal(true);
    expect(usedMfa(token({ amr: ['pwd'] }))).to.equal(false);
    expect(usedMfa(token({ upn: 'maria@partner.example' }))).to.equal(false);
  });

  it('an access token that is not a readable JWT: the ID token decides; neither is a no', () => {
    expect(usedMfa('opaque-token', { amr: ['pwd', 'mfa'] })).to.equal(true);
    expect(usedMfa('opaque-token', { amr: ['pwd'] })).to.equal(false);
    expect(usedMfa('opaque-token')).to.equal(false);
    expect(usedMfa(token({ amr: ['pwd'] }), { amr: ['mfa'] }), 'the access token, when readable, is what Partner Center checks').to.equal(false);
  });
});
