import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * The web console, built by `npm run build` into dist/web, served at `/`:
 * index.html and its hashed assets, each file a route of its own read once
 * at start (a megabyte), so no API path is ever shadowed and no request
 * touches the disk. Public, like /docs: the console signs in with a token
 * and sends it with every API call. (Not @fastify/static: its dependencies
 * are ES modules that jest cannot load.)
 */
const INDEX = 'index.html';

/** dist/web of this checkout, whether the api runs compiled (dist/apps/api/…) or from its sources (apps/api/…, tests). */
export const consoleRoot = (from = __dirname): string | undefined => {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'dist', 'web');
    if (existsSync(join(candidate, INDEX))) return candidate;
    if (existsSync(join(dir, 'package.json'))) return undefined;
  }
  return undefined;
};

/** The pages may load only their own scripts and styles and talk only to this api. */
const CONTENT_SECURITY_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

const filesUnder = (root: string, dir = root): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(root, join(dir, entry.name)) : [relative(root, join(dir, entry.name))]));

export const registerConsole = (fastify: FastifyInstance, root = consoleRoot()): void => {
  if (root === undefined) {
    fastify.get('/', async (_, reply) =>
      reply.code(404).send({ statusCode: 404, code: 'CONSOLE_NOT_BUILT', message: 'the web console is not built: run npm run build (the API itself is at /docs)' }),
    );
    return;
  }
  for (const file of filesUnder(root)) {
    const body = readFileSync(join(root, file));
    const headers = {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      // Assets are named by their hash: cached for good. The page itself is checked every time.
      'cache-control': file === INDEX ? 'no-cache' : 'public, max-age=31536000, immutable',
    };
    const url = `/${file.split(sep).join('/')}`;
    for (const path of file === INDEX ? ['/', url] : [url]) fastify.get(path, async (_, reply) => reply.headers(headers).send(body));
  }
};
