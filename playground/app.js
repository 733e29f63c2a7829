// The playground: the SDK bundled for browsers (/playground/sdk.js) and the DOM, nothing else. The only
// credential is a scoped token from the URL fragment (never sent to the server in a URL) or pasted in;
// it stays in this tab's sessionStorage and in memory.
import { Agent, AgentType, configure, Session, ToolApprovalConfig } from "/playground/sdk.js";

const $ = (id) => document.getElementById(id);
const STORAGE_KEY = "vectorshift-playground-token";
/** Timeline rows kept (the oldest go first), so a long session cannot grow the page without bound. */
const MAX_ROWS = 2000;
/** Longest data shown in a timeline cell (the whole event is in its tooltip). */
const MAX_CELL = 400;

const state = {
  token: "",
  scope: undefined,
  agents: [],
  agent: undefined,
  session: undefined,
  /** The assistant bubble being streamed into. */
  bubble: undefined,
  turnRunning: false,
  handshakes: 0,
};

// ---------- credentials ----------

/** The claims of a token (its payload is readable; only the engine can check its signature). */
function claimsOf(token) {
  try {
    const payload = token.slice(4, token.indexOf("."));
    return JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/")));
  } catch {
    return undefined;
  }
}

function takeToken() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromHash) {
    sessionStorage.setItem(STORAGE_KEY, fromHash);
    // Out of the address bar and the history at once.
    history.replaceState(null, "", location.pathname);
  }
  return fromHash ?? sessionStorage.getItem(STORAGE_KEY) ?? "";
}

function showGate(message = "") {
  $("app").hidden = true;
  $("gate").hidden = false;
  $("gate-error").textContent = message;
  setStatus("off", "no token");
}

async function open(token) {
  if (!token.startsWith("vst_")) {
    return showGate(
      "That is not a token (tokens start with vst_). Never paste the organisation's API key here.",
    );
  }
  const claims = claimsOf(token);
  if (!claims?.scope || !claims.exp) return showGate("That token is malformed; mint a new one.");
  if (claims.exp * 1000 <= Date.now()) return showGate("That token has expired; mint a new one.");
  state.token = token;
  state.scope = claims.scope;
  sessionStorage.setItem(STORAGE_KEY, token);
  configure({ apiKey: token, baseUrl: location.origin });
  $("gate").hidden = true;
  $("app").hidden = false;
  tickExpiry(claims.exp * 1000);
  try {
    await loadAgents();
  } catch (error) {
    return showGate(`The engine refused the token: ${error.message}`);
  }
  if (state.scope.session_id) await resume(state.scope.session_id);
  setStatus("idle", "ready");
}

function tickExpiry(expiresAt) {
  const show = () => {
    const left = Math.round((expiresAt - Date.now()) / 60_000);
    $("expiry").textContent = left > 0
      ? `token expires in ${left} min`
      : "token expired: reconnects will fail";
  };
  show();
  setInterval(show, 30_000);
}

// ---------- status and transcript ----------

function setStatus(kind, text) {
  $("status").className = `status ${kind}`;
  $("status-text").textContent = text;
}

function scrollDown(element) {
  element.scrollTop = element.scrollHeight;
}

function addMessage(role, text) {
  const div = document.createElement("div");
  div.className = `msg ${role}`;
  div.textContent = text;
  $("transcript").append(div);
  scrollDown($("transcript"));
  return div;
}

function addNote(kind, text) {
  const div = document.createElement("div");
  div.className = `note ${kind}`;
  div.textContent = text;
  $("transcript").append(div);
  scrollDown($("transcript"));
  return div;
}

function short(value, limit = 200) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

function addRow(event) {
  const row = document.createElement("tr");
  row.className = event.type;
  const seq = document.createElement("td");
  seq.textContent = event.logged ? String(event.seq) : "·";
  seq.title = event.logged ? "logged: a resume cursor" : "connection-scoped (not logged)";
  const type = document.createElement("td");
  const badge = document.createElement("span");
  badge.className = `badge ${event.type}`;
  badge.textContent = event.type;
  type.append(badge);
  const data = document.createElement("td");
  data.className = "data";
  const json = JSON.stringify(event.data ?? {});
  data.textContent = json.length > MAX_CELL ? `${json.slice(0, MAX_CELL - 1)}…` : json;
  data.title = json.slice(0, 4000);
  row.append(seq, type, data);
  const body = $("events");
  body.append(row);
  while (body.rows.length > MAX_ROWS) body.deleteRow(0);
  scrollDown(body.parentElement);
}

