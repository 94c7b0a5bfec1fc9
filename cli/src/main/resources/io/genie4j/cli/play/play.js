// The play page: draws the frames the server streams over a web socket and sends it the keys held.
// While running, one step is asked for at a time (the next once the last frame has arrived), at most
// at the env's frame rate; while paused, each key press asks for exactly one step.
"use strict";

const play = {
  ws: null,
  hello: null,
  state: null,
  panes: [],          // {canvas, ctx}
  pending: null,      // frames still to come for the current state
  waiting: false,     // a step is in flight
  paused: false,
  keys: new Set(),    // "left" "right" "up" "down"
  code: null,         // latent action key held, or null
  lastSent: 0,
  frameTimes: [],     // arrival times of the last second's frames
  frames: 0,          // frame sets drawn since the page loaded
  keyAt: null,        // when a key was pressed that no step has carried yet
  inflightKeyAt: null,
  latencies: [],      // key press to frame drawn, ms
  errors: [],
};
window.genie4jPlay = play;

const $ = (id) => document.getElementById(id);
const KEYS = {
  ArrowLeft: "left", a: "left", A: "left",
  ArrowRight: "right", d: "right", D: "right",
  ArrowUp: "up", w: "up", W: "up", " ": "up",
  ArrowDown: "down", s: "down", S: "down",
};

function connect() {
  const token = new URLSearchParams(location.search).get("token") || "";
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(scheme + "//" + location.host + "/ws?token=" + encodeURIComponent(token));
  ws.binaryType = "arraybuffer";
  ws.onopen = () => setConnection("live", "live");
  ws.onclose = (e) => {
    setConnection("closed", "closed" + (e.reason ? ": " + e.reason : "") + " — reload to play again");
    play.waiting = false;
  };
  ws.onmessage = (e) => (typeof e.data === "string" ? onText(JSON.parse(e.data)) : onBinary(e.data));
  play.ws = ws;
}

function setConnection(cls, text) {
  const c = $("connection");
  c.className = "badge " + cls;
  c.textContent = text;
}

function send(message) {
  if (play.ws && play.ws.readyState === WebSocket.OPEN) {
    // An image goes as it is (a binary message); anything else is a JSON message.
    play.ws.send(message instanceof ArrayBuffer ? message : JSON.stringify(message));
    return true;
  }
  return false;
}

function onText(m) {
  if (m.type === "hello") {
    setUp(m);
  } else if (m.type === "state") {
    play.state = m;
    play.pending = play.panes.length;
  } else if (m.type === "error") {
    play.errors.push(m.message);
    play.waiting = false;
    play.inflightKeyAt = null;
    say(m.message, true);
  }
}

