import { Body, Controller, Delete, Get, HTTPBadRequest, HTTPNotFound, Inject, Param, Post, json } from 'weft';
import { CurrentUser } from './current-user.js';
import { type Note, NotesStore } from './notes-store.js';

/** The notes REST API under `/api/notes`. */
@Controller('/api/notes')
export class NotesController {
  constructor(private readonly store: NotesStore) {}

  @Get('')
  list(): Note[] {
    return this.store.list();
  }

  @Get('/{id:\\d+}', { name: 'note' })
  show(@Param('id') id: string): Note {
    const note = this.store.find(id);
    if (note === undefined) throw new HTTPNotFound({ text: `no note ${id}` });
    return note;
  }

  @Post('')
  create(@Body() body: FormData | { title?: unknown; body?: unknown } | undefined, @Inject(CurrentUser) author: string) {
    // JSON and urlencoded bodies arrive as objects, multipart ones as a FormData
    const fields: { title?: unknown; body?: unknown } | undefined = body instanceof FormData ? Object.fromEntries(body) : body;
    if (typeof fields?.title !== 'string' || fields.title === '') throw new HTTPBadRequest({ text: 'a note needs a title' });
    const note = this.store.add({ title: fields.title, body: typeof fields.body === 'string' ? fields.body : '', author });
    return json(note, { status: 201 });
  }

  @Delete('/{id:\\d+}')
  remove(@Param('id') id: string): void {
    if (!this.store.remove(id)) throw new HTTPNotFound({ text: `no note ${id}` });
  }
}
