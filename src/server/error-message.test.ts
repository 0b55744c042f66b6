import { runInNewContext } from 'node:vm';
import { messageOf } from './error-message.js';

test('messageOf gives the message of errors from any realm, and a string for anything else', () => {
  expect(messageOf(new Error('boom'))).toBe('boom');
  expect(messageOf(runInNewContext('new Error("from another realm")'))).toBe('from another realm');
  expect(messageOf({ message: 'error-like' })).toBe('error-like');
  expect(messageOf('plain string')).toBe('plain string');
  expect(messageOf(undefined)).toBe('undefined');
  expect(messageOf({ message: 42 })).toBe('[object Object]');
});
