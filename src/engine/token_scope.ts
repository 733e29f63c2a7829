/**
 * What a scoped token may reach, for REST routes and for the session a `hello` names. A token scoped
 * to an agent reaches that agent and its sessions; one scoped to a session reaches that session; one
 * scoped to the organisation reaches everything but minting. Each refusal says what the token covers.
 *
 * @module
 */
import type { TokenClaims, TokenScope } from "./tokens.ts";

/** The store reads scope checks need. */
export interface ScopeLookups {
  /** The agent of a session of `org`, or undefined when the organisation has no such session. */
  sessionAgent(org: string, sessionId: string): Promise<string | undefined>;
}

/** What a `hello` targets (see `SessionTarget` in the protocol schema). */
export type HelloTarget = { agent_id: string } | { chatbot_id: string } | { session_id: string };

const MINT_PATH = "/v1/tokens";
const SESSION_PATH = "/v1/sessions/:session_id";
const AGENT_PATHS = new Set(["GET /v1/agents/:agent_id", "POST /v1/agents/:agent_id/run"]);

/** The scope in words, for error messages. */
export function describeScope(scope: TokenScope): string {
  if ("agent_id" in scope) return `agent ${scope.agent_id} and its sessions`;
  if ("session_id" in scope) return `session ${scope.session_id}`;
  return "the organisation (everything but minting tokens)";
}

function refusal(claims: TokenClaims, what: string): string {
  return `This token (${claims.id}) covers only ${describeScope(claims.scope)}; it cannot reach ${what}. ` +
    `Mint a token with that scope (POST /v1/tokens, server-side), or call it server-side with the API key.`;
}

/** Whether an agent-scoped token reaches a session: its agent's, or one the organisation does not have. */
async function agentHasSession(
  claims: TokenClaims,
  agentId: string,
  sessionId: string,
  lookups: ScopeLookups,
) {
  const owner = await lookups.sessionAgent(claims.org, sessionId);
  // Unknown sessions go on to the usual 404 / not_found: the token reveals nothing new about its org.
  return owner === undefined || owner === agentId;
}

/** Why `claims` may not call `method path` (the route's pattern) with `params`; undefined when it may. */
export async function routeRefusal(
  claims: TokenClaims,
  method: string,
  path: string,
  params: Record<string, string>,
  lookups: ScopeLookups,
): Promise<string | undefined> {
  if (path === MINT_PATH) {
    return `Tokens cannot mint tokens: call POST /v1/tokens from your server with the organisation's API key.`;
  }
  const scope = claims.scope;
  if ("organization" in scope) return undefined;
  if (path === SESSION_PATH || path.startsWith(`${SESSION_PATH}/`)) {
    const sessionId = params.session_id ?? "";
    if (
      "session_id" in scope ? scope.session_id === sessionId : await agentHasSession(
        claims,
        scope.agent_id,
        sessionId,
        lookups,
      )
    ) return undefined;
    return refusal(claims, `session ${sessionId}`);
  }
  if ("agent_id" in scope && AGENT_PATHS.has(`${method} ${path}`) && params.agent_id === scope.agent_id) {
    return undefined;
  }
  return refusal(claims, `${method} ${path.replaceAll(/:(\w+)/g, (_, name) => params[name] ?? name)}`);
}

/** Why `claims` may not open the session `target` names; undefined when it may. */
export async function targetRefusal(
  claims: TokenClaims,
  target: HelloTarget,
  lookups: ScopeLookups,
): Promise<string | undefined> {
  const scope = claims.scope;
  if ("organization" in scope) return undefined;
  if ("chatbot_id" in target) return refusal(claims, `chatbot ${target.chatbot_id}`);
  if ("agent_id" in target) {
    return "agent_id" in scope && scope.agent_id === target.agent_id
      ? undefined
      : refusal(claims, `a new session of agent ${target.agent_id}`);
  }
  if ("session_id" in scope) {
    return scope.session_id === target.session_id
      ? undefined
      : refusal(claims, `session ${target.session_id}`);
  }
  return await agentHasSession(claims, scope.agent_id, target.session_id, lookups)
    ? undefined
    : refusal(claims, `session ${target.session_id}`);
}