function setTurn(running) {
  state.turnRunning = running;
  const connected = !!state.session;
  $("message").disabled = !connected;
  $("send").disabled = !connected;
  $("cancel").disabled = !running;
  $("disconnect").disabled = !connected;
  $("terminate").disabled = !connected;
  $("new-session").disabled = !state.agent;
  if (connected) setStatus(running ? "busy" : "live", running ? "answering…" : "connected");
}

// ---------- agents ----------

async function loadAgents() {
  if (state.scope.session_id) {
    state.agents = [];
  } else if (state.scope.agent_id) {
    state.agents = [await Agent.fetch({ id: state.scope.agent_id })];
  } else {
    state.agents = await Agent.list({ limit: 100 });
  }
  $("new-agent").hidden = !state.scope.organization;
  renderAgents();
}

function renderAgents() {
  const list = $("agent-list");
  list.replaceChildren();
  if (state.agents.length === 0) {
    const li = document.createElement("li");
    li.className = "muted small";
    li.textContent = state.scope.organization
      ? "No agents yet: create one below."
      : "This token reaches one session.";
    list.append(li);
  }
  for (const agent of state.agents) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.className = agent.id === state.agent?.id ? "selected" : "";
    button.textContent = agent.name;
    const id = document.createElement("span");
    id.className = "id";
    id.textContent = agent.id;
    button.append(id);
    button.addEventListener("click", () => selectAgent(agent).catch(fail));
    li.append(button);
    list.append(li);
  }
}

async function selectAgent(agent) {
  state.agent = agent;
  renderAgents();
  $("chat-title").textContent = agent.name;
  await startSession();
}

async function createAgent(event) {
  event.preventDefault();
  const tools = [];
  if ($("tool-calculator").checked) {
    tools.push({
      name: "calculator",
      tool_type: "calculator",
      approval_config: $("tool-calculator-approval").checked
        ? ToolApprovalConfig.REQUIRES_APPROVAL
        : ToolApprovalConfig.AUTO_RUN,
    });
  }
  if ($("tool-search").checked) tools.push({ name: "knowledge_search", tool_type: "knowledge_search" });
  if ($("tool-time").checked) tools.push({ name: "current_time", tool_type: "current_time" });
  const agent = await Agent.new({
    name: $("agent-name").value.trim(),
    type: AgentType.CONVERSATIONAL,
    llm_info: { provider: "simulator", model_id: "offline-simulator-1" },
    instructions: $("agent-instructions").value,
    memory_config: { enable_session_memory: true },
    tools,
  });
  state.agents.push(agent);
  $("agent-name").value = "";
  $("new-agent").open = false;
  await selectAgent(agent);
}

// ---------- sessions ----------

/** Empties the transcript; the timeline too, unless `divider` names what the next events belong to. */
function clearChat(divider) {
  $("transcript").replaceChildren();
  if (divider === undefined) $("events").replaceChildren();
  else {
    const row = document.createElement("tr");
    const cell = document.createElement("td");
    cell.colSpan = 3;
    cell.className = "divider";
    cell.textContent = divider;
    row.append(cell);
    $("events").append(row);
  }
  state.bubble = undefined;
  state.handshakes = 0;
}

async function attach(session, resumed) {
  state.session = session;
  $("session-id").textContent = session.sessionId;
  setTurn(false);
  pump(session);
  if (resumed) {
    for (const message of await session.getMessages()) {
      if (message.sender.role === "user" || message.sender.role === "assistant") {
        addMessage(message.sender.role, message.text);
      }
    }
    addNote("warn", `Resumed ${session.sessionId}.`);
  }
}

async function leave() {
  const session = state.session;
  state.session = undefined;
  if (session) await session.disconnect();
  return session;
}

async function startSession() {
  await leave();
  clearChat();
  const session = await state.agent.createSession();
  await session.connect();
  await attach(session, false);
  addNote("", `New session ${session.sessionId}.`);
}

async function resume(sessionId) {
  const id = sessionId.trim();
  if (!id) return;
  const session = new Session({ sessionId: id });
  await session.connect(); // throws (terminated, not found) before the current one is left
  await leave();
  clearChat(`resumed ${id}`);
  await attach(session, true);
}

/** Every event of the session: timeline, transcript, buttons. */
async function pump(session) {
  try {
    for await (const event of session.listen()) {
      if (state.session !== session) return;
      addRow(event);
      render(session, event);
    }
  } catch (error) {
    if (state.session === session) addNote("error", `${error.name}: ${error.message}`);
  }
  if (state.session === session) {
    state.session = undefined;
    setTurn(false);
    setStatus("off", "disconnected");
  }
}

