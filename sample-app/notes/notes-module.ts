import { Module } from 'weft';
import { CurrentUser } from './current-user.js';
import { NotesController } from './notes-controller.js';
import { NotesStore } from './notes-store.js';

/** Notes: the store, the per-request current user (set by the `identify` middleware) and the API. */
@Module({ controllers: [NotesController], providers: [NotesStore, { provide: CurrentUser, scope: 'request' }] })
export class NotesModule {}
