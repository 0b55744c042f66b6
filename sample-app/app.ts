import { HttpError, createApp, json, type Application, type Middleware } from 'weft';
import { createAdminApp } from './admin/admin-app.js';
import { identify } from './notes/current-user.js';
import { NotesModule } from './notes/notes-module.js';

/** Errors under /api/ answer JSON, as the seed's error middleware does for 404. */
const jsonErrors: Middleware = async (request, next) => {
  try {
    return await next();
  } catch (err) {
    // rawPath: `path` decodes, and would throw again for the bad escapes that got us here
    if (!(err instanceof HttpError) || !request.rawPath.startsWith('/api/')) throw err;
    return json({ error: err.text, status: err.status }, { status: err.status, headers: err.headers });
  }
};

/** The sample application: a notes API, an admin sub-app and a home page. */
export function createSampleApp(): Application {
  const app = createApp({ name: 'sample', modules: [NotesModule], middlewares: [jsonErrors, identify] });
  app.router.add('GET', '/', () => 'Hello from weft: try GET /api/notes or GET /admin/stats\n', { name: 'home' });
  app.mount('/admin/', createAdminApp());
  app.onResponsePrepare.push((_request, response) => {
    response.headers.set('x-powered-by', 'weft');
  });
  return app;
}
