import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A port that was free on 127.0.0.1 a moment ago. Prefer listen(0) on the server itself and read
 * the port back (no race); use this only when a port must be known before the server starts.
 */
export async function getFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
