import { Key, type Middleware } from 'weft';

/** The user making the request, put into the request scope by {@link identify}. */
export const CurrentUser = new Key<string>('currentUser');

/** Reads the user from `x-user` (a stand-in for real authentication). */
export const identify: Middleware = async (request, next) => {
  request.scope.provide(CurrentUser, request.headers.get('x-user') ?? 'anonymous');
  return next();
};
