import { Controller, Get, createApp, type Application } from 'weft';
import { NotesStore } from '../notes/notes-store.js';

@Controller()
class StatsController {
  constructor(private readonly store: NotesStore) {}

  @Get('/stats', { name: 'stats' })
  stats() {
    return { notes: this.store.list().length, uptimeSeconds: Math.round(process.uptime()) };
  }
}

/** The admin sub-application, mounted at `/admin/`: it uses the parent's NotesStore. */
export function createAdminApp(): Application {
  return createApp({ name: 'admin', controllers: [StatsController] });
}
