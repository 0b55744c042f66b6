import { STOP_SIGNALS, onStopSignals } from './stop-signals.js';

describe('onStopSignals', () => {
  test('the first SIGINT or SIGTERM asks to stop, later ones are repeats; removing restores node’s default', () => {
    const before = STOP_SIGNALS.map((s) => process.listenerCount(s));
    const calls: string[] = [];
    const remove = onStopSignals(
      (signal) => calls.push(`stop ${signal}`),
      (signal) => calls.push(`again ${signal}`),
    );
    try {
      expect(STOP_SIGNALS.map((s) => process.listenerCount(s))).toEqual(before.map((n) => n + 1));
      process.emit('SIGTERM', 'SIGTERM');
      process.emit('SIGINT', 'SIGINT');
      process.emit('SIGTERM', 'SIGTERM');
      expect(calls).toEqual(['stop SIGTERM', 'again SIGINT', 'again SIGTERM']);
    } finally {
      remove();
    }
    expect(STOP_SIGNALS.map((s) => process.listenerCount(s))).toEqual(before);
  });

  test('listens to SIGINT (Ctrl+C) and SIGTERM (process managers)', () => {
    expect(STOP_SIGNALS).toEqual(['SIGINT', 'SIGTERM']);
  });
});
