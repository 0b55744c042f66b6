import { DISPOSED_EXTRAS, INLINE_SLOTS, UNDEFINED_VALUE, extrasOf, slotReader, slotWriter, type SlotStore } from './request-slots.js';

const store = (): SlotStore => ({ slot0: undefined, slot1: undefined, slot2: undefined, slot3: undefined, extras: undefined });

describe('request slots', () => {
  test('the first INLINE_SLOTS slots are fields of the store; no extras allocated', () => {
    const s = store();
    for (let slot = 0; slot < INLINE_SLOTS; slot++) slotWriter(slot)(s, `v${slot}`);
    expect([s.slot0, s.slot1, s.slot2, s.slot3]).toEqual(['v0', 'v1', 'v2', 'v3']);
    for (let slot = 0; slot < INLINE_SLOTS; slot++) expect(slotReader(slot)(s)).toBe(`v${slot}`);
    expect(s.extras).toBeUndefined();
  });

  test('later slots go to the extras, allocated on the first write', () => {
    const s = store();
    expect(slotReader(INLINE_SLOTS + 3)(s)).toBeUndefined();
    expect(s.extras).toBeUndefined();
    slotWriter(INLINE_SLOTS + 3)(s, 'far');
    expect(slotReader(INLINE_SLOTS + 3)(s)).toBe('far');
    expect(slotReader(INLINE_SLOTS)(s)).toBeUndefined();
    expect(s.extras?.moreSlots?.[3]).toBe('far');
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
