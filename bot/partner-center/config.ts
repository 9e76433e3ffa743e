// The PARTNER_CENTER_* variables (docs/architecture.md#partner-center), read by bot/config.ts:
// the connection is on when PARTNER_CENTER_CLIENT_ID is set. Each error names its variable.

import { isLoopback } from '../loopback.js';

type Env = Record<string, string | undefined>;

export interface PartnerCenterConfig {
  clientId: string;
  /** A tenant id (GUID) or "organizations": where the managers' accounts live. */
  tenantId: string;
  /** https URL of the Microsoft sign-in authority, without the tenant. */
  authority: string;
  apiUrl: string;
  webhooksApiUrl: string;
  pollEveryMs: number;
  /** Where a webhook's signing certificate may be fetched from (URL prefixes). */
  certUrlPrefixes: string[];
  /** PEM file of the roots a signing certificate must chain to; undefined: Node's bundled roots. */
  trustedCaFile?: string;
  /** Encrypts the token cache in DATA_DIR; undefined (local mode only): the cache stays in memory. */
  tokenKey?: string;
}

/** The certificate location Partner Center's webhook documentation names. */
export const DEFAULT_CERT_URL_PREFIX = 'https://3psostorageacct.blob.core.windows.net/cert/';

export class PartnerCenterConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable} ${detail}`);
    this.name = 'PartnerCenterConfigError';
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function text(env: Env, name: string, fallback = ''): string {
  return (env[name] ?? '').trim() || fallback;
}

/** An absolute URL without credentials, query or fragment; https, or http to a loopback host (tests, the simulator). */
function baseUrl(env: Env, name: string, fallback: string, options: { httpsOnly?: boolean } = {}): string {
  const raw = text(env, name, fallback);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PartnerCenterConfigError(name, `"${raw}" is not a URL`);
  }
  if (url.username || url.password || url.search || url.hash) throw new PartnerCenterConfigError(name, 'must not carry credentials, a query or a fragment');
  const local = url.protocol === 'http:' && isLoopback(url.hostname.replace(/^\[|\]$/g, ''));
  if (url.protocol !== 'https:' && (options.httpsOnly || !local)) {
    throw new PartnerCenterConfigError(
      name,
      options.httpsOnly ? 'must be an https URL (the sign-in library refuses anything else)' : 'must be https (http only to a loopback host)',
    );
  }
  return raw.replace(/\/+$/, '');
}

export function readPartnerCenterConfig(env: Env, localMode: boolean, parseDuration: (name: string, value: string) => number): PartnerCenterConfig | undefined {
  const clientId = text(env, 'PARTNER_CENTER_CLIENT_ID');
  if (clientId === '') return undefined;
  if (!GUID.test(clientId))
    throw new PartnerCenterConfigError('PARTNER_CENTER_CLIENT_ID', `"${clientId}" is not a GUID (the application id of the app registration)`);
  const tenantId = text(env, 'PARTNER_CENTER_TENANT_ID', 'organizations');
  if (!GUID.test(tenantId) && tenantId !== 'organizations') {
    throw new PartnerCenterConfigError('PARTNER_CENTER_TENANT_ID', `"${tenantId}" is neither a tenant id (GUID) nor "organizations"`);
  }
  const prefixes = text(env, 'PARTNER_CENTER_CERT_URL_PREFIXES', DEFAULT_CERT_URL_PREFIX)
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
  for (const prefix of prefixes) {
    baseUrl({ PARTNER_CENTER_CERT_URL_PREFIXES: prefix }, 'PARTNER_CENTER_CERT_URL_PREFIXES', prefix);
    // A prefix that ends mid-name ("…/cert") would also allow "…/certificates-of-anyone".
    if (!prefix.endsWith('/')) throw new PartnerCenterConfigError('PARTNER_CENTER_CERT_URL_PREFIXES', `"${prefix}" must end with "/"`);
  }
  const tokenKey = text(env, 'PARTNER_CENTER_TOKEN_KEY');
  if (tokenKey === '' && !localMode) {
    throw new PartnerCenterConfigError(
      'PARTNER_CENTER_TOKEN_KEY',
      'is required when PARTNER_CENTER_CLIENT_ID is set outside local mode: it encrypts the sign-in kept in DATA_DIR',
    );
  }
  if (tokenKey !== '' && tokenKey.length < 32)
    throw new PartnerCenterConfigError('PARTNER_CENTER_TOKEN_KEY', 'must be at least 32 characters (e.g. openssl rand -base64 32)');
  const pollEveryMs = parseDuration('PARTNER_CENTER_POLL_EVERY', text(env, 'PARTNER_CENTER_POLL_EVERY', 'PT15M'));
  const trustedCaFile = text(env, 'PARTNER_CENTER_TRUSTED_CA_FILE');
  return {
    clientId,
    tenantId,
    authority: baseUrl(env, 'PARTNER_CENTER_AUTHORITY', 'https://login.microsoftonline.com', { httpsOnly: true }),
    apiUrl: baseUrl(env, 'PARTNER_CENTER_API_URL', 'https://api.partner.microsoft.com'),
    webhooksApiUrl: baseUrl(env, 'PARTNER_CENTER_WEBHOOKS_API_URL', 'https://api.partnercenter.microsoft.com'),
    pollEveryMs,
    certUrlPrefixes: prefixes,
    ...(trustedCaFile !== '' && { trustedCaFile }),
    ...(tokenKey !== '' && { tokenKey }),
  };
}

/** PARTNER_CENTER_REFERRAL_URL: a link template with {id}, on every card ("Open in Partner Center"). */
export function readReferralUrl(env: Env): string | undefined {
  const raw = text(env, 'PARTNER_CENTER_REFERRAL_URL');
  if (raw === '') return undefined;
  if (!raw.includes('{id}')) throw new PartnerCenterConfigError('PARTNER_CENTER_REFERRAL_URL', 'must contain {id}, where the referral id goes');
  let url: URL;
  try {
    url = new URL(raw.replace('{id}', 'x'));
  } catch {
    throw new PartnerCenterConfigError('PARTNER_CENTER_REFERRAL_URL', `"${raw}" is not a URL`);
  }
  if (url.protocol !== 'https:') throw new PartnerCenterConfigError('PARTNER_CENTER_REFERRAL_URL', 'must be an https URL');
  return raw;
}
