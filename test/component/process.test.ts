// The service as a process: fails fast on bad config naming the variable, stops gracefully on
// SIGTERM with exit code 0, and loses nothing it acknowledged when killed in the middle of writes.

import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { getReferral, postReferral, sampleRfi } from '../support/intake-client.js';
import { removeDir, ROOT, startChildService, tempDataDir } from '../support/start-service.js';
import { childEnv } from '../support/child-env.js';
import { waitFor } from '../support/wait-for.js';

describe('service process (component)', function () {
  this.timeout(60_000);

  it('a bad config value stops start-up with a message naming the variable', () => {
    for (const [name, value] of [
      ['RESPOND_WITHIN', '24 hours'],
      ['REFERRAL_FLOW', 'fast'],
      ['PORT', 'eighty'],
    ] as const) {
      const run = spawnSync(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'bot/main.ts'], {
        cwd: ROOT,
        env: childEnv({ [name]: value }),
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(run.status, run.stderr).to.equal(1);
      expect(run.stderr).to.include(name);
    }
  });

  it('a port already in use stops start-up with a clear message and exit code 1', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const dataDir = await tempDataDir();
    try {
      const run = spawnSync(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'bot/main.ts'], {
        cwd: ROOT,
        env: childEnv({ PORT: String(port), DATA_DIR: dataDir }),
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(run.status, run.stderr).to.equal(1);
      expect(run.stderr).to.match(/failed to start: .*EADDRINUSE.*set PORT/);
    } finally {
      server.close();
      await removeDir(dataDir);
    }
  });

  it('a second process on the same DATA_DIR refuses to start, naming DATA_DIR and the holder; after a kill -9 of the first, a new one starts', async () => {
    const dataDir = await tempDataDir();
    try {
      const first = await startChildService({ DATA_DIR: dataDir });
      expect((await postReferral(first.url, sampleRfi('owned-1'))).status).to.equal(201);
      const second = spawnSync(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'bot/main.ts'], {
        cwd: ROOT,
        env: childEnv({ PORT: '0', DATA_DIR: dataDir }),
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(second.status, second.stderr).to.equal(1);
      expect(second.stderr).to.include(`DATA_DIR (${dataDir}) cannot be used: it is in use by process ${first.child.pid} on `);
      expect((await getReferral(first.url, 'owned-1')).status).to.equal(200);

      first.child.kill('SIGKILL');
      await first.exited;
      const next = await startChildService({ DATA_DIR: dataDir });
      expect((await getReferral(next.url, 'owned-1')).status).to.equal(200);
      next.child.kill('SIGTERM');
      expect(await next.exited).to.equal(0);
    } finally {
      await removeDir(dataDir);
    }
  });

  it('SIGTERM: finishes requests under way, exits 0, and the data is kept', async () => {
    const dataDir = await tempDataDir();
    try {
      const service = await startChildService({ DATA_DIR: dataDir });
      await waitFor('the local-mode warning', () => service.output().includes('inbound auth is OFF'), 5_000);
      let answered = 0;
      const pending = Array.from({ length: 20 }, (_, i) =>
        postReferral(service.url, sampleRfi(`term-${i}`)).then(
          (res) => {
            answered++;
            return res;
          },
          () => undefined,
        ),
      );
      // The signal comes while the others are under way.
      await waitFor('the first answer', () => answered > 0, 10_000);
      service.child.kill('SIGTERM');
      const acknowledged = (await Promise.all(pending)).filter((res) => res && res.status === 201).length;
      expect(await service.exited).to.equal(0);

      const again = await startChildService({ DATA_DIR: dataDir });
      let found = 0;
      for (let i = 0; i < 20; i++) if ((await getReferral(again.url, `term-${i}`)).status === 200) found++;
      expect(found).to.be.at.least(acknowledged);
      again.child.kill('SIGTERM');
      expect(await again.exited).to.equal(0);
    } finally {
      await removeDir(dataDir);
    }
  });

  it('SIGTERM to `npm start` (as systemd or a container sends it) reaches the bot: it stops cleanly and frees its port', async () => {
    const dataDir = await tempDataDir();
    try {
      const npm = spawn('npm', ['start', '--silent'], { cwd: ROOT, env: childEnv({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' }) });
      let output = '';
      npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
      await waitFor('the service listening', () => /"msg":"listening"/.test(output), 20_000);
      const port = Number(/"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(output)![1]);
      npm.kill('SIGTERM');
      await exited;
      await waitFor('the service stopped', () => output.includes('"msg":"stopped"'), 10_000);
      const refused = await new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(false);
        });
        socket.once('error', () => resolve(true));
      });
      expect(refused, 'nothing listens on the port any more').to.equal(true);
    } finally {
      await removeDir(dataDir);
    }
  });

  it('SIGKILL during writes: every acknowledged RFI is there after a restart', async () => {
    const dataDir = await tempDataDir();
    try {
      const service = await startChildService({ DATA_DIR: dataDir });
      const acknowledged: string[] = [];
      let stop = false;
      const writers = Array.from({ length: 4 }, async (_, worker) => {
        for (let i = 0; !stop; i++) {
          const id = `kill-${worker}-${i}`;
          try {
            const res = await postReferral(service.url, sampleRfi(id));
            if (res.status === 201) acknowledged.push(id);
          } catch {
            return;
          }
        }
      });
      await waitFor('some referrals acknowledged', () => acknowledged.length > 5, 20_000);
      service.child.kill('SIGKILL');
      stop = true;
      await Promise.all(writers);
      await service.exited;
      expect(acknowledged.length).to.be.greaterThan(5);

      const again = await startChildService({ DATA_DIR: dataDir });
      const missing = [];
      for (const id of acknowledged) if ((await getReferral(again.url, id)).status !== 200) missing.push(id);
      expect(missing).to.deep.equal([]);
      again.child.kill('SIGTERM');
      expect(await again.exited).to.equal(0);
    } finally {
      await removeDir(dataDir);
    }
  });
});
