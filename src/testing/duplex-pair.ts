import { Duplex } from 'node:stream';
// node's own, not the globals: jest.useFakeTimers() replaces those (process.nextTick too),
// and the inject transport hung where the socket transport answered
import { setImmediate } from 'node:timers';

/**
 * Two connected in-memory streams: what one writes, the other reads. The TestClient's
 * `inject` transport hands one end to a (never listening) `node:http` server as a
 * connection and gives the other to `http.request`, so requests get node's real HTTP
 * parsing and semantics without a socket. (Node 22 has `stream.duplexPair`; Node 20 does not.)
 */
export function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const end = (peer: () => Duplex) => {
    let written = 0;
    const side = new Duplex({
      read() {},
      // Bytes arrive in a later turn of the event loop, never inside the writer's write()
      // call, as over a socket: a peer that answers synchronously would otherwise re-enter
      // the writer (ws's closing handshake then ran twice and left a 30 s timer behind).
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        setImmediate(deliver, peer(), chunk);
        callback();
      },
      final(callback) {
        setImmediate(deliver, peer(), null);
        callback();
      },
      // The peer goes once what was written before reached it, as over a socket: a server
      // that writes its 400 or 431 and destroys the connection (node's parser gave up) is
      // heard (destroying the peer at once dropped the answer: the client saw a hang-up).
      // Immediates run in order, and a flowing reader's read of a delivery comes before the next.
      destroy(err, callback) {
        setImmediate(hangUp, peer());
        callback(err);
      },
    });
    // bytes written so far, those still buffered included, as a socket counts them (the access log's %b reads it)
    Object.defineProperty(side, 'bytesWritten', { get: () => written + side.writableLength });
    // what servers and ws call on a net.Socket; nothing to tune in memory
    return Object.assign(side, { setTimeout: returnThis, setNoDelay: returnThis, setKeepAlive: returnThis });
  };
  ends.push(
    end(() => ends[1]),
    end(() => ends[0]),
  );
  return [ends[0], ends[1]];
}

function deliver(to: Duplex, chunk: Buffer | null): void {
  if (!to.destroyed) to.push(chunk);
}

function hangUp(peer: Duplex): void {
  if (!peer.destroyed) peer.destroy();
}

function returnThis<T>(this: T): T {
  return this;
}
