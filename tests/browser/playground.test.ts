/**
 * The browser playground end to end in real Chromium: served by the engine, using the SDK bundled for
 * browsers, opened with a scoped token (never the key). The screenshot goes to the test's temp folder.
 */
import assert from "node:assert/strict";
import { rest, testEngine } from "../engine/support/engine_fixture.ts";
import { browserTest, runDriver } from "./chromium.ts";

interface Report {
  urlAfterOpen: string;
  htmlHoldsToken: boolean;
  firstSession: string;
  firstAnswer: string;
  approvalText: string;
  secondAnswer: string;
  toolNotes: string[];
  resumeFieldAfterDisconnect: string;
  historyAfterResume: string[];
  thirdAnswer: string;
  timeline: { seq: string; type: string }[];
  sendDisabledAfterTerminate: boolean;
  statusAfterTerminate: string;
  pageErrors: string[];
}

browserTest(
  "playground in Chromium: create an agent, two turns, an approval, resume by id, terminate",
  async () => {
    await using engine = await testEngine({ offlineModel: { tokensPerSecond: 400 } });
    const page = await rest<string>(engine, "GET", "/playground", undefined, null);
    assert.equal(page.status, 200);
    assert.ok(!page.body.includes(engine.apiKey), "the page never holds the organisation key");
    assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    const minted = await rest<{ token: string }>(engine, "POST", "/v1/tokens", {
      scope: { organization: true },
      ttl_seconds: 300,
    });
    assert.equal(minted.status, 201);
    const dir = await Deno.makeTempDir({ prefix: "vs-playground-" });
    const screenshot = `${dir}/playground.png`;
    const report = await runDriver<Report>(new URL("./drive_playground.ts", import.meta.url), {
      url: engine.url,
      token: minted.body.token,
      screenshot,
    });
    assert.equal(report.urlAfterOpen, `${engine.url}/playground`, "the token leaves the address bar");
    assert.equal(report.htmlHoldsToken, false);
    assert.match(report.firstSession, /^ses_\w+$/);
    assert.match(report.firstAnswer, /Nice to meet you, Ada!/);
    assert.match(report.approvalText, /Approve calculator\?\s*\{"expression":"23 \* 19"\}/);
    assert.match(report.secondAnswer, /437/);
    assert.ok(report.toolNotes.some((n) => /← calculator success: 437/.test(n)), report.toolNotes.join("\n"));
    assert.equal(report.resumeFieldAfterDisconnect, report.firstSession);
    assert.deepEqual(report.historyAfterResume.slice(0, 2), ["My name is Ada.", report.firstAnswer]);
    assert.match(report.thirdAnswer, /Your name is Ada/);
    const types = report.timeline.map((r) => r.type);
    for (
      const type of [
        "session_connected",
        "message_delta",
        "approval_request",
        "tool_result",
        "message_complete",
      ]
    ) {
      assert.ok(types.includes(type), `timeline shows ${type}`);
    }
    const seqs = report.timeline.map((r) => Number(r.seq)).filter((n) => Number.isInteger(n));
    assert.ok(seqs.length > 10 && seqs.every((s, i) => i === 0 || s > seqs[i - 1]!), "logged seqs increase");
    assert.equal(report.sendDisabledAfterTerminate, true);
    assert.equal(report.statusAfterTerminate, "disconnected");
    assert.deepEqual(report.pageErrors, []);
    const png = await Deno.readFile(screenshot);
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], "a PNG screenshot was saved");
    console.log(`playground screenshot: ${screenshot}`);
    // The session is gone for every client, not only for the page.
    const gone = await rest(engine, "GET", `/v1/sessions/${report.firstSession}`);
    assert.equal(gone.status, 410);
  },
);
