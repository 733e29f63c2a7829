/**
 * Child process for the throughput benchmark: runs the wire server (protocol frames for the raw socket
 * and the SDK) and the socket.io server in their own process, so the benchmark process measures only
 * the receiving side. Prints one JSON line
 * (`ServersReady`) when listening, and exits when its stdin closes.
 *
 * @module
 */
import { parentGone } from "./child.ts";
import { startSocketIoServer } from "./socketio_pair.ts";
import { startWireServer } from "./wire_server.ts";

/** What the child prints when ready. */
export interface ServersReady {
  /** Wire server base URL (for the SDK's `baseUrl`). */
  wireUrl: string;
  /** Wire server WebSocket URL (for raw clients). */
  wireWsUrl: string;
  /** socket.io server URL. */
  socketIoUrl: string;
}

/** No helper may outlive a full benchmark run by much. */
const MAX_LIFE_MS = 15 * 60_000;

if (import.meta.main) {
  const wire = startWireServer();
  const socketIo = await startSocketIoServer();
  const ready: ServersReady = { wireUrl: wire.url, wireWsUrl: wire.wsUrl, socketIoUrl: socketIo.url };
  console.log(JSON.stringify(ready));
  await parentGone(MAX_LIFE_MS);
  await Promise.all([wire.close(), socketIo.close()]);
  Deno.exit(0);
}
