/**
 * A TCP proxy in front of a server (PostgreSQL in the tests), to fail the network as a restart would: `down()`
 * drops every connection and turns new ones away until `up()`. `holdReplies()` keeps what the server sends on
 * new connections until `flushReplies()` hands it over in one write, as a busy client reads a backlog at once.
 */
import { EventEmitter, once } from "node:events";
import { createConnection, createServer, type Socket } from "node:net";
import { e2eOnly } from "./test-project.js";

export interface TcpProxy {
  readonly port: number;
  /** Drops every connection and turns new ones away (the server is "restarting"). */
  down(): void;
  /** Accepts connections again. */
  up(): void;
  /** From now on, what the server sends on a new connection is kept back (see `flushReplies`). */
  holdReplies(): void;
  /** Resolves once the server has closed a connection whose replies are held. */
  heldClosed(): Promise<void>;
  /**
   * Hands each held connection everything the server sent, in one write, and stops holding: a connection the
   * server has closed meanwhile is then closed too, others carry on.
   */
  flushReplies(): void;
  /** Resolves once `n` connection attempts have been turned away since the last `down()`. */
  refused(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
  e2eOnly("A TCP proxy");
  const sockets = new Set<Socket>();
  const events = new EventEmitter();
  let accepting = true;
  let refusals = 0;
  let holding = false;
  const held: { client: Socket; upstream: Socket; chunks: Buffer[]; closed: boolean }[] = [];
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
    client.pipe(upstream);
    if (holding) {
      const entry = { client, upstream, chunks: [] as Buffer[], closed: false };
      held.push(entry);
      upstream.on("data", (chunk: Buffer) => entry.chunks.push(chunk));
      upstream
        .on("error", () => undefined)
        .on("close", () => {
          entry.closed = true;
          events.emit("held-closed");
        });
      return;
    }
    upstream.on("error", drop).on("close", drop);
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
    holdReplies() {
      holding = true;
    },
    async heldClosed() {
      while (!held.some((entry) => entry.closed)) await once(events, "held-closed");
    },
    flushReplies() {
      holding = false;
      for (const { client, upstream, chunks, closed } of held.splice(0)) {
        upstream.removeAllListeners("data");
        client.write(Buffer.concat(chunks));
        if (closed) client.end();
        else {
          upstream.on("error", () => client.destroy()).on("close", () => client.destroy());
          upstream.pipe(client);
        }
      }
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
