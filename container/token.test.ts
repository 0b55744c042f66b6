import { Key } from './key.js';
import { isProviderToken, isToken, tokenName } from './token.js';

describe('tokens', () => {
  test('tokenName prints classes, keys, strings, symbols and non-tokens', () => {
    class UsersService {}
    expect(tokenName(UsersService)).toBe('UsersService');
    expect(tokenName(class {})).toBe('<anonymous class>');
    expect(tokenName(new Key('db'))).toBe('Key(db)');
    expect(tokenName('Mailer')).toBe('"Mailer"');
    expect(tokenName(Symbol('mailer'))).toBe('Symbol(mailer)');
    expect(tokenName(undefined)).toBe('<not a token: undefined undefined>');
    expect(tokenName(null)).toBe('<not a token: null>');
    expect(tokenName([])).toBe('<not a token: an object ([object Array])>');
  });

  test('provider tokens are classes and keys; tokens add strings and symbols', () => {
    abstract class Clock {}
    for (const token of [Clock, new Key('k')]) {
      expect(isProviderToken(token)).toBe(true);
      expect(isToken(token)).toBe(true);
    }
    for (const token of ['s', Symbol('s')]) {
      expect(isProviderToken(token)).toBe(false);
      expect(isToken(token)).toBe(true);
    }
    for (const value of [undefined, null, 1, {}]) expect(isToken(value)).toBe(false);
  });
});
