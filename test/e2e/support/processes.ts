// The two processes an end-to-end run needs, started the way a developer starts them
// (docs/playground.md): the bot in local mode (`node --import tsx bot/main.ts`) and the Microsoft 365
// Agents Playground (`agentsplayground -c msteams -e <bot>/api/messages`), each on a free port, with
// its output in a log file that a failing test copies to test-results/.

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, copyFileSync, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getFreePort } from '../../support/free-port.js';
import { waitFor } from '../../support/wait-for.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const PLAYGROUND_CONFIG = path.join(ROOT, '.m365agentsplayground.yml');
const PLAYGROUND_BIN = path.join(ROOT, 'node_modules', '.bin', 'agentsplayground');

/** A scratch folder for one run: data dirs, logs, the playground's working directory. */
export function makeRunDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'referral-desk-e2e-'));
}

export async function removeRunDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

interface Started {
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
  /** Everything the process printed so far (also in logFile). */
  output(): string;
}

/** Children still running: killed if the test process exits without stopping them (Ctrl-C, mocha --exit). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function startLogged(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string }): Started {
  const log: WriteStream = createWriteStream(options.logFile, { flags: 'a' });
  log.write(`$ ${command} ${args.join(' ')}\n  (cwd ${options.cwd})\n`);
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    log.write(chunk);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      log.end(`\n[exited with ${code ?? signal}]\n`);
      resolve(code);
    }),
  );
  return { child, logFile: options.logFile, exited, output: () => output };
}

/** Waits until `pattern` appears in the output; fails early (with the output) when the process exits. */
async function waitForOutput(started: Started, pattern: RegExp, what: string, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(started.output());
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what} did not start within ${timeoutMs / 1000} s. Output:\n${started.output()}`));
    }, timeoutMs);
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${what} exited with ${code} before it was ready. Output:\n${started.output()}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      started.child.stdout!.off('data', check);
      started.child.stderr!.off('data', check);
    };
    started.child.stdout!.on('data', check);
    started.child.stderr!.on('data', check);
    void started.exited.then(onExit);
    check();
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
async function stopStarted(started: Started, graceMs = 5000): Promise<void> {
  if (started.child.exitCode !== null || started.child.signalCode !== null) return;
  started.child.kill('SIGTERM');
  const timer = setTimeout(() => started.child.kill('SIGKILL'), graceMs);
  await started.exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// The bot

export interface Bot {
  url: string;
  port: number;
  dataDir: string;
  logFile: string;
  env: Record<string, string>;
  output(): string;
  stop(): Promise<void>;
}

/** Names of every variable a developer's ./.env (or .env.example) may set: blanked so that only ours count. */
function configVariableNames(): string[] {
  const names = new Set<string>();
  for (const file of ['.env.example', '.env']) {
    const full = path.join(ROOT, file);
    if (!existsSync(full)) continue;
    for (const match of readFileSync(full, 'utf8').matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/gm)) names.add(match[1]!);
  }
  return [...names];
}

export interface BotOptions {
  port: number;
  dataDir: string;
  logFile: string;
  /** Extra configuration (timers, MANAGER_IDS...). */
  env?: Record<string, string>;
}

/**
 * Starts `node --disable-warning=DEP0111 --import tsx bot/main.ts` in the project folder. bot/config.ts
 * reads ./.env without overriding what is set, and treats an empty variable as unset, so every
 * variable that .env / .env.example name is passed empty unless `env` sets it: a developer's .env
 * (a real MicrosoftAppId, say) cannot leak into the run.
 */
export async function startBot(options: BotOptions): Promise<Bot> {
  const env: Record<string, string> = {
    ...Object.fromEntries(configVariableNames().map((name) => [name, ''])),
    PORT: String(options.port),
    HOST: '127.0.0.1',
    DATA_DIR: options.dataDir,
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const started = startLogged(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'bot/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    logFile: options.logFile,
  });
  const match = await waitForOutput(started, /"msg":"listening","url":"([^"]+)"/, 'The bot', 30_000);
  return {
    url: match[1]!,
    port: options.port,
    dataDir: options.dataDir,
    logFile: options.logFile,
    env,
    output: started.output,
    stop: () => stopStarted(started),
  };
}

// ---------------------------------------------------------------------------------------------
// The playground

export interface Playground {
  url: string;
  port: number;
  logFile: string;
  /** The playground's own log (./devTools/m365agentsplayground.log): why it refused a config, etc. */
  internalLogFile: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the Agents Playground with `-c msteams` against `botEndpoint`, no browser, no telemetry, in
 * `workDir` (it writes ./devTools/ there) with a copy of the project's .m365agentsplayground.yml.
 * TZ=UTC: the playground stamps invokes with its own time zone (`localTimezone`), not the browser's.
 */
export async function startPlayground(options: { workDir: string; botEndpoint: string; logFile: string }): Promise<Playground> {
  copyFileSync(PLAYGROUND_CONFIG, path.join(options.workDir, '.m365agentsplayground.yml'));
  const internalLogFile = path.join(options.workDir, 'm365agentsplayground.log');
  const port = await getFreePort();
  const started = startLogged(PLAYGROUND_BIN, ['-c', 'msteams', '-e', options.botEndpoint, '-p', String(port), '--disable-telemetry'], {
    cwd: options.workDir,
    env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', M365_AGENTS_PLAYGROUND_LOGFILE: internalLogFile, TZ: 'UTC' },
    logFile: options.logFile,
  });
  // When -p is taken it silently picks another port: the "Listening on N" line is the truth.
  const match = await waitForOutput(started, /Listening on (\d+)/, 'The Agents Playground', 30_000);
  const actualPort = Number(match[1]);
  // An invalid config file makes it exit 1 right after "Listening", without a word.
  const early = await Promise.race([started.exited.then((code) => ({ code })), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 750))]);
  if (early) {
    const reason = existsSync(internalLogFile) ? readFileSync(internalLogFile, 'utf8') : '(no log)';
    throw new Error(`The Agents Playground exited with ${early.code} after starting (invalid .m365agentsplayground.yml?). Its log:\n${reason}`);
  }
  await waitForHttp(`http://127.0.0.1:${actualPort}/`, 15_000);
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    logFile: options.logFile,
    internalLogFile,
    output: started.output,
    stop: () => stopStarted(started),
  };
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  await waitFor(
    `${url} to answer`,
    async (seen) => {
      try {
        const response = await fetch(url);
        seen(`HTTP ${response.status}`);
        return response.ok;
      } catch (error) {
        seen(String(error));
        return false;
      }
    },
    timeoutMs,
    { everyMs: 200 },
  );
}

export { getFreePort };
