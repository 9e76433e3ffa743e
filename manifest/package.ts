// The Teams app package: fills manifest.template.json from the environment, validates it offline
// against the official JSON schema bundled in @microsoft/app-manifest, checks the icons, and zips
// manifest.json + color.png + outline.png flat (Teams rejects a zip with folders).
// scripts/package-app.ts is the command line (`npm run package`); tests call these directly.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import JSZip from 'jszip';
import { checkIcons, ICON_SPECS, ICONS_DIR } from './icons.js';

export { checkIcons, ICON_SPECS, ICONS_DIR } from './icons.js';

export const MANIFEST_DIR = path.dirname(fileURLToPath(import.meta.url));
export const TEMPLATE_PATH = path.join(MANIFEST_DIR, 'manifest.template.json');
export const DEFAULT_PACKAGE_PATH = path.join(MANIFEST_DIR, 'build', 'referral-desk.zip');
const PACKAGE_JSON = path.join(MANIFEST_DIR, '..', 'package.json');

/** Used when no bot id is configured (local mode): obviously fake, never a real registration. */
export const LOCAL_BOT_ID = '00000000-0000-0000-0000-000000000000';
/** The Teams app id used with LOCAL_BOT_ID and no TEAMS_APP_ID. */
export const LOCAL_APP_ID = '00000000-0000-0000-0000-000000000001';
/** UUID v5 namespace for app ids derived from bot ids (fixed: the same bot always gets the same app id). */
const APP_ID_NAMESPACE = '6f1c3a52-9d4e-4b7a-8c21-5e0f7d9b3a64';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Env = Record<string, string | undefined>;

/** Placeholder defaults for the developer block; a real publisher sets the DEVELOPER_* variables. */
export const DEVELOPER_DEFAULTS = {
  DEVELOPER_NAME: 'Referral Desk',
  DEVELOPER_WEBSITE_URL: 'https://referral-desk.example.com',
  DEVELOPER_PRIVACY_URL: 'https://referral-desk.example.com/privacy',
  DEVELOPER_TERMS_URL: 'https://referral-desk.example.com/terms',
} as const;

export class PackageError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length > 0 ? `${message}:\n  - ${problems.join('\n  - ')}` : message);
    this.name = 'PackageError';
  }
}

/** A name-based UUID (RFC 4122 version 5, SHA-1). */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The Teams app id for a bot when TEAMS_APP_ID is not set: stable, and distinct from the bot id. */
export function deriveAppId(botId: string): string {
  return uuidV5(`referral-desk:${botId.toLowerCase()}`, APP_ID_NAMESPACE);
}

function value(env: Env, name: string): string {
  return (env[name] ?? '').trim();
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: string };
  return pkg.version ?? '1.0.0';
}

export interface BuiltManifest {
  manifest: Record<string, unknown>;
  appId: string;
  botId: string;
  /** True when no bot id was configured and the fake LOCAL_BOT_ID was used. */
  local: boolean;
  warnings: string[];
}

/**
 * Fills the manifest template. Bot id: BOT_ID, else MicrosoftAppId, else (local mode) LOCAL_BOT_ID
 * with a warning. App id: TEAMS_APP_ID, else derived from the bot id. Version: TEAMS_APP_VERSION,
 * else package.json's. DEVELOPER_NAME / _WEBSITE_URL / _PRIVACY_URL / _TERMS_URL fill the developer block.
 * Does not validate: a malformed id is left for the schema to report.
 */
export function buildManifest(env: Env = process.env, templatePath = TEMPLATE_PATH): BuiltManifest {
  const warnings: string[] = [];
  const configuredBotId = value(env, 'BOT_ID') || value(env, 'MicrosoftAppId');
  const local = configuredBotId === '';
  const botId = local ? LOCAL_BOT_ID : configuredBotId;
  const configuredAppId = value(env, 'TEAMS_APP_ID');
  const appId = configuredAppId || (local ? LOCAL_APP_ID : deriveAppId(botId));
  if (local) {
    warnings.push(
      `no MicrosoftAppId or BOT_ID set: using the fake bot id ${botId}. This package is for looking at only; ` +
        'Teams cannot reach a bot with this id. Set MicrosoftAppId (see docs/deploy.md) and package again.',
    );
  }
  if (!GUID.test(botId)) warnings.push(`bot id "${botId}" is not a GUID: it should be the Azure Bot's Microsoft App ID`);
  // A real bot id means a package for people to install: the example developer URLs would be shown to them.
  const examples = (Object.keys(DEVELOPER_DEFAULTS) as (keyof typeof DEVELOPER_DEFAULTS)[]).filter(
    (name) => name !== 'DEVELOPER_NAME' && value(env, name) === '',
  );
  if (!local && examples.length > 0) {
    warnings.push(
      `${examples.join(', ')} not set: the package names the example ${examples.length === 1 ? 'URL' : 'URLs'} (referral-desk.example.com); set your own`,
    );
  }
  if (configuredAppId !== '' && configuredAppId.toLowerCase() === botId.toLowerCase()) {
    warnings.push('TEAMS_APP_ID equals the bot id; that works, but a separate id is the usual choice');
  }

  const values: Record<string, string> = {
    TEAMS_APP_ID: appId,
    BOT_ID: botId,
    APP_VERSION: value(env, 'TEAMS_APP_VERSION') || packageVersion(),
    ...Object.fromEntries(Object.entries(DEVELOPER_DEFAULTS).map(([name, fallback]) => [name, value(env, name) || fallback])),
  };
  const template = JSON.parse(readFileSync(templatePath, 'utf8')) as unknown;
  const manifest = fillPlaceholders(template, values) as Record<string, unknown>;
  return { manifest, appId, botId, local, warnings };
}

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Replaces ${{NAME}} in every string of a JSON value; an unknown NAME is an error. */
export function fillPlaceholders(node: unknown, values: Record<string, string>): unknown {
  if (typeof node === 'string') {
    return node.replace(PLACEHOLDER, (_match, name: string) => {
      const replacement = values[name];
      if (replacement === undefined) throw new PackageError(`manifest template uses \${{${name}}}, which has no value`);
      return replacement;
    });
  }
  if (Array.isArray(node)) return node.map((item) => fillPlaceholders(item, values));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, fillPlaceholders(item, values)]));
  }
  return node;
}

