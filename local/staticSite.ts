/**
 * The web client on the local gateway, as CloudFront serves it in AWS: files from web/dist, the SPA
 * fallback (a path without a file extension, such as /<room-name>, gets index.html), and /config.json
 * telling the client where the APIs are.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { ClientConfig } from '../protocol/index.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export class StaticSite {
  constructor(
    private readonly root: string,
    private readonly config: ClientConfig,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/config.json') {
      const body = JSON.stringify(this.config);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
      return void res.end(req.method === 'HEAD' ? undefined : body);
    }
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return this.notFound(res);
    }
    const file = normalize(join(this.root, path));
    if (file !== this.root && !file.startsWith(this.root + sep)) return this.notFound(res);
    const found = await stat(file).catch(() => undefined);
    if (found?.isFile()) return this.send(req, res, file, found.size, path.startsWith('/assets/'));
    if (extname(path) === '') {
      const index = join(this.root, 'index.html');
      const indexStat = await stat(index).catch(() => undefined);
      if (!indexStat) {
        const body = 'The web client is not built yet: run `npm run build:web` (npm start does it).';
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        return void res.end(body);
      }
      return this.send(req, res, index, indexStat.size, false);
    }
    return this.notFound(res);
  }

  private send(req: IncomingMessage, res: ServerResponse, file: string, size: number, immutable: boolean): void {
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  private notFound(res: ServerResponse): void {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not Found');
  }
}
