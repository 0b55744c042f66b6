import { Duplex } from 'node:stream';

/**
 * Two connected in-memory streams: what one writes, the other reads. The TestClient's
 * `inject` transport hands one end to a (never listening) `node:http` server as a
 * connection and gives the other to `http.request`, so requests get node's real HTTP
 * parsing and semantics without a socket. (Node 22 has `stream.duplexPair`; Node 20 does not.)
 */
export function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const end = (peer: () => Duplex) =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        peer().push(chunk);
        callback();
      },
      final(callback) {
        peer().push(null);
        callback();
      },
      destroy(err, callback) {
        if (!peer().destroyed) peer().destroy();
        callback(err);
      },
    });
  ends.push(
    end(() => ends[1]),
    end(() => ends[0]),
  );
  return [ends[0], ends[1]];
}
