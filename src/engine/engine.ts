/**
 * Wires the engine together and serves it: REST routes, the WebSocket endpoint, sessions, store,
 * metrics, providers and tools.
 *
 * @module
 */
import { CloseCode } from "../generated/protocol_schema.ts";
import { waitAtMost } from "./abort.ts";
import { Auth } from "./auth.ts";
import { CredentialMetrics } from "./credential_metrics.ts";
import type { EngineContext, KnowledgeBase } from "./context.ts";
import { agentRoutes } from "./http/agents.ts";
import { chatbotRoutes } from "./http/chatbots.ts";
import { Cors } from "./http/cors.ts";
import { ConnectionGuard } from "./http/connection_guard.ts";
import { errorResponse } from "./http/errors.ts";
import { healthRoutes } from "./http/health.ts";
import { knowledgeRoutes } from "./http/knowledge.ts";
import { playgroundRoutes } from "./http/playground.ts";
import { Router } from "./http/router.ts";
import { sessionRoutes } from "./http/sessions.ts";
import { tokenRoutes } from "./http/tokens.ts";
import { newApiKey } from "./ids.ts";
import { Metrics } from "./metrics.ts";
import { type EngineOptions, resolveOptions } from "./options.ts";
import { DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS, MIN_TTL_SECONDS, type TokenScope } from "./tokens.ts";
import { selectProvider } from "./providers/select.ts";
import { RateLimiter } from "./rate_limit.ts";
import { ClusterSessions } from "./cluster/cluster_sessions.ts";
import { SessionRegistry } from "./session/registry.ts";
import type { RedisStore } from "./store/redis_store.ts";
import { MemoryStore } from "./store/memory_store.ts";
import { SqliteStore } from "./store/sqlite_store.ts";
import type { EngineStore } from "./store/store.ts";
import { KnowledgeIndex } from "./tools/knowledge_index.ts";
import { builtinToolTypes, modelToolsFor } from "./tools/registry.ts";
import { Admission } from "./ws/admission.ts";
import { Connection } from "./ws/connection.ts";
import { upgradeProblem } from "./ws/upgrade.ts";

