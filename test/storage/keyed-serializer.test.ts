// Per-key serialization: one key runs one task at a time in call order, keys do not wait for each
// other, a failure stays with its caller, and drain() waits for everything queued.

import { expect } from 'chai';
import { KeyedSerializer } from '../../storage/keyed-serializer.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('storage: KeyedSerializer', () => {
  it('runs the tasks of one key one at a time, in call order', async () => {
    const serializer = new KeyedSerializer();
    const log: string[] = [];
    let running = 0;
    const task = (name: string) => async () => {
      running += 1;
      expect(running).to.equal(1);
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 2));
      log.push(`end ${name}`);
      running -= 1;
    };
    await Promise.all([serializer.run('a', task('1')), serializer.run('a', task('2')), serializer.run('a', task('3'))]);
    expect(log).to.deep.equal(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('lets another key run while one key is blocked', async () => {
    const serializer = new KeyedSerializer();
    const gate = deferred();
    const blocked = serializer.run('a', () => gate.promise.then(() => 'a'));
    expect(await serializer.run('b', () => 'b')).to.equal('b');
    expect(serializer.isIdle('a')).to.equal(false);
    gate.resolve();
    expect(await blocked).to.equal('a');
  });

  it('rejects only the failing task; the next task of that key still runs', async () => {
    const serializer = new KeyedSerializer();
    const failing = serializer.run('a', () => {
      throw new Error('boom');
    });
    const next = serializer.run('a', () => 42);
    expect(await failing.catch((e: Error) => e.message)).to.equal('boom');
    expect(await next).to.equal(42);
  });

  it('forgets idle keys and drains work queued while draining', async () => {
    const serializer = new KeyedSerializer();
    let done = 0;
    void serializer.run('a', async () => {
      await new Promise((r) => setTimeout(r, 5));
      done += 1;
      void serializer.run('b', async () => {
        await new Promise((r) => setTimeout(r, 5));
        done += 1;
      });
    });
    await serializer.drain();
    expect(done).to.equal(2);
    expect(serializer.busyKeys).to.equal(0);
    expect(serializer.isIdle('a')).to.equal(true);
  });
});
