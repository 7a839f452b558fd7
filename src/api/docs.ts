import { createReadStream } from 'node:fs';
import path from 'node:path';
import Router from '@koa/router';

const swaggerUi = path.dirname(require.resolve('swagger-ui-dist/package.json'));
export const assets = new Map([
  ['swagger-ui-bundle.js', 'text/javascript'],
  ['swagger-ui.css', 'text/css'],
]);

// Served from node_modules, no CDN; validatorUrl null keeps the page off the network.
const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Socktech API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="docs"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script>
      SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs', validatorUrl: null });
    </script>
  </body>
</html>
`;

/** The API reference: Swagger UI reading /openapi.json. */
export function docsRoutes(): Router {
  const router = new Router().get('/docs', (ctx) => {
    ctx.type = 'html';
    ctx.body = page;
  });
  for (const [file, type] of assets) {
    router.get(`/docs/${file}`, (ctx) => {
      ctx.type = type;
      ctx.set('Cache-Control', 'public, max-age=86400');
      ctx.body = createReadStream(path.join(swaggerUi, file));
    });
  }
  return router;
}
