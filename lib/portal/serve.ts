/**
 * A local static server for previewing the site (`npm run portal -- --serve`) and for the
 * browser tests: sirv over node:http, nothing the site itself depends on (any static host does).
 * Files are read on every request (sirv's dev mode), so a rebuilt site is served at once; the
 * MIME types are the ones browsers insist on (application/wasm, text/javascript for .mjs).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import sirv from "sirv";

/** The port asked for is taken: the command says so in one line (lib/cli/portal.ts). */
export class PortInUseError extends Error {}

export interface SiteServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves `dir` on `host:port` (port 0: any free port). Resolves once listening. */
export function serveSite(dir: string, opts: { host?: string; port?: number } = {}): Promise<SiteServer> {
  const host = opts.host ?? "127.0.0.1";
  const handler = sirv(dir, { dev: true, etag: true, dotfiles: false });
  const server = createServer((req, res) => handler(req, res));
  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      reject(err.code === "EADDRINUSE" ? new PortInUseError(`port ${opts.port} on ${host} is in use: choose another with --port`) : err);
    });
    server.listen(opts.port ?? 0, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${port}/`,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