/** A running engine. */
export interface Engine {
  /** Base URL, such as `http://127.0.0.1:53124` (REST under `/v1`, WebSocket at `/v1/sessions/ws`). */
  readonly url: string;
  /** The first accepted API key (the generated one when none was configured). */
  readonly apiKey: string;
  /** Every accepted API key; each is its own organisation. */
  readonly apiKeys: readonly string[];
  /**
   * Operator action: closes every socket attached to a session with 1011, as if the network dropped
   * them; the session keeps generating and clients resume from their cursor. Returns how many
   * sockets were closed.
   */
  dropSockets(sessionId: string): number;
  /**
   * Operator action: mints a scoped token for the organisation of the first key, as `POST /v1/tokens`
   * does, without a request (for a server embedding the engine, and the playground link of the CLI).
   * Throws a `RangeError` for a lifetime outside 10 s to 24 h.
   */
  mintToken(scope: TokenScope, ttlSeconds?: number): Promise<{ token: string; expiresAt: string }>;
  /**
   * Closes every socket with 1001 (frames still in flight are handled first), then stops generation
   * and the server. Idempotent.
   */
  close(): Promise<void>;
  /** Same as {@link Engine.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

const WS_PATH = "/v1/sessions/ws";
/** How long shutdown waits for clients to answer the close handshake. */
const CLOSE_WAIT_MS = 1000;

/** The database file inside `EngineOptions.dataDir`. */
export const DATABASE_FILE = "engine.sqlite3";

/**
 * Starts an engine; see {@link EngineOptions} for the defaults. With `dataDir` its state lives in a
 * SQLite database there and survives crashes and restarts; without, in memory.
 */
export async function startEngine(options: EngineOptions = {}): Promise<Engine> {
  if (options.redisUrl !== undefined) {
    // Loaded only for a cluster: the Redis client is not needed (nor given permissions) otherwise.
    const { RedisStore } = await import("./store/redis_store.ts");
    const store = await RedisStore.connect({
      url: options.redisUrl,
      ...(options.redisPrefix === undefined ? {} : { prefix: options.redisPrefix }),
    });
    try {
      return await startEngineWithStore(options, store, { ownsStore: true, cluster: true });
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  if (options.dataDir === undefined) {
    return await startEngineWithStore(options, new MemoryStore(), { ownsStore: true });
  }
  await Deno.mkdir(options.dataDir, { recursive: true });
  const store = SqliteStore.open(`${options.dataDir.replace(/\/+$/, "")}/${DATABASE_FILE}`);
  try {
    return await startEngineWithStore(options, store, { ownsStore: true });
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * Starts an engine on a given store (a persistent one, or a test's instrumented one). Not exported
 * from the package yet: the store interface may still change. The engine closes the store on
 * `close()` only when it owns it.
 */
export async function startEngineWithStore(
  options: EngineOptions,
  store: EngineStore,
  { ownsStore = false, cluster = false }: {
    ownsStore?: boolean;
    /** The store is a {@link RedisStore} shared by a cluster of engines: run as one of its nodes. */
    cluster?: boolean;
  } = {},
): Promise<Engine> {
  const resolved = resolveOptions(options, newApiKey);
  const auth = await Auth.create(resolved.apiKeys, {
    sessionAgent: async (org, id) => (await store.getSession(org, id))?.agent_id,
  });
  const metrics = new Metrics();
  metrics.credentials = new CredentialMetrics((key) => auth.labels(key));
  const bases = new Map<string, KnowledgeBase>();
  const knowledge = (org: string): KnowledgeBase => {
    let base = bases.get(org);
    if (!base) {
      base = new KnowledgeIndex();
      for (const doc of resolved.knowledgeDocuments) base.add(doc);
      bases.set(org, base);
    }
    return base;
  };
  const ctx: EngineContext = {
    options: resolved,
    store,
    metrics,
    toolTypes: builtinToolTypes,
    selectModel: (llmInfo) =>
      selectProvider(llmInfo, {
        env: resolved.env,
        simulator: { tokensPerSecond: resolved.tokensPerSecond },
        ...(resolved.allowedModelHosts === undefined
          ? {}
          : { allowedModelHosts: resolved.allowedModelHosts }),
      }),
    knowledge,
    log: resolved.log,
  };
  for (const org of auth.orgs) {
    const base = knowledge(org);
    // Documents added over REST before a restart (the options' documents are added afresh above).
    for (const document of await store.listDocuments(org)) base.add(document);
  }
  // A token's traffic also counts against its organisation's key; both are counted per credential.
  const limiter = new RateLimiter(resolved.framesPerSecond, resolved.burst, undefined, {
    parentOf: (key) => auth.parentKey(key),
    limitsOf: (key) => auth.limitsOf(key),
    observe: (key, admitted) => metrics.credentials?.count(key, admitted),
  });
  const admission = new Admission(resolved.maxPendingHandshakes);
  // On a shared Redis this engine is one node of a cluster; otherwise it runs every session itself.
  const registry = cluster
    ? new ClusterSessions(ctx, store as RedisStore, modelToolsFor, { leaseMs: resolved.leaseMs })
    : new SessionRegistry(ctx, modelToolsFor);
  if (registry instanceof ClusterSessions) await registry.start(limiter);
  else await registry.recover();
  const expiry = resolved.sessionIdleExpiryMs > 0
    ? setInterval(() => {
      registry.expireIdle(resolved.sessionIdleExpiryMs).catch((e) => resolved.log(`expiry: ${e}`));
    }, Math.max(1000, Math.min(60_000, resolved.sessionIdleExpiryMs / 10)))
    : undefined;
  if (expiry !== undefined) Deno.unrefTimer(expiry);
  // Sessions unused for a while leave memory (the store has them): memory follows the sessions in use.
  const eviction = setInterval(
    () => registry.evictIdle(resolved.idleEvictionMs),
    Math.max(50, Math.min(10_000, resolved.idleEvictionMs / 2)),
  );
  Deno.unrefTimer(eviction);
  const router = new Router([
    ...healthRoutes(ctx, performance.now()),
    ...agentRoutes(ctx, registry),
    ...chatbotRoutes(ctx),
    ...sessionRoutes(ctx, registry),
    ...knowledgeRoutes(ctx),
    ...tokenRoutes(ctx, auth),
    ...playgroundRoutes(),
  ], { auth, limiter, metrics, log: resolved.log });
  const cors = new Cors(resolved.cors);
  const connections = new Set<Connection>();
  let closing = false;

  // With HTTP timeouts on, the server listens on an internal loopback port behind the guard.
  const guarded = resolved.httpIdleTimeoutMs > 0;
  const server = Deno.serve({
    hostname: guarded ? "127.0.0.1" : resolved.hostname,
    port: guarded ? 0 : resolved.port,
    onListen: () => {},
  }, (request) => {
    if (new URL(request.url).pathname !== WS_PATH) return cors.handle(request, (r) => router.handle(r));
    if (closing) {
      return errorResponse(503, "The engine is shutting down; reconnect to another engine or later.");
    }
    const refused = upgradeProblem(request);
    if (refused) return refused;
    if (!admission.admit()) {
      metrics.error("http_503");
      return errorResponse(
        503,
        `Too many sockets are waiting to send hello (limit ${resolved.maxPendingHandshakes}); retry shortly.`,
        { "Retry-After": "1" },
      );
    }
    let upgraded: ReturnType<typeof Deno.upgradeWebSocket>;
    try {
      upgraded = Deno.upgradeWebSocket(request);
    } catch (error) {
      admission.leave();
      return errorResponse(
        400,
        `Invalid WebSocket upgrade: ${error instanceof Error ? error.message : error}.`,
      );
    }
    const { socket, response } = upgraded;
    const connection = new Connection(socket, { ctx, auth, limiter, registry, admission });
    connections.add(connection);
    connection.closed.then(() => connections.delete(connection));
    return response;
  });

  const host = resolved.hostname.includes(":") ? `[${resolved.hostname}]` : resolved.hostname;
  let guard: ConnectionGuard | undefined;
  try {
    guard = guarded
      ? ConnectionGuard.start({
        hostname: resolved.hostname,
        port: resolved.port,
        upstreamPort: server.addr.port,
        timeoutMs: resolved.httpIdleTimeoutMs,
        log: resolved.log,
      })
      : undefined;
  } catch (error) {
    await server.shutdown();
    throw error;
  }
  const url = `http://${host}:${guard?.port ?? server.addr.port}`;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      // Sockets first: once they are closed no new frame is handled, so every post a client sent was
      // either applied and acknowledged while sessions still logged, or never applied (retry it).
      const open = [...connections];
      for (const connection of open) {
        connection.close(CloseCode.going_away, "engine shutting down; reconnect later");
      }
      const finished = Promise.all(open.map((c) => Promise.all([c.closed, c.drained])));
      await waitAtMost(finished, CLOSE_WAIT_MS);
      clearInterval(expiry);
      clearInterval(eviction);
      // Drain: running turns may finish within the grace period; the rest are closed as interrupted.
      const drainUntil = performance.now() + resolved.drainGraceMs;
      while (registry.generating && performance.now() < drainUntil) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await registry.shutdown();
      await guard?.close();
      await server.shutdown();
      // The store is closed by whoever opened it: a test's store outlives its engines.
      if (ownsStore) await store.close();
    })();
    return closed;
  };
  return {
    url,
    apiKey: resolved.apiKeys[0] ?? "",
    apiKeys: resolved.apiKeys,
    dropSockets: (sessionId) => registry.dropSockets(sessionId),
    mintToken: async (scope, ttlSeconds = DEFAULT_TTL_SECONDS) => {
      if (!Number.isInteger(ttlSeconds) || ttlSeconds < MIN_TTL_SECONDS || ttlSeconds > MAX_TTL_SECONDS) {
        throw new RangeError(
          `mintToken: ttlSeconds must be a whole number from ${MIN_TTL_SECONDS} to ${MAX_TTL_SECONDS}, not ${ttlSeconds}.`,
        );
      }
      const org = auth.lookup(resolved.apiKeys[0] ?? "")?.org ?? "";
      const { token, claims } = await auth.mint(org, scope, ttlSeconds);
      metrics.tokensMinted++;
      return { token, expiresAt: new Date(claims.expiresAtMs).toISOString() };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
