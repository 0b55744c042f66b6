import { createApp } from '../app/application.js';
import { formatRoutes, listRoutes } from './routes-command.js';

test('lists routes in matching order with names, sub-apps with their prefix, without starting the app', async () => {
  const events: string[] = [];
  const admin = createApp({ name: 'admin' });
  admin.router.add('GET', '/users', function listUsers() {
    return [];
  }, { name: 'users' });
  const app = createApp();
  app.onStartup.push(() => events.push('startup'));
  app.router.add('GET', '/items/{id}', () => 'item', { name: 'item' });
  app.router.add('POST', '/items', () => 'created');
  app.mount('/admin/', admin);
  const rows = await listRoutes(async () => app);
  expect(rows).toEqual([
    { method: 'POST', path: '/items', name: '', handler: 'POST /items (router.add)' },
    { method: 'GET', path: '/admin/users', name: 'users', handler: expect.stringContaining('listUsers') },
    { method: 'GET', path: '/items/{id}', name: 'item', handler: 'GET /items/{id} (router.add)' },
  ]);
  expect(events).toEqual([]);
});

test('a factory returning something else is an error', async () => {
  await expect(listRoutes((async () => 42) as never)).rejects.toThrow('WEFT_ERR_CLI_TARGET: the factory returned number, not an Application');
});

test('formatRoutes aligns columns', () => {
  expect(formatRoutes([{ method: 'GET', path: '/', name: '', handler: 'index' }, { method: 'DELETE', path: '/users/{id}', name: 'user', handler: 'Users.remove' }])).toBe(
    'METHOD  PATH         NAME  HANDLER\nGET     /            -     index\nDELETE  /users/{id}  user  Users.remove\n',
  );
});
