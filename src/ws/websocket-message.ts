/**
 * A message read from a websocket, in aiohttp's model: `text` and `binary` carry the
 * payload; `close` carries the close code in `data` and the reason in `extra`; `error`
 * carries what went wrong (the connection closes after it).
 *
 * @example
 * ```ts
 * const msg = await ws.receive();
 * if (msg.type === 'text') console.log(msg.data.toUpperCase());
 * else if (msg.type === 'close') console.log('closed', msg.data, msg.extra);
 * ```
 */
export type WebSocketMessage =
  | { readonly type: 'text'; readonly data: string }
  | { readonly type: 'binary'; readonly data: Buffer }
  | { readonly type: 'close'; readonly data: number; readonly extra: string }
  | { readonly type: 'error'; readonly data: Error };
