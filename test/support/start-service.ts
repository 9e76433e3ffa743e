// Starts the real service for component tests: in-process on a free port with a fresh data
// directory, or as a child process (`node bot/main.ts`) for kill / signal tests.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp, type App, type AppOptions } from '../../bot/app.js';
import { readConfig, type Config } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { childEnv } from './child-env.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function tempDataDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'referral-desk-test-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface TestService extends App {
  config: Config;
  dataDir: string;
}

/** Starts the service in-process. `env` is the environment the config is read from (PORT defaults to 0). */
export async function startService(env: Record<string, string> = {}, options: AppOptions = {}): Promise<TestService> {
  const dataDir = env['DATA_DIR'] ?? (await tempDataDir());
  const config = readConfig({ PORT: '0', LOG_LEVEL: 'silent', ...env, DATA_DIR: dataDir });
  const app = await startApp(config, { log: createLogger('silent'), ...options });
  return { ...app, config, dataDir };
}

export interface ChildService {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `bot/main.ts` in a child process and waits for its "listening" log line. */
export async function startChildService(env: Record<string, string>): Promise<ChildService> {
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'bot/main.ts'], {
    cwd: ROOT,
    env: childEnv({ PORT: '0', LOG_LEVEL: 'info', ...env }),
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${output}`)), 20_000);
    const onData = () => {
      const match = /"msg":"listening","url":"([^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', onData);
    void exited.then((code) => reject(new Error(`service exited with ${code}:\n${output}`)));
  });
  return { child, url, output: () => output, exited };
}

/** A fresh service for each test of the suite (started before, stopped and its data removed after); call the getter inside a test. */
export function serviceForEachTest(env: Record<string, string> = {}, options: AppOptions = {}): () => TestService {
  let service: TestService | undefined;
  beforeEach(async () => {
    service = await startService(env, options);
  });
  afterEach(async () => {
    await service?.stop();
    if (service) await removeDir(service.dataDir);
    service = undefined;
  });
  return () => {
    if (!service) throw new Error('serviceForEachTest: no service outside a test');
    return service;
  };
}
