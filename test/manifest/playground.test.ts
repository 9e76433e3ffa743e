// .m365agentsplayground.yml is accepted by the real Agents Playground: an invalid file makes it exit 1
// without a word, so the only proof is to start it (offline, on a free port, no browser) and ask its
// mock connector for the team that the file describes.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CONFIG = path.join(ROOT, '.m365agentsplayground.yml');
const CLI = path.join(path.dirname(createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
const TEAM_ID = '19:partner-sales-general@thread.tacv2';
const MANAGER_AAD_ID = '20000000-0000-4000-8000-000000000005';

interface Member {
  id: string;
  objectId: string;
  name: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface Started {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  workDir: string;
}

/** Starts the playground the way `npm run playground` does, in a scratch folder (it writes ./devTools/). */
async function startPlayground(configPath: string): Promise<Started> {
  const port = await freePort();
  const botPort = await freePort(); // nobody listens: the playground only probes it
  const workDir = mkdtempSync(path.join(tmpdir(), 'rd-playground-'));
  const child = spawn(process.execPath, [CLI, '-c', 'msteams', '-e', `http://127.0.0.1:${botPort}/api/messages`, '-p', String(port), '--disable-telemetry'], {
    cwd: workDir,
    env: {
      ...process.env,
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
      M365_AGENTS_PLAYGROUND_LOGFILE: path.join(workDir, 'playground.log'),
      TEAMSAPPTESTER_BROWSER: 'none',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the playground did not start listening within 15 s')), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (/Listening on \d+/.test(chunk.toString())) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the playground exited with ${code} before listening`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}`, exited, workDir };
}

async function stop(started: Started): Promise<void> {
  if (started.child.exitCode === null) {
    started.child.kill('SIGTERM');
    await started.exited;
  }
  rmSync(started.workDir, { recursive: true, force: true });
}

describe('playground config (.m365agentsplayground.yml)', function () {
  this.timeout(30_000);

  it('starts the real Agents Playground with -c msteams and describes the team, channels and people', async () => {
    const started = await startPlayground(CONFIG);
    try {
      // The config is loaded right after "Listening": an invalid one ends the process with code 1.
      const outcome = await Promise.race([started.exited.then((code) => `exited ${code}`), new Promise((resolve) => setTimeout(() => resolve('up'), 1000))]);
      const log = existsSync(path.join(started.workDir, 'playground.log')) ? readFileSync(path.join(started.workDir, 'playground.log'), 'utf8') : '';
      expect(
        outcome,
        log
          .split('\n')
          .filter((line) => line.startsWith('error'))
          .join('\n'),
      ).to.equal('up');

      const page = await fetch(`${started.url}/`);
      expect(page.status).to.equal(200);
      expect(await page.text()).to.include('Microsoft 365 Agents Playground');

      const members = (await (await fetch(`${started.url}/_connector/v3/conversations/${encodeURIComponent(TEAM_ID)}/members`)).json()) as Member[];
      expect(members).to.have.length(6); // the current user and exactly five users
      expect(members.map((member) => member.objectId)).to.include(MANAGER_AAD_ID);
      for (const member of members) expect(member.objectId, member.name).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

      const channels = (await (await fetch(`${started.url}/_connector/v3/teams/${encodeURIComponent(TEAM_ID)}/conversations`)).json()) as {
        conversations: Array<{ id: string; name?: string }>;
      };
      expect(channels.conversations.map((channel) => channel.name ?? 'General')).to.deep.equal(['General', 'EMEA']);
    } finally {
      await stop(started);
    }
  });

  it('MANAGER_IDS in .env.example, when set, are people of the playground tenant', function () {
    const example = path.join(ROOT, '.env.example');
    const line = existsSync(example) ? /^MANAGER_IDS=(.*)$/m.exec(readFileSync(example, 'utf8')) : null;
    const ids = (line?.[1] ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    if (ids.length === 0) this.skip();
    const config = readFileSync(CONFIG, 'utf8');
    for (const id of ids) expect(config, `MANAGER_IDS has ${id}`).to.include(`aadObjectId: ${id}`);
  });

  it('an invalid file makes the playground exit 1 (so the test above would notice)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rd-playground-bad-'));
    const bad = path.join(dir, 'bad.yml');
    writeFileSync(bad, `${readFileSync(CONFIG, 'utf8')}    - id: 19:partner-sales-apac@thread.tacv2\n      name: APAC\n`);
    try {
      const started = await startPlayground(bad).catch((error: Error) => error);
      if (started instanceof Error) {
        expect(started.message).to.match(/exited with 1/);
        return;
      }
      expect(await started.exited).to.equal(1);
      expect(readFileSync(path.join(started.workDir, 'playground.log'), 'utf8')).to.include('must NOT have more than 1 items');
      await stop(started);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
