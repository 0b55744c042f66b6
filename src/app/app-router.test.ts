import { Controller } from '../../decorators/controller.js';
import { Param } from '../../decorators/params.js';
import { Get } from '../../decorators/route.js';
import { createLogger } from '../logging/logger.js';
import { createApp } from './application.js';

@Controller('/users')
class Users {
  @Get('/{id}', { name: 'user' })
  show(@Param('id') id: string) {
    return { id };
  }
}

describe('AppRouter.url before startup', () => {
  test('an unknown name before startup says that controller routes are named at startup', async () => {
    const app = createApp({ controllers: [Users], logger: createLogger({ level: 'silent' }) });
    // the route exists: "known: none" alone would say it does not
    expect(() => app.router.url('user', { params: { id: '1' } })).toThrow(/controller routes are named at startup/);
    await app.startup();
    try {
      expect(app.router.url('user', { params: { id: 'a b' } })).toBe('/users/a%20b');
      expect(() => app.router.url('nope')).toThrow(/^WEFT_ERR_ROUTE_NAME: no route named "nope" in app \(known: user\)$/);
    } finally {
      await app.shutdown();
      await app.cleanup();
    }
  });
});
