// The fake Partner Center the tests and `npm run partner-center:sim` run against: the HTTPS sign-in
// authority, the Referrals API, and the webhook signer (its certificate served on loopback, events
// signed RSA-SHA256 over the body bytes, as Partner Center signs them). `env` is what the bot
// needs to use it; NODE_EXTRA_CA_CERTS must reach the bot's process at start (MSAL's fetch trusts
// only what Node loaded then).

import { createPrivateKey, sign } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeAuthority, type FakeUser } from './authority.js';
import { FakeReferralsApi } from './referrals-api.js';
import { sharedTestPki, type Issued, type TestPki } from './test-pki.js';

export { FakeAuthority } from './authority.js';
export { FakeReferralsApi } from './referrals-api.js';

export const FAKE_CLIENT_ID = '0f5c6c3e-1f7b-4d7e-9a51-6c1d2e3f4a5b';
export const FAKE_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const FAKE_MANAGER: FakeUser = {
  oid: 'a1b2c3d4-0000-4000-8000-00000000000b',
  tid: FAKE_TENANT_ID,
  username: 'maria@partner.example',
  name: 'Maria Manager',
};

export interface SignedEvent {
  headers: Record<string, string>;
  body: Buffer;
}

export interface FakePartnerCenter {
  pki: TestPki;
  authority: FakeAuthority;
  api: FakeReferralsApi;
  /** Where the signing certificates are served: `${certBase}/cert/<name>.cer`. */
  certBase: string;
  /** The paths of the certificate requests received, in order. */
  certFetches: string[];
  /** The root's PEM file: the bot's PARTNER_CENTER_TRUSTED_CA_FILE and NODE_EXTRA_CA_CERTS. */
  caFile: string;
  /** The environment that points the bot at this fake. */
  env: Record<string, string>;
  /** A Partner Center event envelope for `referralId`, signed like Partner Center signs it. */
  event(eventName: string, referralId: string, options?: { signer?: Issued; certName?: string; headerStyle?: 'authorization' | 'x-ms-signature' }): SignedEvent;
  /** POSTs a signed event to the bot; returns the status and body. */
  deliver(botUrl: string, event: SignedEvent): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

export interface FakePartnerCenterOptions {
  autoApprove?: boolean;
  apiPort?: number;
}

function signBody(body: Buffer, signer: Issued): string {
  return sign('sha256', body, createPrivateKey(signer.keyPem)).toString('base64');
}

export async function startFakePartnerCenter(options: FakePartnerCenterOptions = {}): Promise<FakePartnerCenter> {
  const pki = await sharedTestPki();
  const dir = await mkdtemp(path.join(tmpdir(), 'fake-partner-center-'));
  const caFile = path.join(dir, 'test-root.pem');
  await writeFile(caFile, pki.root.pem);
  const authority = await new FakeAuthority({
    tlsKey: pki.tls.keyPem,
    tlsCert: pki.tls.pem + pki.root.pem,
    clientId: FAKE_CLIENT_ID,
    user: FAKE_MANAGER,
    ...(options.autoApprove !== undefined && { autoApprove: options.autoApprove }),
  }).listen();
  const api = await new FakeReferralsApi(
    (token) => authority.isValidAccessToken(token),
    (token) => authority.usedMfa(token),
  ).listen(options.apiPort);
  // The signer's certificate files: the leaf with its intermediate (PEM), and the others the tests use.
  const files: Record<string, string> = {
    'pcnotifications-dispatch.microsoft.com.cer': pki.signer.pem + pki.intermediate.pem,
    'other-organisation.cer': pki.otherOrganisation.pem + pki.intermediate.pem,
    'untrusted.cer': pki.untrusted.pem,
    'expired.cer': pki.expired.pem + pki.intermediate.pem,
  };
  const certFetches: string[] = [];
  const certServer: Server = createServer((req, res) => {
    certFetches.push(req.url ?? '');
    const name = /^\/cert\/([^/]+)$/.exec(req.url ?? '')?.[1];
    if (name === 'redirect.cer') {
      res.writeHead(302, { location: '/cert/pcnotifications-dispatch.microsoft.com.cer' });
      res.end();
      return;
    }
    const file = name ? files[name] : undefined;
    res.writeHead(file ? 200 : 404, { 'content-type': 'application/x-pem-file' });
    res.end(file ?? 'not found');
  });
  await new Promise<void>((resolve) => certServer.listen(0, '127.0.0.1', resolve));
  const certBase = `http://127.0.0.1:${(certServer.address() as AddressInfo).port}`;

  const env = {
    PARTNER_CENTER_CLIENT_ID: FAKE_CLIENT_ID,
    PARTNER_CENTER_TENANT_ID: FAKE_TENANT_ID,
    PARTNER_CENTER_AUTHORITY: authority.url,
    PARTNER_CENTER_API_URL: api.url,
    PARTNER_CENTER_WEBHOOKS_API_URL: api.url,
    PARTNER_CENTER_CERT_URL_PREFIXES: `${certBase}/cert/`,
    PARTNER_CENTER_TRUSTED_CA_FILE: caFile,
    NODE_EXTRA_CA_CERTS: caFile,
  };

  const event: FakePartnerCenter['event'] = (eventName, referralId, eventOptions = {}) => {
    const body = Buffer.from(
      JSON.stringify({
        EventName: eventName,
        ResourceUri: `https://api.partnercenter.microsoft.com/engagements/v1/referrals/${encodeURIComponent(referralId)}`,
        ResourceName: 'referral',
        AuditUri: null,
        ResourceChangeUtcDate: new Date().toISOString(),
      }),
    );
    const signature = signBody(body, eventOptions.signer ?? pki.signer);
    return {
      body,
      headers: {
        'content-type': 'application/json',
        ...(eventOptions.headerStyle === 'x-ms-signature' ? { 'x-ms-signature': signature } : { authorization: `Signature ${signature}` }),
        'x-ms-certificate-url': `${certBase}/cert/${eventOptions.certName ?? 'pcnotifications-dispatch.microsoft.com.cer'}`,
        'x-ms-signature-algorithm': 'rsa-sha256',
      },
    };
  };

  api.onTestEvent = async (url) => {
    const signed = event('test-created', 'test');
    const response = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
    await response.arrayBuffer();
    return response.status;
  };

  return {
    pki,
    authority,
    api,
    certBase,
    certFetches,
    caFile,
    env,
    event,
    async deliver(botUrl, signed) {
      const response = await fetch(`${botUrl}/api/partner-center/events`, { method: 'POST', headers: signed.headers, body: signed.body });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: kept as text
      }
      return { status: response.status, body };
    },
    async close() {
      certServer.closeAllConnections();
      await Promise.all([authority.close(), api.close(), new Promise<void>((resolve) => certServer.close(() => resolve()))]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
