// The config module: defaults, and a clear error naming the variable for each bad value.

import { expect } from 'chai';
import { ConfigError, readConfig } from '../../bot/config.js';

const APP = {
  MicrosoftAppId: '11111111-1111-1111-1111-111111111111',
  MicrosoftAppPassword: 'pw',
  MicrosoftAppTenantId: '22222222-2222-2222-2222-222222222222',
  INTAKE_API_KEY: 'intake-key',
  ALLOWED_TENANTS: '22222222-2222-2222-2222-222222222222',
  MANAGER_IDS: '33333333-3333-3333-3333-333333333333',
};

const PC = { PARTNER_CENTER_CLIENT_ID: '0f5c6c3e-1f7b-4d7e-9a51-6c1d2e3f4a5b' };

describe('config', () => {
  it('DATABASE_URL that is not a postgres:// URL is named without its password, in every form node-postgres takes', () => {
    for (const value of [
      'host=db.example password=kv-hush dbname=rd',
      "host=db.example password='kv hush' user=rd",
      'rd:bare-hush@db.example/rd',
      'mysql://rd:url-hush@db.example/rd',
    ]) {
      let message = '';
      try {
        readConfig({ DATABASE_URL: value });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, value).to.include('DATABASE_URL');
      expect(message, value).not.to.match(/hush/);
    }
  });

  it('outside local mode, an empty ALLOWED_TENANTS or MANAGER_IDS stops start-up, naming the variable; local mode needs neither', () => {
    for (const name of ['ALLOWED_TENANTS', 'MANAGER_IDS'] as const) {
      expect(() => readConfig({ ...APP, [name]: '' }), name)
        .to.throw(ConfigError)
        .with.property('variable', name);
    }
    expect(readConfig({})).to.include({ localMode: true });
    expect(readConfig({}).managerIds).to.deep.equal([]);
  });

  it('defaults: local mode on loopback, port 3978, inbox flow, Partner Center durations', () => {
    const config = readConfig({});
    expect(config).to.include({ port: 3978, host: '127.0.0.1', localMode: true, defaultLocale: 'en', intakeApiKey: '' });
    expect(config.policy).to.deep.equal({
      flow: 'inbox',
      respondWithinMs: 24 * 3600e3,
      expireAfterMs: 14 * 24 * 3600e3,
      urgentForMs: 72 * 3600e3,
      skipAfterMs: 72 * 3600e3,
      evaluateWithinMs: 7 * 24 * 3600e3,
      expiryWarningBeforeMs: 2 * 24 * 3600e3,
      closeReminderEveryMs: 7 * 24 * 3600e3,
      assignEscalateAfterMs: 24 * 3600e3,
    });
    expect(config.assignRespondWithinMs, 'ASSIGN_RESPOND_WITHIN').to.equal(2 * 3600e3);
  });

  it('with an app id: binds to 0.0.0.0 by default, auth on', () => {
    const config = readConfig(APP);
    expect(config).to.include({ host: '0.0.0.0', localMode: false, microsoftAppType: 'SingleTenant' });
  });

  it('parses durations and lists', () => {
    const config = readConfig({ RESPOND_WITHIN: 'PT5S', EXPIRE_AFTER: 'P1DT12H', REFERRAL_FLOW: 'classic', ALLOWED_TENANTS: ` ${APP.MicrosoftAppTenantId} ,` });
    expect(config.policy.respondWithinMs).to.equal(5000);
    expect(config.policy.expireAfterMs).to.equal(36 * 3600e3);
    expect(config.policy.flow).to.equal('classic');
    expect(config.allowedTenants).to.deep.equal([APP.MicrosoftAppTenantId]);
  });

  it('DATABASE_URL selects PostgreSQL; without it the embedded store; a bad one is named without its password', () => {
    expect(readConfig({}).databaseUrl).to.equal(undefined);
    expect(readConfig({}).schedulerFailoverMs).to.equal(30_000);
    expect(readConfig({ DATABASE_URL: 'postgresql://bot:s3cret@db:5432/desk' }).databaseUrl).to.equal('postgresql://bot:s3cret@db:5432/desk');
    expect(() => readConfig({ DATABASE_URL: 'mysql://bot:s3cret@db/desk' }))
      .to.throw(ConfigError, /DATABASE_URL.*not a postgres:\/\/ URL/)
      .and.satisfy((error: Error) => !error.message.includes('s3cret'));
  });

  const bad: Array<[string, Record<string, string>]> = [
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: 'http' }],
    ['REFERRAL_FLOW', { REFERRAL_FLOW: 'fast' }],
    ['RESPOND_WITHIN', { RESPOND_WITHIN: '24h' }],
    ['EXPIRE_AFTER', { EXPIRE_AFTER: 'P' }],
    ['URGENT_FOR', { URGENT_FOR: 'PT0S' }],
    ['SKIP_AFTER', { SKIP_AFTER: '-PT1H' }],
    ['EVALUATE_WITHIN', { EVALUATE_WITHIN: 'seven days' }],
    ['EXPIRY_WARNING_BEFORE', { EXPIRY_WARNING_BEFORE: 'PT' }],
    ['CLOSE_REMINDER_EVERY', { CLOSE_REMINDER_EVERY: '7' }],
    ['DEFAULT_LOCALE', { DEFAULT_LOCALE: 'de' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://user:pw@db/referrals' }],
    ['DATABASE_URL', { DATABASE_URL: 'db.example.com:5432' }],
    ['DATABASE_POOL_SIZE', { DATABASE_POOL_SIZE: '0' }],
    ['SCHEDULER_FAILOVER', { SCHEDULER_FAILOVER: '30s' }],
    ['MicrosoftAppType', { ...APP, MicrosoftAppType: 'Anything' }],
    ['MicrosoftAppTenantId', { ...APP, MicrosoftAppTenantId: '' }],
    ['MicrosoftAppPassword', { ...APP, MicrosoftAppPassword: '' }],
    ['MicrosoftAppPassword', { MicrosoftAppPassword: 'orphan' }],
    ['HOST', { HOST: '0.0.0.0' }],
    ['HOST', { HOST: '127.attacker.example' }],
    ['HOST', { HOST: '::ffff:10.0.0.1' }],
    ['INTAKE_API_KEY', { ...APP, INTAKE_API_KEY: '' }],
    ['ALLOWED_TENANTS', { ALLOWED_TENANTS: 'contoso' }],
    ['MANAGER_IDS', { MANAGER_IDS: 'boss' }],
    ['USD_RATES', { USD_RATES: 'EUR:0.92' }],
    ['USD_RATES', { USD_RATES: 'XYZ=1' }],
    ['USD_RATES', { USD_RATES: 'EUR=0' }],
    ['DISPLAY_TIME_ZONE', { DISPLAY_TIME_ZONE: 'Mars/Olympus_Mons' }],
    ['DISPLAY_TIME_ZONE', { DISPLAY_TIME_ZONE: '+01:00' }],
    ['PARTNER_CENTER_CLIENT_ID', { PARTNER_CENTER_CLIENT_ID: 'referral-desk' }],
    ['PARTNER_CENTER_TENANT_ID', { ...PC, PARTNER_CENTER_TENANT_ID: 'contoso.onmicrosoft' }],
    ['PARTNER_CENTER_AUTHORITY', { ...PC, PARTNER_CENTER_AUTHORITY: 'http://127.0.0.1:9000' }],
    ['PARTNER_CENTER_API_URL', { ...PC, PARTNER_CENTER_API_URL: 'http://api.partner.example' }],
    ['PARTNER_CENTER_API_URL', { ...PC, PARTNER_CENTER_API_URL: 'https://user:pw@api.partner.example' }],
    ['PARTNER_CENTER_WEBHOOKS_API_URL', { ...PC, PARTNER_CENTER_WEBHOOKS_API_URL: 'not a url' }],
    ['PARTNER_CENTER_POLL_EVERY', { ...PC, PARTNER_CENTER_POLL_EVERY: '15m' }],
    ['PARTNER_CENTER_CERT_URL_PREFIXES', { ...PC, PARTNER_CENTER_CERT_URL_PREFIXES: 'https://3psostorageacct.blob.core.windows.net/cert' }],
    ['PARTNER_CENTER_CERT_URL_PREFIXES', { ...PC, PARTNER_CENTER_CERT_URL_PREFIXES: 'http://certs.example/cert/' }],
    ['PARTNER_CENTER_TOKEN_KEY', { ...APP, ...PC }],
    ['PARTNER_CENTER_TOKEN_KEY', { ...PC, PARTNER_CENTER_TOKEN_KEY: 'short' }],
    ['PARTNER_CENTER_REFERRAL_URL', { PARTNER_CENTER_REFERRAL_URL: 'https://partner.microsoft.com/referrals' }],
    ['PARTNER_CENTER_REFERRAL_URL', { PARTNER_CENTER_REFERRAL_URL: 'http://partner.example/{id}' }],
  ];
  for (const [variable, env] of bad) {
    it(`rejects a bad ${variable} with a message naming it (${JSON.stringify(env[variable] ?? '')})`, () => {
      expect(() => readConfig(env))
        .to.throw(ConfigError)
        .with.property('message')
        .that.includes(variable);
    });
  }

  it('reads USD_RATES as units per USD, codes upper-cased', () => {
    expect(readConfig({ USD_RATES: 'eur=0.92, GBP = 0.79' }).usdRates).to.deep.equal({ EUR: 0.92, GBP: 0.79 });
    expect(readConfig({}).usdRates).to.deep.equal({});
  });

  it('shows moments in DISPLAY_TIME_ZONE, else the zone of WORKING_HOURS, else of DIGEST_AT, else UTC', () => {
    expect(readConfig({}).displayTimeZone).to.equal('UTC');
    expect(readConfig({ DIGEST_AT: '09:00 Mon-Fri Europe/Berlin' }).displayTimeZone).to.equal('Europe/Berlin');
    expect(readConfig({ DIGEST_AT: '09:00 Mon-Fri Europe/Berlin', WORKING_HOURS: '09:00-18:00 Mon-Fri Europe/Moscow' }).displayTimeZone).to.equal(
      'Europe/Moscow',
    );
    expect(readConfig({ WORKING_HOURS: '09:00-18:00 Mon-Fri Europe/Moscow', DISPLAY_TIME_ZONE: 'America/New_York' }).displayTimeZone).to.equal(
      'America/New_York',
    );
  });

  it('the Partner Center connection is off without PARTNER_CENTER_CLIENT_ID, with the documented defaults when on', () => {
    expect(readConfig({}).partnerCenter).to.equal(undefined);
    expect(readConfig({ ...PC }).partnerCenter).to.deep.equal({
      clientId: PC.PARTNER_CENTER_CLIENT_ID,
      tenantId: 'organizations',
      authority: 'https://login.microsoftonline.com',
      apiUrl: 'https://api.partner.microsoft.com',
      webhooksApiUrl: 'https://api.partnercenter.microsoft.com',
      pollEveryMs: 15 * 60_000,
      certUrlPrefixes: ['https://3psostorageacct.blob.core.windows.net/cert/'],
    });
    const on = readConfig({ ...APP, ...PC, PARTNER_CENTER_TOKEN_KEY: 'k'.repeat(32), PARTNER_CENTER_API_URL: 'http://127.0.0.1:8080/' }).partnerCenter!;
    expect(on).to.include({ tokenKey: 'k'.repeat(32), apiUrl: 'http://127.0.0.1:8080' });
    expect(readConfig({ PARTNER_CENTER_REFERRAL_URL: 'https://partner.microsoft.com/dashboard/referrals/{id}' }).partnerCenterReferralUrl).to.include('{id}');
  });
});
