import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file of the dashboard, held in memory with everything needed to answer for it. */
export interface DashboardFile {
  body: Buffer;
  /** Precomputed once: the app is small and static, so every request is a map lookup. */
  gzip?: Buffer;
  contentType: string;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Compressing already-compressed formats (PNG, WOFF2) only costs CPU. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.webmanifest', '.txt']);

/** Where index.html asks for its assets; replaced by the versioned prefix when the page is served. */
export const ASSETS_PLACEHOLDER = '%ASSETS%';
export const ASSETS_ROUTE = 'ui';

/**
 * The single-page app read from disk once at boot. Assets are served under
 * `/ui/<version>/…` where the version is a hash of every file, so they can be cached forever
 * (a deploy changes the version, hence every URL); only the page at `/` is revalidated.
 * Request paths are looked up in this map and never touch the file system, so `..` tricks
 * have nothing to reach.
 */
export class DashboardAssets {
  readonly version: string;
  readonly page: DashboardFile | null;
  private readonly files = new Map<string, DashboardFile>();

  constructor(readonly directory: string) {
    const template = join(directory, 'index.html');
    if (!existsSync(template)) {
      this.version = 'missing';
      this.page = null;
      return;
    }
    const paths = walk(directory).sort();
    const hash = createHash('sha256');
    for (const path of paths) hash.update(relative(directory, path)).update('\0').update(readFileSync(path));
    this.version = hash.digest('hex').slice(0, 12);
    for (const path of paths) {
      const key = relative(directory, path).split(sep).join('/');
      if (key !== 'index.html') this.files.set(key, file(readFileSync(path), extname(path)));
    }
    const html = readFileSync(template, 'utf8').replaceAll(ASSETS_PLACEHOLDER, `/${ASSETS_ROUTE}/${this.version}`);
    this.page = file(Buffer.from(html), '.html');
  }

  asset(path: string): DashboardFile | undefined {
    return this.files.get(path);
  }
}

function file(body: Buffer, extension: string): DashboardFile {
  return {
    body,
    gzip: COMPRESSIBLE.has(extension) && body.length > 512 ? gzipSync(body, { level: 9 }) : undefined,
    contentType: CONTENT_TYPES[extension],
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
  };
}

/** Files with a known content type; anything else in the folder (notes, editor backups) is not served. */
function walk(directory: string, out: string[] = []): string[] {
  for (const name of readdirSync(directory)) {
    if (name.startsWith('.')) continue;
    const path = join(directory, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (CONTENT_TYPES[extname(name)]) out.push(path);
  }
  return out;
}
