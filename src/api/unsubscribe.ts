import Router from '@koa/router';
import type { Context } from 'koa';
import type { Store } from '../store/db';
import { lastAddressOf } from '../store/ledger';
import { suppress } from '../store/subscriptions';
import { readUnsubscribeToken } from '../unsubscribeLink';

/**
 * The link in every email (see unsubscribeLink.ts). GET shows a page with a button, because
 * mail scanners follow links; POST unsubscribes, which is also what a mail client's own
 * unsubscribe button sends (RFC 8058 one-click), with no page in between.
 */
export function unsubscribeRoutes(store: Store, secret: string): Router {
  const reading = (ctx: Context) => {
    const read = readUnsubscribeToken(secret, ctx.params.token);
    if (!read.ok) page(ctx, read.status, 'Unsubscribe', read.message);
    return read.ok ? read.addressHash : undefined;
  };
  return new Router()
    .get('/unsubscribe/:token', (ctx) => {
      if (!reading(ctx)) return;
      page(
        ctx,
        200,
        'Unsubscribe',
        'Stop getting these emails?',
        '<form method="post"><button type="submit">Unsubscribe</button></form>',
      );
    })
    .post('/unsubscribe/:token', async (ctx) => {
      const addressHash = reading(ctx);
      if (!addressHash) return;
      const address = await lastAddressOf(store, addressHash);
      await suppress(store, { addressHash, address, reason: 'unsubscribed', source: 'link' });
      page(ctx, 200, 'Unsubscribed', 'You are unsubscribed: no more of these emails.');
    });
}

function page(ctx: Context, status: number, title: string, message: string, form = ''): void {
  ctx.status = status;
  ctx.type = 'html';
  // The page runs nothing, and its form posts only to where it came from.
  ctx.set(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  );
  ctx.body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${title}</title>
<style>body{font:16px system-ui,sans-serif;max-width:32em;margin:4em auto;padding:0 1em}</style>
</head><body><h1>${title}</h1><p>${message}</p>${form}</body></html>
`;
}