function render(session, event) {
  switch (event.type) {
    case "message_delta":
      if (!state.bubble) {
        state.bubble = addMessage("assistant", "");
        state.bubble.classList.add("streaming");
      }
      state.bubble.textContent += event.delta ?? "";
      scrollDown($("transcript"));
      return;
    case "message_complete":
      if (!state.bubble && event.text) state.bubble = addMessage("assistant", event.text);
      state.bubble?.classList.remove("streaming");
      state.bubble = undefined;
      if (event.data.status === "error") addNote("error", "The turn failed.");
      setTurn(false);
      return;
    case "thinking":
      addNote("thinking", `thinking: ${event.data.summary}`);
      return;
    case "tool_call":
      addNote("tool", `→ ${event.data.tool_name}(${short(event.data.arguments)})`);
      return;
    case "tool_result":
      addNote("tool", `← ${event.data.tool_name} ${event.data.status}: ${short(event.data.result)}`);
      return;
    case "search_result":
      addNote(
        "search",
        `search “${event.data.query}”: ${event.data.results.length} result(s) ${
          short(event.data.results.map((r) => r.title ?? "untitled").join("; "))
        }`,
      );
      return;
    case "approval_request":
      return approvalCard(session, event);
    case "turn_cancelled":
      addNote("warn", `Turn cancelled${event.data.reason ? `: ${event.data.reason}` : ""}.`);
      return;
    case "error":
      addNote("error", `${event.data.code}: ${event.data.error}`);
      return;
    case "session_connected":
      if (state.handshakes++ > 0) {
        addNote("warn", "Connection dropped; reconnected and resumed without a gap.");
      }
      return;
    case "session_terminated":
      addNote("error", `Session ${event.session_id} terminated.`);
      return;
    default:
      return;
  }
}

function approvalCard(session, event) {
  const card = document.createElement("div");
  card.className = "approval";
  const title = document.createElement("strong");
  title.textContent = `Approve ${event.data.tool_name}?`;
  const args = document.createElement("code");
  args.textContent = JSON.stringify(event.data.arguments);
  const row = document.createElement("div");
  row.className = "row";
  const approve = document.createElement("button");
  approve.className = "approve";
  approve.textContent = "Approve";
  const reason = document.createElement("input");
  reason.placeholder = "reason for denying (optional)";
  reason.maxLength = 4000;
  const deny = document.createElement("button");
  deny.className = "danger";
  deny.textContent = "Deny";
  row.append(approve, reason, deny);
  card.append(title, args, row);
  $("transcript").append(card);
  scrollDown($("transcript"));
  const answer = async (approved) => {
    approve.disabled = deny.disabled = reason.disabled = true;
    const denyReason = reason.value.trim();
    await session.respond(event, { approved, ...(approved || !denyReason ? {} : { denyReason }) });
    row.replaceWith(
      Object.assign(document.createElement("div"), {
        className: "muted small",
        textContent: approved ? "Approved." : `Denied${denyReason ? `: ${denyReason}` : ""}.`,
      }),
    );
  };
  approve.addEventListener("click", () => answer(true).catch(fail));
  deny.addEventListener("click", () => answer(false).catch(fail));
}

async function send(event) {
  event?.preventDefault();
  const text = $("message").value.trim();
  if (!text || !state.session) return;
  $("message").value = "";
  addMessage("user", text);
  setTurn(true);
  await state.session.send(text);
}

function fail(error) {
  addNote("error", `${error?.name ?? "Error"}: ${error?.message ?? error}`);
}

// ---------- wiring ----------

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  open($("token-input").value.trim()).catch((error) => showGate(error.message));
});
$("agent-form").addEventListener("submit", (event) => createAgent(event).catch(fail));
$("composer").addEventListener("submit", (event) => send(event).catch(fail));
$("message").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) send(event).catch(fail);
});
$("cancel").addEventListener("click", () => state.session?.cancelTurn().catch(fail));
$("new-session").addEventListener("click", () => startSession().catch(fail));
$("disconnect").addEventListener("click", async () => {
  const session = await leave().catch(fail);
  if (!session) return;
  $("resume-id").value = session.sessionId;
  addNote("warn", `Disconnected from ${session.sessionId}; it keeps running on the engine. Resume it by id.`);
  setTurn(false);
  setStatus("off", "disconnected");
});
$("terminate").addEventListener("click", async () => {
  const session = state.session;
  if (!session) return;
  await session.terminate().catch(fail);
});
$("resume-form").addEventListener("submit", (event) => {
  event.preventDefault();
  resume($("resume-id").value).catch(fail);
});
$("hide-deltas").addEventListener("change", (event) => {
  $("events").classList.toggle("hide-deltas", event.target.checked);
});

setTurn(false);
const token = takeToken();
if (token) open(token).catch((error) => showGate(error.message));
else showGate();
