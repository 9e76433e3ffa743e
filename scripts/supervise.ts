// The processes an `npm run` script starts, ended together (docs/playground.md): SIGINT or SIGTERM
// to the script, or any of them exiting, stops every one and waits for it, so no bot keeps its port
// after the terminal is gone. Used by scripts/playground.ts and scripts/partner-center-sim.ts.

import { type ChildProcess } from 'node:child_process';
import net from 'node:net';

/** How long a child has to stop after SIGTERM before it gets SIGKILL. */
const STOP_GRACE_MS = 10_000;

export class Supervisor {
  readonly #children: ChildProcess[] = [];
  #stopping: Promise<void> | undefined;

  /** Ends everything on SIGINT / SIGTERM; `cleanup` runs after the children are gone. */
  constructor(
    private readonly name: string,
    private readonly cleanup: () => Promise<void> = async () => {},
  ) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void this.stop(0, `${signal} received`));
  }

  /** Watches `child`: when it exits by itself, everything stops. */
  add(child: ChildProcess, label: string): ChildProcess {
    this.#children.push(child);
    child.once('exit', (code, signal) => {
      if (!this.#stopping) void this.stop(code === 0 ? 0 : 1, `${label} exited (${signal ?? code})`);
    });
    return child;
  }

  /** Stops every child (SIGTERM, then SIGKILL after a grace period), runs the cleanup and exits with `code`. */
  stop(code: number, why: string): Promise<void> {
    this.#stopping ??= (async () => {
      process.stdout.write(`[${this.name}] ${why}: stopping\n`);
      await Promise.all(this.#children.map((child) => stopChild(child)));
      await this.cleanup();
      process.exit(code);
    })();
    return this.#stopping;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Refuses to go on when `port` is taken on the loopback address: says which port and what to do. */
export async function requireFreePort(name: string, port: number, variable: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (free) return;
  process.stderr.write(`[${name}] port ${port} is taken (is \`npm start\` running?). Stop that process, or set ${variable} to another port.\n`);
  process.exit(1);
}
