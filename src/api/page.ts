import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Router from '@koa/router';

// The same folder from src/api and from a build in lib/api: the page has no build step.
const PAGE_DIR = path.resolve(__dirname, '../../src/page');

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/page.js': { file: 'page.js', type: 'text/javascript; charset=utf-8' },
  '/page.css': { file: 'page.css', type: 'text/css; charset=utf-8' },
  '/auth.js': { file: 'auth.js', type: 'text/javascript; charset=utf-8' },
  '/graph.js': { file: 'graph.js', type: 'text/javascript; charset=utf-8' },
  '/editor.js': { file: 'editor.js', type: 'text/javascript; charset=utf-8' },
  '/user.js': { file: 'user.js', type: 'text/javascript; charset=utf-8' },
};

// The page renders event data as text; this policy also refuses any script but its own.
const CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The front page: its static files, read on each request so an edit shows on reload. */
export function pageRoutes(): Router {
  const router = new Router();
  for (const [route, { file, type }] of Object.entries(FILES)) {
    router.get(route, async (ctx) => {
      ctx.body = await readFile(path.join(PAGE_DIR, file));
      ctx.type = type;
      ctx.set('Cache-Control', 'no-cache');
      ctx.set('Content-Security-Policy', CSP);
      ctx.set('X-Content-Type-Options', 'nosniff');
    });
  }
  return router;
}
