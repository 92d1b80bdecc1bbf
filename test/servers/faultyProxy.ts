import { AddressInfo, createServer, Server, Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a real server that misbehaves on the way back to the client, for
 * faults a real server does not produce on demand:
 * - `byteAtATime`: the server's bytes are forwarded one per write, each after the previous one left,
 *   so the client sees (nearly) every byte in its own read;
 * - `stallAfter`: the first `bytes` bytes of the server's side of each connection are forwarded, then
 *   nothing more (the connection stays open), like a server that stops answering;
 * - `delayReplies`: each chunk of the server's is forwarded `ms` after it came, in order, like a slow link
 *   (a round trip costs `ms` more), which loopback cannot be;
 * - `passthrough`: forwarded as they come.
 * The client's bytes always go to the server unchanged.
 */
export type ProxyMode = { kind: 'passthrough' } | { kind: 'byteAtATime' } | { kind: 'stallAfter'; bytes: number } | { kind: 'delayReplies'; ms: number };

export interface FaultyProxy {
  readonly port: number;
  /** Applies to connections opened afterwards. */
  setMode(mode: ProxyMode): void;
  /** Server bytes forwarded to clients so far, over all connections. */
  readonly forwarded: number;
  close(): Promise<void>;
}

export async function startFaultyProxy(target: { host: string; port: number }, initial: ProxyMode): Promise<FaultyProxy> {
  let mode = initial;
  let forwarded = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const server: Server = createServer((client) => {
    const connectionMode = mode;
    track(client);
    client.setNoDelay(true);
    const upstream = new Socket();
    track(upstream);
    upstream.setNoDelay(true);
    client.on('data', (chunk) => upstream.write(chunk));
    client.once('close', () => upstream.destroy());

    const queue: Buffer[] = [];
    let pumping = false;
    let upstreamClosed = false;
    let sent = 0;
    let pending = 0;
    const pump = (): void => {
      if (pumping) return;
      pumping = true;
      const next = (): void => {
        const head = queue[0];
        if (!head || client.destroyed) {
          pumping = false;
          if (upstreamClosed) client.end();
          return;
        }
        const byte = head.subarray(0, 1);
        if (head.length === 1) queue.shift();
        else queue[0] = head.subarray(1);
        forwarded++;
        client.write(byte, () => setImmediate(next));
      };
      next();
    };
    upstream.on('data', (chunk: Buffer) => {
      if (connectionMode.kind === 'byteAtATime') {
        queue.push(chunk);
        pump();
        return;
      }
      if (connectionMode.kind === 'delayReplies') {
        // Timers of one delay fire in the order they were set: the bytes keep their order.
        pending++;
        setTimeout(() => {
          pending--;
          forwarded += chunk.length;
          if (!client.destroyed) client.write(chunk);
          if (upstreamClosed && pending === 0) client.end();
        }, connectionMode.ms);
        return;
      }
      let piece = chunk;
      if (connectionMode.kind === 'stallAfter') {
        piece = chunk.subarray(0, Math.max(0, connectionMode.bytes - sent));
        sent += chunk.length;
      }
      if (piece.length > 0) {
        forwarded += piece.length;
        client.write(piece);
      }
    });
    // A stalled connection stays open even when the server hangs up, so the client can only time out.
    upstream.once('close', () => {
      upstreamClosed = true;
      if (connectionMode.kind === 'passthrough' || (connectionMode.kind === 'byteAtATime' && !pumping) || (connectionMode.kind === 'delayReplies' && pending === 0)) client.end();
    });
    upstream.connect({ host: target.host, port: target.port });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  return {
    port: (server.address() as AddressInfo).port,
    setMode(next: ProxyMode) {
      mode = next;
    },
    get forwarded() {
      return forwarded;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
