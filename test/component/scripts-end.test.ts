// The `npm run` scripts that start processes end with their terminal (docs/playground.md): SIGTERM
// or SIGINT to `npm run playground` or `npm run partner-center:sim` ends every process it started
// (none is left in its process group) and frees the ports; `npm run playground` refuses to start
// on a taken port, naming it. Real npm, real child processes.

import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { childEnv } from '../support/child-env.js';
import { getFreePort } from '../support/free-port.js';
import { ROOT } from '../support/start-service.js';
import { waitFor } from '../support/wait-for.js';

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm run <script>` in its own process group (its pid is the group's id). */
function npmRun(script: string, args: string[], env: Record<string, string>): Run {
  const child = spawn('npm', ['run', '--silent', script, ...(args.length > 0 ? ['--', ...args] : [])], {
    cwd: ROOT,
    env: childEnv({ LOG_LEVEL: 'warn', TEAMSAPPTESTER_BROWSER: 'none', ...env }),
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Whether any process of the group is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const answers = (url: string) =>
  fetch(url).then(
    () => true,
    () => false,
  );

describe('npm run scripts end with their terminal (component)', function () {
  this.timeout(90_000);
  const runs: Run[] = [];

  afterEach(async () => {
    for (const run of runs.splice(0)) {
      if (run.child.pid !== undefined && groupAlive(run.child.pid)) process.kill(-run.child.pid, 'SIGKILL');
    }
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`npm run playground: ${signal} ends the bot and the playground and frees both ports`, async () => {
      const [port, playgroundPort] = [await getFreePort(), await getFreePort()];
      const run = npmRun('playground', [], { PORT: String(port), PLAYGROUND_PORT: String(playgroundPort) });
      runs.push(run);
      await waitFor(
        'the bot and the playground answering',
        async () => (await answers(`http://127.0.0.1:${port}/healthz`)) && answers(`http://127.0.0.1:${playgroundPort}/`),
        60_000,
      );
      process.kill(run.child.pid!, signal);
      await run.exited;
      await waitFor('every process of the script gone', () => !groupAlive(run.child.pid!), 20_000);
      expect(await portFree(port), 'the bot port').to.equal(true);
      expect(await portFree(playgroundPort), 'the playground port').to.equal(true);
    });
  }

  it('npm run partner-center:sim: SIGTERM ends the simulator and its bot, and frees the port', async () => {
    const port = await getFreePort();
    const run = npmRun('partner-center:sim', ['--no-playground'], { PORT: String(port) });
    runs.push(run);
    await waitFor('the simulator ready', () => run.output().includes('press Enter here'), 60_000);
    process.kill(run.child.pid!, 'SIGTERM');
    await run.exited;
    await waitFor('every process of the script gone', () => !groupAlive(run.child.pid!), 20_000);
    expect(await portFree(port)).to.equal(true);
  });

  it('npm run playground on a taken port: refuses to start, naming the port', async () => {
    const port = await getFreePort();
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', () => resolve()));
    try {
      const run = npmRun('playground', [], { PORT: String(port) });
      runs.push(run);
      expect(await run.exited).to.not.equal(0);
      expect(run.output()).to.include(`port ${port} is taken`);
      expect(groupAlive(run.child.pid!)).to.equal(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
