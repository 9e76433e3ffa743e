// npm run package: builds the Teams app package manifest/build/referral-desk.zip.
//
// Reads MicrosoftAppId / BOT_ID (the Azure Bot's app id), TEAMS_APP_ID (optional; derived from the
// bot id when unset), TEAMS_APP_VERSION (default: package.json's version) and DEVELOPER_* from the
// environment and ./.env (real environment variables win). Validates the manifest offline against
// the official Teams schema, checks the icons, and exits 1 with the schema's messages when not valid.
//
//   npm run package                      # → manifest/build/referral-desk.zip
//   npm run package -- --out app.zip     # somewhere else
//   npm run package -- --require-ids     # fail instead of using the fake local-mode ids

import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_PACKAGE_PATH, PackageError, packageApp } from '../manifest/package.js';

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

if (existsSync('.env') && typeof process.loadEnvFile === 'function') process.loadEnvFile('.env');

const outFile = path.resolve(argValue('--out') ?? DEFAULT_PACKAGE_PATH);
const requireIds = process.argv.includes('--require-ids');

if (requireIds && !(process.env['BOT_ID']?.trim() || process.env['MicrosoftAppId']?.trim())) {
  console.error('error: --require-ids is set but neither MicrosoftAppId nor BOT_ID is (in the environment or .env)');
  process.exit(1);
}

try {
  const result = await packageApp(process.env, { outFile });
  for (const warning of result.warnings) console.warn(`WARNING: ${warning}`);
  console.log(`manifest valid (Teams schema v${String(result.manifest['manifestVersion'])}), icons OK`);
  console.log(`  app id  ${result.appId}`);
  console.log(`  bot id  ${result.botId}`);
  console.log(`  version ${String(result.manifest['version'])}`);
  console.log(`wrote ${path.relative(process.cwd(), result.outFile)} (${result.bytes} bytes: manifest.json, color.png, outline.png)`);
} catch (error) {
  if (error instanceof PackageError) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