function onBinary(buf) {
  const b = new Uint8Array(buf);
  if (b[0] === 71) { // 'G': a GIF
    const url = URL.createObjectURL(new Blob([b.subarray(1)], { type: "image/gif" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "genie4j-play.gif";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    say("GIF downloaded (" + b.length + " bytes)");
    return;
  }
  if (b[0] !== 70) return; // 'F': a frame
  const pane = play.panes[b[1]];
  const h = (b[2] << 8) | b[3];
  const w = (b[4] << 8) | b[5];
  if (!pane) return;
  if (pane.canvas.width !== w || pane.canvas.height !== h) {
    pane.canvas.width = w;
    pane.canvas.height = h;
  }
  const img = pane.ctx.createImageData(w, h);
  for (let i = 0, j = 6; i < w * h; i++, j += 3) {
    img.data[4 * i] = b[j];
    img.data[4 * i + 1] = b[j + 1];
    img.data[4 * i + 2] = b[j + 2];
    img.data[4 * i + 3] = 255;
  }
  pane.ctx.putImageData(img, 0, 0);
  if (play.pending !== null && --play.pending === 0) {
    play.pending = null;
    frameDone();
  }
}

function frameDone() {
  const now = performance.now();
  play.frames++;
  play.frameTimes.push(now);
  while (play.frameTimes.length && play.frameTimes[0] < now - 1000) play.frameTimes.shift();
  if (play.inflightKeyAt !== null) {
    play.latencies.push(now - play.inflightKeyAt);
    play.inflightKeyAt = null;
  }
  play.waiting = false;
  showState(play.state);
}

function setUp(h) {
  play.hello = h;
  const panes = $("panes");
  panes.textContent = "";
  play.panes = h.panes.map((name, i) => {
    const fig = document.createElement("figure");
    const cap = document.createElement("figcaption");
    cap.textContent = h.side_by_side ? (i === 0 ? name + " (real game)" : name + " (world model)") : name;
    const canvas = document.createElement("canvas");
    canvas.className = "frame";
    canvas.id = "pane-" + i;
    canvas.width = 64;
    canvas.height = 64;
    fig.append(cap, canvas);
    panes.append(fig);
    return { canvas, ctx: canvas.getContext("2d") };
  });
  $("prompt-row").hidden = !h.uploads;
  const help = [];
  if (h.keys) help.push("Arrow keys or WASD (space jumps): left, right, up (jump), down.");
  if (h.legend) help.push("Keys 0–" + (h.legend.codes - 1) + ": the world model's latent actions.");
  help.push("P pauses; while paused each key press plays one step.");
  $("help").textContent = help.join(" ");
  if (h.legend) showLegend(h.legend, h.side_by_side);
  tick();
}

function showLegend(legend, sideBySide) {
  $("legend").hidden = false;
  const list = $("legend-list");
  list.textContent = "";
  legend.labels.forEach((label, c) => {
    const li = document.createElement("li");
    li.id = "code-" + c;
    li.textContent = label;
    list.append(li);
  });
  let note;
  if (legend.labelled) {
    note = "For each code, the real action most over-represented among the transitions it was"
      + " inferred on in the model's evaluation, with its share there and overall";
    if (legend.mutual_information_bits !== null) {
      note += "; the codes carry " + legend.mutual_information_bits + " bits about the real action";
    }
    note += ". Arrow keys play the code their action is most over-represented in.";
  } else {
    note = "unlabelled: this model has no latent-by-real-action table (genie4j eval world writes"
      + " one). A code key's choice stays until another is pressed.";
  }
  if (sideBySide) note += " Side by side, both panes step on every key.";
  $("legend-note").textContent = note;
}

function showState(s) {
  if (!s) return;
  const p0 = s.panes[0];
  const joined = (f) => s.panes.map(f).join(" | ");
  $("s-seed").textContent = s.seed;
  $("s-step").textContent = s.step;
  $("s-reward").textContent = joined((p) => p.reward);
  $("s-return").textContent = joined((p) => p.return);
  $("s-done").textContent = joined((p) => p.done);
  $("s-fps").textContent = play.paused ? "paused" : play.frameTimes.length;
  $("s-stepms").textContent = s.step_ms + " ms";
  const a = [];
  if (s.action !== null) a.push("game " + s.action);
  if (s.code !== null) a.push("code " + s.code);
  $("s-action").textContent = a.join(", ");
  $("record").classList.toggle("on", s.recording);
  $("record").textContent = s.recording ? "stop recording" : "record";
  $("gif").disabled = s.recorded === 0;
  $("recorded").textContent = s.recorded ? s.recorded + " frames" : "";
  if (s.note) say(s.note);
  document.querySelectorAll("#legend-list li").forEach((li, c) => li.classList.toggle("held", c === s.code));
  if (p0 && p0.info && p0.info.level_complete) say("coin! next step starts the next level");
}

function say(text, error) {
  const m = $("message");
  m.textContent = text;
  m.className = error ? "error" : "";
}

function step() {
  const msg = { op: "step", keys: [...play.keys] };
  if (play.code !== null) msg.code = play.code;
  if (send(msg)) {
    play.waiting = true;
    play.lastSent = performance.now();
    if (play.keyAt !== null) {
      play.inflightKeyAt = play.keyAt;
      play.keyAt = null;
    }
  }
}

// The running loop: one step in flight at a time, no faster than the env's frame rate.
function tick() {
  const period = 1000 / ((play.hello && play.hello.fps) || 15);
  if (!play.paused && !play.waiting && play.hello && performance.now() - play.lastSent >= period) {
    step();
  }
  if (play.paused) $("s-fps").textContent = "paused";
  setTimeout(tick, 4);
}

function setPaused(p) {
  play.paused = p;
  $("pause").textContent = p ? "resume" : "pause";
  $("pause").classList.toggle("on", p);
}

function inField(e) {
  return e.target instanceof HTMLInputElement;
}

document.addEventListener("keydown", (e) => {
  if (inField(e) || e.ctrlKey || e.metaKey || e.altKey) return;
  const k = KEYS[e.key];
  const digit = /^[0-9]$/.test(e.key) ? Number(e.key) : null;
  if (e.key === "p" || e.key === "P") {
    setPaused(!play.paused);
    e.preventDefault();
    return;
  }
  let acted = false;
  if (k && play.hello && (play.hello.keys)) {
    play.keys.add(k);
    acted = true;
  } else if (digit !== null && play.hello && play.hello.legend && digit < play.hello.legend.codes) {
    play.code = digit;
    acted = true;
  }
  if (!acted) return;
  e.preventDefault();
  if (e.repeat) return;
  play.keyAt = performance.now();
  if (play.paused && !play.waiting) step();
});

document.addEventListener("keyup", (e) => {
  const k = KEYS[e.key];
  if (k) play.keys.delete(k);
  // Without a legend table a code stays chosen (the world needs some code every step).
  if (/^[0-9]$/.test(e.key) && play.hello && play.hello.legend && play.hello.legend.labelled
      && play.code === Number(e.key)) {
    play.code = null;
  }
});

window.addEventListener("blur", () => play.keys.clear());

$("reset").addEventListener("click", () => {
  const seed = Number($("seed").value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2147483647) {
    say("the seed must be a whole number from 0 to 2147483647", true);
    return;
  }
  send({ op: "reset", seed });
});
$("pause").addEventListener("click", () => setPaused(!play.paused));
$("record").addEventListener("click", () =>
  send({ op: "record", on: !(play.state && play.state.recording) }));
$("gif").addEventListener("click", () => send({ op: "gif" }));
$("prompt-seed").addEventListener("click", () => send({ op: "prompt", source: "seed" }));
$("upload").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  send(await file.arrayBuffer());
  e.target.value = "";
});

connect();
