import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ASSETS_ROUTE, DashboardAssets, DashboardFile } from './dashboard-assets';

/**
 * The page may only talk to this origin and run its own files: even if a hostile product name
 * slipped past the app's escaping, no injected script could run or send the admin token elsewhere.
 */
const PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the dashboard: the page at `/` (no auth: it holds no data; every API call it makes
 * carries the admin token the user types in) and its assets under `/ui/<version>/`.
 */
@ApiExcludeController()
@Controller()
export class DashboardController {
  constructor(@Inject(DashboardAssets) private readonly assets: DashboardAssets) {}

  @Get()
  page(@Req() request: Request, @Res() response: Response): void {
    const page = this.assets.page;
    if (!page) {
      response
        .status(503)
        .type('text/plain')
        .send(`The dashboard files are missing (expected ${this.assets.directory}/index.html). The admin API under /api still works.`);
      return;
    }
    response.setHeader('Content-Security-Policy', PAGE_POLICY);
    response.setHeader('X-Frame-Options', 'DENY');
    response.setHeader('Referrer-Policy', 'no-referrer');
    send(request, response, page, 'no-cache');
  }

  @Get(`${ASSETS_ROUTE}/*path`)
  asset(@Req() request: Request, @Res() response: Response): void {
    // `/ui/<version>/<path>`: read from the raw path so the wildcard's parameter format does not matter.
    const [, version = '', ...rest] = request.path.slice(1).split('/');
    const file = this.assets.asset(rest.map(decodeSegment).join('/'));
    if (!file) {
      response.status(404).type('text/plain').send('Not found');
      return;
    }
    // A tab opened before a deploy asks for the old version: answer with today's file, but
    // never let it be cached forever under a version it does not belong to.
    send(request, response, file, version === this.assets.version ? IMMUTABLE : 'no-cache');
  }
}

function send(request: Request, response: Response, file: DashboardFile, cacheControl: string): void {
  response.setHeader('Content-Type', file.contentType);
  response.setHeader('Cache-Control', cacheControl);
  response.setHeader('ETag', file.etag);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  if (file.gzip) response.setHeader('Vary', 'Accept-Encoding');
  if (request.headers['if-none-match'] === file.etag) {
    response.status(304).end();
    return;
  }
  const gzip = file.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  if (gzip) response.setHeader('Content-Encoding', 'gzip');
  const body = gzip ? file.gzip! : file.body;
  response.setHeader('Content-Length', String(body.length));
  response.status(200).end(body);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
