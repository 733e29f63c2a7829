/**
 * `deno task chat`, driven as a person would: in a real terminal (tmux), typing, pressing Ctrl-C and
 * Ctrl-D, and reading the screen. Offline, on the chat's own embedded engine with its state in a temp
 * folder; one test points it at an engine of this process through a scoped token and drops its socket.
 */
import assert from "node:assert/strict";
import { rest, testEngine } from "../engine/support/engine_fixture.ts";
import { Terminal, tmuxTest } from "./tmux.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Starts `deno task chat` as a user would, with its state in `dataDir` and colours off. */
async function chat(dataDir: string, env: Record<string, string> = {}, tps = "0"): Promise<Terminal> {
  const terminal = await Terminal.start([Deno.execPath(), "task", "chat"], {
    cwd: ROOT,
    env: { VECTORSHIFT_CHAT_DATA_DIR: dataDir, VECTORSHIFT_SIMULATOR_TPS: tps, NO_COLOR: "1", ...env },
  });
  await terminal.waitFor(/Chatting with .*\/help lists commands\.\nyou>$/m, { timeoutMs: 60_000 });
  return terminal;
}

tmuxTest(
  "chat: two turns with memory, /history, then Ctrl-C at the prompt leaves and prints the session id",
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "vs-chat-" });
    const terminal = await chat(dir);
    try {
      await terminal.type("My name is Ada.");
      await terminal.waitFor(/agent> [\s\S]*Nice to meet you, Ada![\s\S]*you>$/);
      let mark = await terminal.mark();
      await terminal.type("What is my name?");
      await terminal.waitFor(/Your name is Ada\.[\s\S]*you>$/, { after: mark });
      mark = await terminal.mark();
      await terminal.type("/history");
      await terminal.waitFor(
        /you: My name is Ada\.\nagent: Nice to meet you, Ada![^\n]*\nyou: What is my name\?\nagent: Your name is Ada\./,
        { after: mark },
      );
      await terminal.press("C-c");
      const [, id] = await terminal.waitFor(
        /Session (ses_\w+) is kept in .*\/resume ses_\w+\.[\s\S]*\[exit 0\]/,
      );
      assert.match(id ?? "", /^ses_/);
    } finally {
      await terminal.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

tmuxTest("chat: an approval answered y runs the tool and the answer uses it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vs-chat-" });
  const terminal = await chat(dir);
  try {
    await terminal.type("What is 23 * 19?");
    await terminal.waitFor(
      /approval needed: calculator \{"expression":"23 \* 19"\}\n\s+approve\? \[y\/N\]$/,
    );
    await terminal.type("y");
    const screen = await terminal.waitFor(
      /approved\n[\s\S]*→ tool calculator\(expression="23 \* 19"\)\n\s+← calculator success: 437[\s\S]*437\.\nyou>$/,
    );
    assert.ok(screen);
    // Denied with a reason: the tool does not run and the model is told why.
    const mark = await terminal.mark();
    await terminal.type("What is 12 * 12?");
    await terminal.waitFor(/approve\? \[y\/N\]$/, { after: mark });
    await terminal.type("n");
    await terminal.waitFor(/reason for denying \(Enter for none\):$/, { after: mark });
    await terminal.type("not now");
    await terminal.waitFor(/denied\n[\s\S]*← calculator denied: [^\n]*not now[\s\S]*you>$/, { after: mark });
  } finally {
    await terminal.close();
    await Deno.remove(dir, { recursive: true });
  }
});

tmuxTest(
  "chat: Ctrl-C during a long essay cancels the turn and the session answers the next message",
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "vs-chat-" });
    const terminal = await chat(dir, {}, "60");
    try {
      await terminal.type("Write a very long essay about the history of computing.");
      await terminal.waitFor(/The history of computing is a story/);
      await terminal.press("C-c");
      await terminal.waitFor(/\^C cancelling the turn\.\.\.\n\s+\(turn cancelled\)\nyou>$/, {
        timeoutMs: 5_000,
      });
      const screen = await terminal.screen();
      assert.doesNotMatch(screen, /\[exit/, "Ctrl-C during an answer does not leave the chat");
      const mark = await terminal.mark();
      await terminal.type("What is the capital of France?");
      await terminal.waitFor(/Paris[\s\S]*you>$/, { after: mark });
      // Ctrl-D at the prompt leaves too.
      await terminal.press("C-d");
      await terminal.waitFor(/Session ses_\w+ is kept in [\s\S]*\[exit 0\]/);
    } finally {
      await terminal.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

tmuxTest(
  "chat: /resume in a new chat continues a session left with Ctrl-D; bad ids are explained",
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "vs-chat-" });
    const first = await chat(dir);
    let id = "";
    try {
      await first.type("My name is Grace.");
      await first.waitFor(/Nice to meet you, Grace![\s\S]*you>$/);
      await first.press("C-d");
      id = (await first.waitFor(/Session (ses_\w+) is kept in[\s\S]*\[exit 0\]/))[1] ?? "";
    } finally {
      await first.close();
    }
    const second = await chat(dir);
    try {
      await second.type(`/resume ${id}`);
      await second.waitFor(new RegExp(`Resumed ${id} \\(2 messages; /history shows them\\)\\.\\nyou>$`));
      await second.type("What is my name?");
      await second.waitFor(/Your name is Grace\.[\s\S]*you>$/);
      let mark = await second.mark();
      await second.type("/resume ses_does_not_exist");
      await second.waitFor(/Cannot resume ses_does_not_exist: [^\n]+\nyou>$/, { after: mark });
      mark = await second.mark();
      await second.type("/resume");
      await second.waitFor(/Usage: \/resume <session id>/, { after: mark });
      mark = await second.mark();
      await second.type("/terminate");
      await second.waitFor(new RegExp(`Session ${id} terminated; your next message starts a new one\\.`), {
        after: mark,
      });
      mark = await second.mark();
      await second.type(`/resume ${id}`);
      await second.waitFor(new RegExp(`Cannot resume ${id}: [^\\n]*terminated`), { after: mark });
    } finally {
      await second.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

tmuxTest(
  "chat: on a remote engine with a scoped token, a dropped connection heals and says so in one line",
  async () => {
    await using engine = await testEngine({ offlineModel: { tokensPerSecond: 60 } });
    const minted = await rest<{ token: string }>(engine, "POST", "/v1/tokens", {
      scope: { organization: true },
      ttl_seconds: 600,
    });
    assert.equal(minted.status, 201);
    const terminal = await chat("/nonexistent-unused", {
      VECTORSHIFT_API_URL: engine.url,
      VECTORSHIFT_API_KEY: minted.body.token,
    });
    try {
      await terminal.type("Write a very long essay about the history of computing.");
      const [, id] = await terminal.waitFor(/\(new session (ses_\w+)\)/);
      await terminal.waitFor(/The history of computing is a story/);
      assert.ok(engine.dropSockets(id ?? "") >= 1);
      await terminal.waitFor(/\(connection dropped; reconnected and resumed where it left off\)\n/);
      await terminal.press("C-c");
      await terminal.waitFor(/\(turn cancelled\)\nyou>$/);
      const screen = await terminal.screen();
      assert.equal(screen.match(/connection dropped/g)?.length, 1, "one line per reconnect");
    } finally {
      await terminal.close();
    }
  },
);
