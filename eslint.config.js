// Lint rules, including the layer rules of docs/architecture.md#dependency-direction: the build
// fails when a folder imports what it must not. test/lint/layers.test.ts proves each rule bites.

import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Every package of the Bot Framework SDK: allowed under bot/teams/ only (and in tests). */
const BOTBUILDER = {
  group: ['botbuilder', 'botbuilder-*', 'botframework-*', 'botbuilder/*', 'botframework-*/*'],
  message: 'botbuilder is imported under bot/teams/ only (docs/architecture.md#dependency-direction), so a move to the Agents SDK touches one folder.',
};

/** Node modules that do I/O: the domain core has none. */
const IO_MODULES = ['fs', 'fs/promises', 'http', 'https', 'net', 'dgram', 'child_process', 'worker_threads', 'cluster', 'tls', 'dns'].flatMap((name) => [
  name,
  `node:${name}`,
]);

const layer = (target, from, message) => ({ target, from, message });

/**
 * The folders of bot/ and which of them each may import (docs/architecture.md#dependency-direction):
 * one direction only, so no two folders depend on each other. Every other pair is a lint error;
 * test/lint/folder-graph.test.ts checks the code's imports and the diagram against this map.
 */
export const FOLDER_IMPORTS = {
  'bot/teams': ['bot/use-cases', 'bot/outbox', 'bot/http', 'bot/partner-center'],
  'bot/http': ['bot/use-cases', 'bot/partner-center'],
  'bot/partner-center': ['bot/use-cases', 'bot/outbox'],
  'bot/timers': ['bot/use-cases', 'bot/outbox'],
  'bot/use-cases': ['bot/outbox'],
  'bot/outbox': [],
};

const folderZones = Object.entries(FOLDER_IMPORTS).flatMap(([folder, allowed]) =>
  Object.keys(FOLDER_IMPORTS)
    .filter((other) => other !== folder && !allowed.includes(other))
    .map((other) =>
      layer(
        `./${folder}`,
        `./${other}`,
        `${folder}/ may import ${allowed.map((name) => `${name}/`).join(', ') || 'no other folder of bot/'} (FOLDER_IMPORTS in eslint.config.js): an import of ${other}/ would make folders depend on each other.`,
      ),
    ),
);

/** Only applyCommand changes a referral (docs/architecture.md#one-path-for-every-change). */
const ONE_PATH = {
  selector: "MemberExpression[property.name='commitCommand']",
  message: 'Only bot/use-cases/apply-command.ts changes a referral; delivery writes use store.updateDelivery.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'test-results/', 'manifest/build/', 'devTools/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { console: 'readonly', process: 'readonly' } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
      // no-cycle follows imports by parsing the imported files: it needs to know they are TypeScript.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            layer(
              './referrals',
              ['./bot', './storage', './cards', './scripts', './manifest', './test'],
              'referrals/ is the pure core: it imports nothing of ours but itself.',
            ),
            layer('./storage', ['./bot', './cards', './scripts', './manifest', './test'], 'storage/ imports only referrals/.'),
            layer('./cards', ['./bot', './storage', './scripts', './manifest', './test'], 'cards/ never imports storage/ or bot/.'),
            layer('./bot', ['./scripts', './test'], 'the service never imports scripts or tests.'),
            layer(
              './bot',
              './storage/postgres',
              'bot/ sees the Store contract and its Coordination (storage/store.ts, storage/coordination.ts), never a backend: storage/create-store.ts picks one.',
            ),
            ...folderZones,
          ],
        },
      ],
      'no-restricted-imports': ['error', { patterns: [BOTBUILDER] }],
      // Files never import each other round in a circle, within a folder too (the zones above keep the folders in order).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['**/*.ts'],
    ignores: ['bot/use-cases/apply-command.ts', 'storage/**', 'test/**', 'scripts/**'],
    rules: {
      'no-restricted-syntax': ['error', ONE_PATH],
    },
  },
  {
    files: ['referrals/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: IO_MODULES.map((name) => ({ name, message: 'referrals/ does no I/O.' })), patterns: [BOTBUILDER] }],
      'no-restricted-syntax': [
        'error',
        ONE_PATH,
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'referrals/ reads no clock: take `now` as a parameter.' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'referrals/ reads no clock: take `now` as a parameter.' },
      ],
    },
  },
  { files: ['bot/teams/**/*.ts', 'test/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
  {
    files: ['test/**/*.ts', 'scripts/**/*.ts', 'test/**/*.e2e.ts'],
    // chai's property assertions (`expect(x).to.exist`) read as bare expressions.
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
  prettier,
);
