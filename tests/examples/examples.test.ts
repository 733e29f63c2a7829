/**
 * Runs every example the way a user does (`deno task example <name>`, embedded engine, offline) and
 * checks its documented success signal in the output, not just its exit code.
 */
import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url);

async function runExample(name: string): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", "examples/main.ts", name],
    cwd: root,
    env: {
      VECTORSHIFT_API_URL: "",
      VECTORSHIFT_API_KEY: "",
      VECTORSHIFT_SIMULATOR_TPS: "2000",
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 0, `example ${name} exited with ${code}\nstdout:\n${out}\nstderr:\n${err}`);
  return out;
}

/** Each example with the patterns its output must show (and must not show). */
const expectations: Record<string, { must: RegExp[]; mustNot?: RegExp[] }> = {
  "01_conversational_agent_tools": {
    must: [
      /Tools after add: archive_search, calculator/,
      /Tools after remove: calculator\n/,
      /Deleted agent\./,
    ],
  },
  "02_functional_agent_with_io": {
    must: [/Input keys: topic/, /Output keys: brief/, /Tools: calculator/, /Agent type: functional/],
  },
  "03_session_single_turn": {
    must: [/\[tool call\] calculator/, /\[tool result\] calculator -> 441/, /\[complete\] .*441/s],
  },
  "04_session_send_many": {
    must: [
      /one turn for all three posts/,
      /you are planning a trip to Lisbon/,
      /what you should pack for October/,
      /Turns completed: 1/,
    ],
    mustNot: [/When it comes to/, /\bI pack\b/, /\bI stay\b/],
  },
  "05_functional_agent_run": {
    must: [/status: success/, /brief: \S+.*offshore wind power/, /run id: run_/],
    mustNot: [/well-organised overview pays off/],
  },
  "07_session_multi_turn": { must: [/Context retained across turns!/, /History has 4 messages\./] },
  "08_session_resume": { must: [/resumed \S+: 2 messages/, /Assistant: .*teal/, /Session terminated\./] },
  "08_conversational_agent_run": {
    must: [/Turn 1 \[success\]/, /The second run continued the first session\./],
  },
  "09_session_tool_events": {
    must: [
      /\[Thinking\] /,
      /\[Tool Call\] mission_search/,
      /\[Search\] [1-9]\d* results received/,
      /Answer: The answer is 20 July 1969\./,
      /Source: Apollo 11 mission summary/,
    ],
    mustNot: [/archive:/],
  },
  "10_agent_crud": {
    must: [
      /found ours: true/,
      /instructions now: Version two\./,
      /model now: gpt-4o-mini/,
      /7\. deleted/,
      /NotFoundError \(404\)/,
    ],
  },
  "11_chatbot_session": {
    must: [/(Created|Fetched) chatbot/, /Session connected: \S+/, /Assistant: \S+/, /Done\./],
  },
  "12_send_many_multimodal": { must: [/one turn for all three items/, /\$120,000/, /14 March/] },
  "13_send_file": {
    must: [/Sent q3_report\.txt/, /Summary of q3_report\.txt .*: Revenue: \$4\.2M/, /2\.1%/],
    mustNot: [/\d+ lines and \d+ words/],
  },
  "14_session_send_send_send": {
    must: [
      /The capital of France is Paris\./,
      /The capital of Portugal is Lisbon\./,
      /The capital of Japan is Tokyo\./,
      /\[batched turn complete\]/,
      /MESSAGE_COMPLETE events: 1; history: 3 user posts, 1 assistant reply/,
    ],
  },
  "15_terminate_session": {
    must: [
      /Created agent: Terminate demo/,
      /Session connected: \S+/,
      /Got first delta: "The"/,
      /Terminating session immediately!/,
      /isConnected=false/,
      /Resume failed \(expected\): SessionTerminatedError: .*terminated/,
      /Done\./,
    ],
    mustNot: [/Got delta/, /Got complete/, /Resumed \(unexpected\)/],
  },
  "16_tool_approval_config": {
    must: [
      /\[OK\] calculator approval_config = auto_run/,
      /\[OK\] current_time approval_config = let_agent_decide/,
      /\[OK\] knowledge_search approval_config = requires_approval/,
    ],
  },
  "21_session_approval_respond": {
    must: [
      /\[approval\] tool=policy_search args=\{"query":"how long do refunds take"\}/,
      /\[tool result\] success/,
      /within 5 business days/,
      /Source: Refund policy/,
      /\(turn complete\)/,
      /Deleted agent\./,
    ],
  },
};

Deno.test("every example file has an expectation here", async () => {
  const files: string[] = [];
  for await (const entry of Deno.readDir(new URL("examples/", root))) {
    if (entry.isFile && /^\d{2}_.+\.ts$/.test(entry.name)) files.push(entry.name.replace(/\.ts$/, ""));
  }
  assert.deepEqual(files.sort(), Object.keys(expectations).sort());
});

for (const [name, { must, mustNot = [] }] of Object.entries(expectations)) {
  Deno.test(`example ${name} prints its success signal`, async () => {
    const output = await runExample(name);
    for (const pattern of must) assert.match(output, pattern, `missing ${pattern} in:\n${output}`);
    for (const pattern of mustNot) {
      assert.doesNotMatch(output, pattern, `unexpected ${pattern} in:\n${output}`);
    }
  });
}

Deno.test("deno task example with no name runs the terminate example", async () => {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", "examples/main.ts"],
    cwd: root,
    env: { VECTORSHIFT_API_URL: "", VECTORSHIFT_SIMULATOR_TPS: "2000" },
    stdout: "piped",
    stderr: "null",
  }).output();
  assert.equal(code, 0);
  assert.match(new TextDecoder().decode(stdout), /Terminating session immediately!/);
});

Deno.test("an unknown example name lists the examples and exits 2", async () => {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", "examples/main.ts", "no_such_example"],
    cwd: root,
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(code, 2);
  assert.match(
    new TextDecoder().decode(stderr),
    /No example matches "no_such_example"[\s\S]*15_terminate_session/,
  );
});
