// A fake Microsoft sign-in authority over HTTPS (MSAL refuses anything else): OpenID metadata, the
// device code grant and the refresh token grant, as msal-node 7 asks for them with a known
// authority. A device code is approved by the test (or at once with autoApprove); refresh tokens
// can be revoked to play the 90-day expiry (AADSTS700082).

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface FakeUser {
  oid: string;
  tid: string;
  username: string;
  name: string;
}

export interface AuthorityOptions {
  tlsKey: string;
  tlsCert: string;
  clientId: string;
  user: FakeUser;
  /** Approve each device code as soon as it is issued (the simulator; tests approve by hand). */
  autoApprove?: boolean;
  accessTokenSeconds?: number;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function form(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export class FakeAuthority {
  readonly #options: AuthorityOptions;
  readonly #server: Server;
  readonly #deviceCodes = new Map<string, { userCode: string; approved: boolean; expiresAt: number }>();
  readonly #refreshTokens = new Set<string>();
  readonly #accessTokens = new Map<string, { until: number; mfa: boolean }>();
  /** Whether the person signs in with MFA (the `amr` claim of the tokens issued from now on). */
  #mfa = true;
  /** Every grant asked for, in order (device_code, refresh_token). */
  readonly grants: string[] = [];
  url = '';

  constructor(options: AuthorityOptions) {
    this.#options = options;
    this.#server = createServer({ key: options.tlsKey, cert: options.tlsCert }, (req, res) => void this.#handle(req, res));
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /** The codes shown to people so far. */
  userCodes(): string[] {
    return [...this.#deviceCodes.values()].map((entry) => entry.userCode);
  }

  /** The person entered the code and signed in (with MFA, in their browser). */
  approve(userCode?: string): void {
    for (const entry of this.#deviceCodes.values()) if (userCode === undefined || entry.userCode === userCode) entry.approved = true;
  }

  /** Every refresh token dies, as after 90 days without use. */
  revokeRefreshTokens(): void {
    this.#refreshTokens.clear();
  }

  /** Access tokens issued and still valid: the fake API accepts only these. */
  isValidAccessToken(token: string): boolean {
    const issued = this.#accessTokens.get(token);
    return issued !== undefined && issued.until > Date.now();
  }

  /** Whether the token was issued to a sign-in with MFA. */
  usedMfa(token: string): boolean {
    return this.#accessTokens.get(token)?.mfa === true;
  }

  /** From now on the person signs in with a password only (no second factor): tokens say amr ["pwd"]. */
  signInWithoutMfa(without = true): void {
    this.#mfa = !without;
  }

  /** All access tokens stop working at once (the API then answers 401). */
  expireAccessTokens(): void {
    this.#accessTokens.clear();
  }

  #json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  #tokens(scope: string) {
    const { user, clientId } = this.#options;
    const now = Math.floor(Date.now() / 1000);
    const lifetime = this.#options.accessTokenSeconds ?? 3600;
    // Shaped as Microsoft's v1 access tokens for Partner Center: claims a client may read (amr), and
    // a last part that is no signature here (the fake API knows its tokens by heart).
    const accessToken = [
      b64url({ typ: 'JWT', alg: 'none' }),
      b64url({
        aud: 'https://api.partner.microsoft.com',
        iss: `https://sts.windows.net/${user.tid}/`,
        iat: now,
        nbf: now,
        exp: now + lifetime,
        amr: this.#mfa ? ['pwd', 'mfa'] : ['pwd'],
        oid: user.oid,
        tid: user.tid,
        upn: user.username,
        ver: '1.0',
      }),
      `fake-at-${randomUUID()}`,
    ].join('.');
    const refreshToken = `fake-rt-${randomUUID()}`;
    this.#accessTokens.set(accessToken, { until: Date.now() + lifetime * 1000, mfa: this.#mfa });
    this.#refreshTokens.add(refreshToken);
    const idToken = [
      b64url({ alg: 'none', typ: 'JWT' }),
      b64url({
        aud: clientId,
        iss: `${this.url}/${user.tid}/v2.0`,
        iat: now,
        nbf: now,
        exp: now + 3600,
        oid: user.oid,
        sub: user.oid,
        tid: user.tid,
        name: user.name,
        preferred_username: user.username,
        ver: '2.0',
      }),
      '',
    ].join('.');
    return {
      token_type: 'Bearer',
      scope,
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: accessToken,
      refresh_token: refreshToken,
      id_token: idToken,
      client_info: b64url({ uid: user.oid, utid: user.tid }),
    };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const match = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/devicecode|oauth2\/v2\.0\/token)$/.exec(url.pathname);
    if (!match) return this.#json(res, 404, { error: 'not_found' });
    const tenant = match[1]!;
    const base = `${this.url}/${tenant}`;
    if (match[2]!.endsWith('openid-configuration')) {
      return this.#json(res, 200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        issuer: `${this.url}/{tenantid}/v2.0`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      });
    }
    const body = await form(req);
    if (body.get('client_id') !== this.#options.clientId)
      return this.#json(res, 400, { error: 'unauthorized_client', error_description: 'AADSTS700016: unknown client' });
    if (match[2]!.endsWith('devicecode')) {
      const deviceCode = randomUUID();
      const userCode = randomUUID().slice(0, 8).toUpperCase();
      this.#deviceCodes.set(deviceCode, { userCode, approved: this.#options.autoApprove === true, expiresAt: Date.now() + 900_000 });
      return this.#json(res, 200, {
        user_code: userCode,
        device_code: deviceCode,
        verification_uri: 'https://microsoft.com/devicelogin',
        expires_in: 900,
        interval: 1,
        message: `To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ${userCode} to authenticate.`,
      });
    }
    const grant = body.get('grant_type') ?? '';
    this.grants.push(grant);
    const scope = body.get('scope') ?? '';
    if (grant === 'device_code' || grant === 'urn:ietf:params:oauth:grant-type:device_code') {
      const entry = this.#deviceCodes.get(body.get('device_code') ?? '');
      if (!entry || entry.expiresAt < Date.now()) return this.#json(res, 400, { error: 'expired_token', error_description: 'AADSTS70020: the code expired' });
      if (!entry.approved) return this.#json(res, 400, { error: 'authorization_pending', error_description: 'AADSTS70016: pending' });
      this.#deviceCodes.delete(body.get('device_code')!);
      return this.#json(res, 200, this.#tokens(scope));
    }
    if (grant === 'refresh_token') {
      const token = body.get('refresh_token') ?? '';
      if (!this.#refreshTokens.has(token)) {
        return this.#json(res, 400, {
          error: 'invalid_grant',
          error_description: 'AADSTS700082: The refresh token has expired due to inactivity.',
          error_codes: [700082],
          suberror: 'bad_token',
        });
      }
      return this.#json(res, 200, this.#tokens(scope));
    }
    return this.#json(res, 400, { error: 'unsupported_grant_type' });
  }
}
