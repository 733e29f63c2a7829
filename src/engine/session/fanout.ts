/**
 * The sockets attached to one session in this process, and how one attaches: `session_connected`, a
 * `resync_required` notice when its cursor is older than what is retained, the retained events after
 * its cursor, copies of unanswered approval requests it already saw, then live events. Events that
 * become durable while it replays are buffered for it, so nothing is lost or doubled.
 *
 * One engine feeds it from the session's own log (`session_runtime.ts`); a cluster node feeds it from
 * Redis, whichever node writes the log (`cluster/session_feed.ts`).
 *
 * @module
 */
import type { ServerEvent } from "../../generated/protocol.ts";
import { PROTOCOL_VERSION } from "../../generated/protocol_schema.ts";
import type { EngineContext } from "../context.ts";
import { type EventData, type EventType, makeEvent } from "../events.ts";
import { describeModel } from "./model_info.ts";

/** A socket attached to a session. */
export interface Subscriber {
  /** Sends one serialized event. */
  deliver(frame: string): void;
  /** Closes the socket with a close code and reason. */
  close(code: number, reason: string): void;
  /**
   * Resolves once the socket's queued output is low again (a replay waits on it between chunks, so a
   * long log streams to a client instead of piling up in the socket's buffer); false when it closed.
   */
  drain?(): Promise<boolean>;
}

/** Replayed events sent between two waits for the socket to drain. */
const REPLAY_CHUNK = 512;

/** Where the fan-out reads what a socket missed. */
export interface FanoutSource {
  /** The session's id, organisation and agent. */
  readonly sessionId: string;
  readonly org: string;
  readonly agentId: string;
  /** Unanswered approval requests logged at or before `seq` (copies go to a resuming socket). */
  pendingApprovals(seq: number): Promise<ServerEvent[]> | ServerEvent[];
}

interface Attachment {
  live: boolean;
  buffer: string[];
  /** The newest logged seq in `buffer` (0 when empty). */
  bufferHead: number;
  /**
   * The newest logged seq sent to this socket: the seq its connection-scoped events carry, so that
   * every seq a client sees is a safe resume cursor (never ahead of a logged event it has not had).
   */
  position: number;
}

/** The attached sockets of one session. */
export class Fanout {
  readonly #ctx: EngineContext;
  readonly #source: FanoutSource;
  readonly #subs = new Map<Subscriber, Attachment>();
  /** The newest seq delivered (or being delivered) to live sockets. */
  #head: number;

  constructor(ctx: EngineContext, source: FanoutSource, head: number) {
    this.#ctx = ctx;
    this.#source = source;
    this.#head = head;
  }

  /** The newest seq handed to the sockets. */
  get head(): number {
    return this.#head;
  }

  /** Sockets attached now. */
  get size(): number {
    return this.#subs.size;
  }

  /** Hands durable events (in seq order, the last one `head`) to every socket. */
  deliver(frames: string[], head: number): void {
    this.#head = head;
    for (const [sub, attachment] of this.#subs) {
      if (attachment.live) {
        for (const frame of frames) sub.deliver(frame);
        attachment.position = head;
      } else {
        attachment.buffer.push(...frames);
        attachment.bufferHead = head;
      }
    }
  }

  /**
   * Serializes a connection-scoped event (not logged) for `sub`: its seq is the newest logged seq sent
   * to that socket (0 for a socket not attached), never the session's head, which the socket may not
   * have been sent yet (it may still be replaying).
   */
  scoped<T extends EventType>(sub: Subscriber, type: T, data: EventData<T>, messageId?: string): string {
    const envelope = {
      seq: this.#subs.get(sub)?.position ?? 0,
      logged: false,
      session_id: this.#source.sessionId,
      message_id: messageId,
    };
    return JSON.stringify(makeEvent(type, envelope, data));
  }

  /** Attaches a socket and replays what it missed; false when it left (or was closed) meanwhile. */
  async attach(sub: Subscriber, lastSeq: number, resumed: boolean): Promise<boolean> {
    const attachment: Attachment = { live: false, buffer: [], bufferHead: 0, position: 0 };
    this.#subs.set(sub, attachment);
    this.#ctx.metrics.attachedSockets++;
    // Everything up to this head is in the store; later events reach this socket's buffer.
    const head = this.#head;
    const { sessionId, org, agentId } = this.#source;
    const [window, agent] = await Promise.all([
      this.#ctx.store.readEvents(sessionId, lastSeq),
      this.#ctx.store.getAgent(org, agentId),
    ]);
    const model = describeModel(this.#ctx, agent);
    if (!this.#subs.has(sub)) return false;
    const replayFrom = Math.min(head, Math.max(lastSeq, window.oldestSeq - 1));
    const approvals = await this.#source.pendingApprovals(replayFrom);
    if (!this.#subs.has(sub)) return false;
    // Before the replay the socket's position is the client's own cursor (clamped to the head): the
    // handshake reports the head in its data, never in its seq.
    attachment.position = Math.min(lastSeq, head);
    const envelope = () => ({ seq: attachment.position, logged: false, session_id: sessionId });
    const send = (event: ServerEvent) => sub.deliver(JSON.stringify(event));
    const options = this.#ctx.options;
    send(makeEvent("session_connected", envelope(), {
      protocol_version: PROTOCOL_VERSION,
      resumed,
      replay_from_seq: replayFrom,
      head_seq: head,
      agent_id: agentId,
      model,
      heartbeat_interval_ms: options.heartbeatIntervalMs,
      limits: { max_frame_bytes: options.maxFrameBytes, retained_events: options.retainedEvents },
    }));
    if (lastSeq < replayFrom) {
      send(makeEvent("resync_required", envelope(), {
        last_seq: lastSeq,
        oldest_retained_seq: window.oldestSeq,
        head_seq: head,
      }));
    }
    let sent = 0;
    for (const event of window.events) {
      if (event.seq > head) break;
      send(event);
      attachment.position = event.seq;
      // Live events meanwhile go to this socket's buffer, as during the store read above.
      if (++sent % REPLAY_CHUNK === 0 && sub.drain && !(await sub.drain() && this.#subs.has(sub))) {
        return false;
      }
    }
    for (const request of approvals) send({ ...request, ...envelope() } as ServerEvent);
    for (const frame of attachment.buffer) sub.deliver(frame);
    attachment.position = Math.max(attachment.position, attachment.bufferHead);
    attachment.buffer = [];
    attachment.live = true;
    return true;
  }

  /** Detaches a socket (it closed); false when it was not attached. */
  detach(sub: Subscriber): boolean {
    if (!this.#subs.delete(sub)) return false;
    this.#ctx.metrics.attachedSockets--;
    return true;
  }

  /** Detaches and closes every socket; returns how many. */
  closeAll(code: number, reason: string): number {
    const subs = [...this.#subs.keys()];
    for (const sub of subs) this.detach(sub);
    for (const sub of subs) sub.close(code, reason);
    return subs.length;
  }
}
