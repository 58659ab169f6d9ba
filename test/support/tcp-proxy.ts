/**
 * A TCP proxy in front of a server (PostgreSQL in the tests), to fail the network as a restart would: `down()`
 * drops every connection and turns new ones away until `up()`.
 */
import { EventEmitter, once } from "node:events";
import { createConnection, createServer, type Socket } from "node:net";

export interface TcpProxy {
  readonly port: number;
  /** Drops every connection and turns new ones away (the server is "restarting"). */
  down(): void;
  /** Accepts connections again. */
  up(): void;
  /** Resolves once `n` connection attempts have been turned away since the last `down()`. */
  refused(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const events = new EventEmitter();
  let accepting = true;
  let refusals = 0;
  const server = createServer((client) => {
    if (!accepting) {
      client.destroy();
      refusals += 1;
      events.emit("refused");
      return;
    }
    const upstream = createConnection({ host: targetHost, port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = address && typeof address === "object" ? address.port : 0;
  const cut = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  return {
    port,
    down() {
      accepting = false;
      refusals = 0;
      cut();
    },
    up() {
      accepting = true;
    },
    async refused(n) {
      while (refusals < n) await once(events, "refused");
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
