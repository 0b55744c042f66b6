/**
 * Where a request scope keeps its per-request values. `freeze()` gives every request-scoped
 * provider and every token declared per request a slot number, unique across the container
 * tree. The first {@link INLINE_SLOTS} slots are plain fields of the scope object; the rest,
 * the values provided for tokens the container does not know, and the list of instances to
 * dispose live in a {@link ScopeExtras} object allocated on first need. So creating a scope
 * allocates one small object, and a resolution reads and writes a field: no map, no array
 * growth (measured: growing an empty array costs more than the whole resolution).
 */
import type { DisposableInstance } from './disposal.js';
import type { Token } from './token.js';

/**
 * How many slots live as fields of the scope: enough for the request-scoped providers most
 * requests touch, few enough that allocating a scope stays cheap (each field is a store).
 */
export const INLINE_SLOTS = 4;

/**
 * The less common parts of a request scope, allocated when first needed.
 *
 * @example
 * ```ts
 * const extras: ScopeExtras = { moreSlots: undefined, provided: new Map(), disposables: undefined };
 * ```
 */
export interface ScopeExtras {
  /** Slots from {@link INLINE_SLOTS} on, at `slot - INLINE_SLOTS`. */
  moreSlots: unknown[] | undefined;
  /** Values provided for tokens the container does not know (plain per-request storage). */
  provided: Map<Token, unknown> | undefined;
  /** What to dispose when the scope ends, in creation order. */
  disposables: DisposableInstance[] | undefined;
}

/**
 * The slot fields of a request scope (implemented by `RequestScope`).
 *
 * @example
 * ```ts
 * const read = slotReader(2);
 * read(scope); // scope.slot2
 * ```
 */
export interface SlotStore {
  slot0: unknown;
  slot1: unknown;
  slot2: unknown;
  slot3: unknown;
  extras: ScopeExtras | undefined;
}

/**
 * Reads one slot (`undefined` when empty).
 *
 * @example
 * ```ts
 * const read: SlotRead = slotReader(0);
 * ```
 */
export type SlotRead = (store: SlotStore) => unknown;

/**
 * Writes one slot.
 *
 * @example
 * ```ts
 * const write: SlotWrite = slotWriter(0);
 * write(scope, instance);
 * ```
 */
export type SlotWrite = (store: SlotStore, value: unknown) => void;

// One small function per field, so that a resolver's read is a monomorphic property load.
const READERS: readonly SlotRead[] = [(s) => s.slot0, (s) => s.slot1, (s) => s.slot2, (s) => s.slot3];
const WRITERS: readonly SlotWrite[] = [
  (s, v) => void (s.slot0 = v),
  (s, v) => void (s.slot1 = v),
  (s, v) => void (s.slot2 = v),
  (s, v) => void (s.slot3 = v),
];

/**
 * The reader of slot `slot`.
 *
 * @example
 * ```ts
 * slotReader(5)(scope); // scope.extras?.moreSlots?.[1]
 * ```
 */
export function slotReader(slot: number): SlotRead {
  if (slot < INLINE_SLOTS) return READERS[slot];
  const index = slot - INLINE_SLOTS;
  return (s) => s.extras?.moreSlots?.[index];
}

/**
 * The writer of slot `slot`.
 *
 * @example
 * ```ts
 * slotWriter(0)(scope, instance); // scope.slot0 = instance
 * ```
 */
export function slotWriter(slot: number): SlotWrite {
  if (slot < INLINE_SLOTS) return WRITERS[slot];
  const index = slot - INLINE_SLOTS;
  return (s, v) => {
    const extras = extrasOf(s);
    (extras.moreSlots ??= [])[index] = v;
  };
}

/**
 * The extras of a scope, allocated on first need.
 *
 * @example
 * ```ts
 * extrasOf(scope).provided ??= new Map();
 * ```
 */
export function extrasOf(store: SlotStore): ScopeExtras {
  return (store.extras ??= { moreSlots: undefined, provided: undefined, disposables: undefined });
}

/**
 * The extras of every disposed scope: one shared, frozen object, so that "disposed" costs the
 * scope no field of its own.
 *
 * @example
 * ```ts
 * const disposed = scope.extras === DISPOSED_EXTRAS;
 * ```
 */
export const DISPOSED_EXTRAS: ScopeExtras = Object.freeze({ moreSlots: undefined, provided: undefined, disposables: undefined });

/**
 * What a slot holds when its value is `undefined` (a factory returned it, or it was
 * provided), so that an empty slot (`undefined`) stays distinguishable.
 *
 * @example
 * ```ts
 * write(scope, value === undefined ? UNDEFINED_VALUE : value);
 * ```
 */
export const UNDEFINED_VALUE: unique symbol = Symbol('undefined');