/** The folder of the bundled Teams JSON schemas (build/json-schemas/teams/v1.x/). */
export function bundledSchemaDir(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@microsoft/app-manifest');
  return path.join(path.dirname(entry), 'json-schemas', 'teams');
}

/** The manifest schema versions bundled in @microsoft/app-manifest, oldest first (e.g. "1.30"). */
export function bundledSchemaVersions(): string[] {
  const dir = bundledSchemaDir();
  return readdirSync(dir)
    .map((name) => /^v(1\.\d+)$/.exec(name)?.[1])
    .filter((version): version is string => version !== undefined && existsSync(path.join(dir, `v${version}`, 'MicrosoftTeams.schema.json')))
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
}

/** Loads the bundled JSON schema of a manifest version, offline. */
export function loadSchema(manifestVersion: string): object {
  const file = path.join(bundledSchemaDir(), `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
  if (!existsSync(file)) {
    throw new PackageError(
      `no bundled schema for manifestVersion "${manifestVersion}" in @microsoft/app-manifest (have ${bundledSchemaVersions().join(', ')})`,
    );
  }
  // The same clean-up AppManifestUtils.fetchSchema applies: the schema text contains \a and \v escapes.
  const text = readFileSync(file, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b');
  return JSON.parse(text) as object;
}

/**
 * Validates a manifest against the official schema of its manifestVersion (bundled, no network),
 * with AppManifestUtils.validateAgainstSchema. Returns the schema's messages; empty means valid.
 */
export async function validateManifest(manifest: Record<string, unknown>): Promise<string[]> {
  const version = manifest['manifestVersion'];
  if (typeof version !== 'string') return ['/manifestVersion is missing or not a string'];
  const schema = loadSchema(version);
  const schemaErrors = await AppManifestUtils.validateAgainstSchema(manifest as unknown as AppManifest, schema as never);
  return [...schemaErrors, ...manifestRuleProblems(manifest)];
}

/** What the schema does not say but this bot needs: the three scopes, one command list for each. */
export function manifestRuleProblems(manifest: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const bots = manifest['bots'];
  const bot = Array.isArray(bots) ? (bots[0] as Record<string, unknown> | undefined) : undefined;
  if (!bot) return ['/bots must have one bot'];
  const scopes = Array.isArray(bot['scopes']) ? (bot['scopes'] as unknown[]) : [];
  const lists = Array.isArray(bot['commandLists']) ? (bot['commandLists'] as Array<Record<string, unknown>>) : [];
  for (const scope of ['team', 'personal', 'groupChat']) {
    if (!scopes.includes(scope)) problems.push(`/bots/0/scopes must include "${scope}"`);
    const count = lists.filter((list) => Array.isArray(list['scopes']) && (list['scopes'] as unknown[]).includes(scope)).length;
    if (count !== 1) problems.push(`/bots/0/commandLists must have exactly one list for scope "${scope}" (has ${count})`);
  }
  return problems;
}

/** A fixed timestamp for the zip entries, so the same inputs give the same zip. */
const ZIP_DATE = new Date('2026-01-01T00:00:00Z');

/** Writes the zip: manifest.json and the two icons at the top level. Returns the zip's bytes. */
export async function writePackage(manifest: Record<string, unknown>, outFile = DEFAULT_PACKAGE_PATH, iconsDir = ICONS_DIR): Promise<Buffer> {
  const zip = new JSZip();
  const options = { date: ZIP_DATE, createFolders: false } as const;
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`, options);
  for (const spec of Object.values(ICON_SPECS)) {
    zip.file(spec.file, readFileSync(path.join(iconsDir, spec.file)), options);
  }
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 }, platform: 'UNIX' });
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, bytes);
  return bytes;
}

export interface PackageResult extends BuiltManifest {
  outFile: string;
  bytes: number;
}

export interface PackageOptions {
  outFile?: string;
  iconsDir?: string;
  templatePath?: string;
}

/** Builds, validates, checks the icons and writes the zip. Throws PackageError listing every problem. */
export async function packageApp(env: Env = process.env, options: PackageOptions = {}): Promise<PackageResult> {
  const built = buildManifest(env, options.templatePath);
  // Icons first: cheap, and no point compiling the schema for a package that cannot ship anyway.
  const iconProblems = checkIcons(options.iconsDir ?? ICONS_DIR);
  if (iconProblems.length > 0) throw new PackageError('the app icons are not what Teams accepts', iconProblems);
  const schemaProblems = await validateManifest(built.manifest);
  if (schemaProblems.length > 0) {
    throw new PackageError(`manifest.json does not pass the Teams manifest schema v${String(built.manifest['manifestVersion'])}`, schemaProblems);
  }
  const outFile = options.outFile ?? DEFAULT_PACKAGE_PATH;
  const bytes = await writePackage(built.manifest, outFile, options.iconsDir ?? ICONS_DIR);
  return { ...built, outFile, bytes: bytes.length };
}
