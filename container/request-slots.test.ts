import { DISPOSED_EXTRAS, INLINE_SLOTS, UNDEFINED_VALUE, extrasOf, readSlot, writeSlot, type SlotStore } from './request-slots.js';

const store = (): SlotStore => ({
  slot0: undefined,
  slot1: undefined,
  slot2: undefined,
  slot3: undefined,
  slot4: undefined,
  slot5: undefined,
  slot6: undefined,
  slot7: undefined,
  extras: undefined,
});

describe('request slots', () => {
  test('the first INLINE_SLOTS slots are fields of the store; no extras allocated', () => {
    const s = store();
    for (let slot = 0; slot < INLINE_SLOTS; slot++) writeSlot(s, slot, `v${slot}`);
    expect([s.slot0, s.slot1, s.slot2, s.slot3, s.slot4, s.slot5, s.slot6, s.slot7]).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7']);
    for (let slot = 0; slot < INLINE_SLOTS; slot++) expect(readSlot(s, slot)).toBe(`v${slot}`);
    expect(s.extras).toBeUndefined();
  });

  test('later slots go to the extras, allocated on the first write', () => {
    const s = store();
    expect(readSlot(s, INLINE_SLOTS + 3)).toBeUndefined();
    expect(s.extras).toBeUndefined();
    writeSlot(s, INLINE_SLOTS + 3, 'far');
    expect(readSlot(s, INLINE_SLOTS + 3)).toBe('far');
    expect(readSlot(s, INLINE_SLOTS)).toBeUndefined();
    expect(s.extras?.moreSlots?.[3]).toBe('far');
    expect([s.slot0, s.slot7]).toEqual([undefined, undefined]);
  });

  test('extrasOf allocates once', () => {
    const s = store();
    const extras = extrasOf(s);
    expect(extrasOf(s)).toBe(extras);
    expect(extras).toEqual({ moreSlots: undefined, provided: undefined, disposables: undefined });
  });

  test('the disposed marker is frozen and UNDEFINED_VALUE is a distinct marker', () => {
    expect(Object.isFrozen(DISPOSED_EXTRAS)).toBe(true);
    expect(typeof UNDEFINED_VALUE).toBe('symbol');
  });
});
