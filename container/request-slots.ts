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
 * How many slots live as fields of the scope: enough for the request-scoped providers and
 * per-request values most apps have (bench/http S3 provides five), few enough that
 * allocating a scope stays cheap (each field is one store).
 */
export const INLINE_SLOTS = 8;

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
 * readSlot(scope, 2); // scope.slot2
 * ```
 */
export interface SlotStore {
  slot0: unknown;
  slot1: unknown;
  slot2: unknown;
  slot3: unknown;
  slot4: unknown;
  slot5: unknown;
  slot6: unknown;
  slot7: unknown;
  extras: ScopeExtras | undefined;
}

/**
 * The value in slot `slot` (`undefined` when empty). One function with a switch, not a
 * closure per slot: the resolvers of every slot call the same small function, which V8
 * inlines; per-slot closures made each call site megamorphic (measured with callgrind:
 * about 180 instructions per `scope.provide()` write before, a field store now).
 *
 * @example
 * ```ts
 * readSlot(scope, 2); // scope.slot2
 * ```
 */
export function readSlot(store: SlotStore, slot: number): unknown {
  // hot path
  switch (slot) {
    case 0:
      return store.slot0;
    case 1:
      return store.slot1;
    case 2:
      return store.slot2;
    case 3:
      return store.slot3;
    case 4:
      return store.slot4;
    case 5:
      return store.slot5;
    case 6:
      return store.slot6;
    case 7:
      return store.slot7;
    default:
      return store.extras?.moreSlots?.[slot - INLINE_SLOTS];
  }
}

/**
 * Puts `value` into slot `slot` (see {@link readSlot}).
 *
 * @example
 * ```ts
 * writeSlot(scope, 0, instance); // scope.slot0 = instance
 * ```
 */
export function writeSlot(store: SlotStore, slot: number, value: unknown): void {
  // hot path
  switch (slot) {
    case 0:
      store.slot0 = value;
      return;
    case 1:
      store.slot1 = value;
      return;
    case 2:
      store.slot2 = value;
      return;
    case 3:
      store.slot3 = value;
      return;
    case 4:
      store.slot4 = value;
      return;
    case 5:
      store.slot5 = value;
      return;
    case 6:
      store.slot6 = value;
      return;
    case 7:
      store.slot7 = value;
      return;
    default:
      (extrasOf(store).moreSlots ??= [])[slot - INLINE_SLOTS] = value;
  }
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
