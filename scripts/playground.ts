// npm run playground: the bot in local mode and the Microsoft 365 Agents Playground pointed at it
// (docs/playground.md). Refuses to start when the bot's port is taken (it would talk to whatever
// holds it); SIGINT or SIGTERM, or either process ending, ends both.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { requireFreePort, Supervisor } from './supervise.js';

const ROOT = path.resolve(import.meta.dirname, '..');

if (existsSync(path.join(ROOT, '.env'))) process.loadEnvFile(path.join(ROOT, '.env'));
const port = Number(process.env['PORT'] ?? '3978');
await requireFreePort('playground', port, 'PORT');

const supervisor = new Supervisor('playground');
const env = { ...process.env, PORT: String(port) };
supervisor.add(spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'bot/main.ts'], { cwd: ROOT, env, stdio: 'inherit' }), 'the bot');
const playgroundArgs = ['-c', 'msteams', '-e', `http://127.0.0.1:${port}/api/messages`, '--disable-telemetry'];
// PLAYGROUND_PORT: the playground's own page (default 56150, which it silently replaces when taken).
if (process.env['PLAYGROUND_PORT']) playgroundArgs.push('-p', process.env['PLAYGROUND_PORT']);
supervisor.add(spawn(path.join(ROOT, 'node_modules', '.bin', 'agentsplayground'), playgroundArgs, { cwd: ROOT, env, stdio: 'inherit' }), 'the playground');
