/**
 * Scoped tokens in a cluster: a token is signed with a secret derived from the organisation key, so a
 * node that never saw it minted accepts it, within its scope, over REST and in `hello`.
 */
import assert from "node:assert/strict";
import { CloseCode, PROTOCOL_VERSION } from "../../src/generated/protocol_schema.ts";
import { startCluster } from "../support/cluster.ts";
import { redisTest } from "../support/redis_server.ts";
import { createAgent, rest } from "../engine/support/engine_fixture.ts";
import { TestClient } from "../engine/support/ws_client.ts";
import { CLUSTER_KEY } from "../support/cluster.ts";

redisTest("a token minted on one node works on another, within its scope only", async () => {
  const cluster = await startCluster(2);
  try {
    const [a, b] = cluster.nodes.map((node) => ({ url: node.url, apiKey: CLUSTER_KEY }));
    const agent = await createAgent(a!);
    const other = await createAgent(a!);
    const minted = await rest<{ token: string }>(a!, "POST", "/v1/tokens", { scope: { agent_id: agent.id } });
    assert.equal(minted.status, 201);
    const token = minted.body.token;
    // Node B: a new session of the token's agent, a whole turn, then a resume on node A.
    const { client } = await TestClient.connect(b!.url, token, { agent_id: agent.id });
    const sessionId = (await client.next("session_created")).session_id;
    client.post("p1", "What is 6 * 7?");
    const turn = await client.until((e) => e.type === "message_complete");
    assert.ok(turn.some((e) => e.type === "message_delta"));
    await client.close();
    const resumed = await TestClient.connect(a!.url, token, { session_id: sessionId, last_seq: 0 });
    assert.equal(resumed.connected.data.resumed, true);
    await resumed.client.close();
    assert.equal((await rest(b!, "GET", `/v1/sessions/${sessionId}/messages`, undefined, token)).status, 200);
    // Out of scope on node B as on node A.
    assert.equal((await rest(b!, "GET", `/v1/agents/${other.id}`, undefined, token)).status, 403);
    const refused = await TestClient.open(b!.url);
    refused.send({
      type: "hello",
      protocol_version: PROTOCOL_VERSION,
      api_key: token,
      target: { agent_id: other.id },
    });
    const error = await refused.next("error");
    assert.ok(error.type === "error" && error.data.code === "forbidden");
    assert.equal((await refused.closed).code, CloseCode.forbidden);
  } finally {
    await cluster.dispose();
  }
});
