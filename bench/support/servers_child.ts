/**
 * Child process for the throughput benchmark: runs the firehose server and the socket.io server in
 * their own process, so the benchmark process measures only the receiving side. Prints one JSON line
 * (`ServersReady`) when listening, and exits when its stdin closes.
 *
 * @module
 */
import { parentGone } from "./child.ts";
import { startFirehose } from "./firehose_server.ts";
import { startSocketIoServer } from "./socketio_pair.ts";

/** What the child prints when ready. */
export interface ServersReady {
  /** Firehose base URL (for the SDK's `baseUrl`). */
  firehoseUrl: string;
  /** Firehose WebSocket URL (for raw clients). */
  firehoseWsUrl: string;
  /** socket.io server URL. */
  socketIoUrl: string;
}

/** No helper may outlive a full benchmark run by much. */
const MAX_LIFE_MS = 15 * 60_000;

if (import.meta.main) {
  const firehose = startFirehose();
  const socketIo = await startSocketIoServer();
  const ready: ServersReady = {
    firehoseUrl: firehose.url,
    firehoseWsUrl: firehose.wsUrl,
    socketIoUrl: socketIo.url,
  };
  console.log(JSON.stringify(ready));
  await parentGone(MAX_LIFE_MS);
  await Promise.all([firehose.close(), socketIo.close()]);
  Deno.exit(0);
}
