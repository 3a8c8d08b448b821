/**
 * A static file server for the built site, on a free loopback port: what GitHub Pages does,
 * and nothing more (no rewriting, no fallbacks but `404.html`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** A running server: the site's address (ending in `/`) and how to stop it. */
export interface StaticSite {
  /** `http://127.0.0.1:<port><base>` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `dir` at `http://127.0.0.1:<port><base>`, as GitHub Pages serves a project site under
 * `/<repository>/`. A folder serves its `index.html`; a missing file (or anything outside the
 * base) gets status 404 and the site's `404.html`.
 *
 * @param base the site's base path, `/` or `/name/` (VitePress's `base`)
 */
export async function serveStatic(dir: string, base = '/'): Promise<StaticSite> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    let file: string | undefined = normalize(join(dir, path.slice(base.length - 1)));
    if (!path.startsWith(base) || !file.startsWith(dir)) file = undefined;
    else if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (file === undefined || !existsSync(file)) {
      const notFound = join(dir, '404.html');
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(existsSync(notFound) ? readFileSync(notFound) : 'not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${base}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
