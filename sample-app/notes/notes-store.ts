import { Injectable } from 'weft';

/** A note as the API gives it. */
export interface Note {
  id: string;
  title: string;
  body: string;
  author: string;
}

/** Keeps notes in memory: the app's singleton store. */
@Injectable()
export class NotesStore {
  readonly #notes = new Map<string, Note>();
  #nextId = 1;

  list(): Note[] {
    return [...this.#notes.values()];
  }

  find(id: string): Note | undefined {
    return this.#notes.get(id);
  }

  add(fields: Omit<Note, 'id'>): Note {
    const note = { id: String(this.#nextId++), ...fields };
    this.#notes.set(note.id, note);
    return note;
  }

  remove(id: string): boolean {
    return this.#notes.delete(id);
  }
}
