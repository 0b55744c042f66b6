import { runInNewContext } from 'node:vm';
import { errorMessage } from './error-message.js';

describe('errorMessage', () => {
  test('the message of an error, also from another realm; anything else as a string', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    const foreign = runInNewContext('new Error("from another realm")') as unknown;
    expect(foreign instanceof Error).toBe(false);
    expect(errorMessage(foreign)).toBe('from another realm');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(null)).toBe('null');
    expect(errorMessage({ message: 7 })).toBe('[object Object]');
  });
});
