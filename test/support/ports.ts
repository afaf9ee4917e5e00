import { createServer } from 'node:net';

/** A local port nothing listens on: taken from the OS, then let go (for "the server is down"). */
export const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
