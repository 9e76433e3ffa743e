/**
 * Tests never touch the internet: refuse every TCP connection that is not to loopback.
 *
 * Patches net.Socket.prototype.connect, which every TCP client in Node goes through (http, https,
 * fetch/undici, the botbuilder connector client, MSAL). A blocked connection fails asynchronously
 * with an Error whose code is 'ENETUNREACH' and message "network blocked in tests: HOST:PORT".
 * Unix sockets / named pipes are allowed.
 *
 * Use either
 *   const restore = blockNetwork(); ... restore();
 * or as a mocha root-hook plugin:  mocha --require test/support/no-network.ts  (exports mochaHooks).
 */
import net from 'node:net';

// 0.0.0.0 and :: connect to the local host as well.
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|::ffff:127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0|::)$/i;

let installed: { original: typeof net.Socket.prototype.connect; depth: number } | undefined;
export const blockedAttempts: string[] = [];

export function isLoopbackHost(host: string | undefined): boolean {
  return host === undefined || host === '' || LOOPBACK.test(host);
}

export function blockNetwork(): () => void {
  if (installed) {
    installed.depth++;
  } else {
    const original = net.Socket.prototype.connect;
    installed = { original, depth: 1 };
    const patched = function (this: net.Socket, ...args: any[]) {
      // net.connect() passes the normalized [options, cb] array as the single argument
      const first = Array.isArray(args[0]) ? args[0][0] : args[0];
      let host: string | undefined;
      let port: unknown;
      let path: unknown;
      if (first !== null && typeof first === 'object') {
        host = (first as net.TcpNetConnectOpts).host ?? undefined;
        port = (first as net.TcpNetConnectOpts).port;
        path = (first as net.IpcNetConnectOpts).path;
      } else if (typeof first === 'string' && !/^\d+$/.test(first)) {
        path = first; // connect(path, cb)
      } else {
        port = first;
        host = typeof args[1] === 'string' ? args[1] : undefined;
      }
      if (path === undefined && !isLoopbackHost(host)) {
        const what = `${host}:${String(port)}`;
        blockedAttempts.push(what);
        const err = Object.assign(new Error(`network blocked in tests: ${what}`), { code: 'ENETUNREACH' });
        process.nextTick(() => this.destroy(err));
        return this;
      }
      return (installed!.original as any).apply(this, args);
    };
    net.Socket.prototype.connect = patched as typeof net.Socket.prototype.connect;
  }
  return () => {
    if (!installed) return;
    if (--installed.depth === 0) {
      net.Socket.prototype.connect = installed.original;
      installed = undefined;
    }
  };
}

let hookRestore: (() => void) | undefined;
export const mochaHooks = {
  beforeAll() {
    hookRestore ??= blockNetwork();
  },
  afterAll() {
    hookRestore?.();
    hookRestore = undefined;
  },
};
