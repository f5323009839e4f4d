// Browser check of the UI against the mock API, driven through the Chrome DevTools Protocol.
//   node tests/ui-mock/browser-check.mjs            (Node 18 or newer, no flags)
// Needs `chromium` (or CHROMIUM=/path/to/chrome). Serves ui/ with the mock API from this process
// (server.mjs), talks to Chromium over --remote-debugging-pipe (file descriptors 3 and 4,
// NUL-separated JSON: no WebSocket needed), runs the scenarios, prints "N passed, N failed" and
// exits non-zero on failure (2 when Chromium cannot be started). SHOTS_DIR=/tmp/shots saves
// screenshots.
// Synchronisation: never sleep. Every step waits for an observable condition with a deadline
// (waitFor / until); timing properties are asserted on the timestamps the mock records for each call
// (window.__mockCalls[].at/end) and on the input events logged in the page (window.__inputLog).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "./server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const SHOTS = process.env.SHOTS_DIR || "";
const CHROMIUM = process.env.CHROMIUM || "chromium";
const started = Date.now();

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail !== undefined ? ` — ${typeof detail === "string" ? detail : JSON.stringify(detail)}` : ""}`);
  }
}

// ---------- static checks of the source ----------

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const uiFiles = walk(join(root, "ui"));
const read = (f) => readFileSync(f, "utf8");
// The autosave debounce of the visit screen, read from the source so the timing checks follow it.
const debounceMatch = /const DEBOUNCE_MS = (\d+);/.exec(read(join(root, "ui", "screens", "visit.js")));
check("visit screen declares its autosave debounce (DEBOUNCE_MS)", !!debounceMatch);
const DEBOUNCE_MS = debounceMatch ? Number(debounceMatch[1]) : 400;
const CLOCK_TOL_MS = 2; // performance.now() is coarsened; allow for rounding when comparing timestamps
const PROMPT_MS = 1000; // generous bound for "sent once due" (a timer firing late under load)
const jsFiles = uiFiles.filter((f) => f.endsWith(".js"));
const badDom = jsFiles.filter((f) => /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\(|new Function\(/.test(read(f)));
check("no innerHTML/outerHTML/insertAdjacentHTML/eval in ui/", badDom.length === 0, badDom);
const html = read(join(root, "ui", "index.html"));
check("index.html has no inline script, style or handlers", !/<script(?![^>]*\bsrc=)[^>]*>/i.test(html) && !/\sstyle=/i.test(html) && !/\son[a-z]+=/i.test(html) && !/<style/i.test(html));
// The app's own protocol (kiemtra-file.localhost on Windows) is local, not a remote resource.
const remoteRef = /(https?:)?\/\/(?![a-z0-9-]+\.localhost\/)[a-z0-9.-]+\.[a-z]{2,}\//i;
const remote = uiFiles.filter((f) => /\.(js|css|html)$/.test(f) && remoteRef.test(read(f).replace(/http:\/\/www\.w3\.org\/2000\/svg/g, "")));
check("no remote resources referenced", remote.length === 0, remote);
// The dictionaries are browser modules (no package.json says so): load them as data: URLs.
const importModule = async (file) => (await import(`data:text/javascript;base64,${Buffer.from(read(file)).toString("base64")}`)).default;
const vi = await importModule(join(root, "ui", "i18n", "vi.js"));
const en = await importModule(join(root, "ui", "i18n", "en.js"));
const missingEn = Object.keys(vi).filter((k) => !(k in en));
const missingVi = Object.keys(en).filter((k) => !(k in vi) && !k.endsWith("_one"));
check("every label exists in both languages", !missingEn.length && !missingVi.length, { missingEn, missingVi });
const usedKeys = new Set();
for (const f of jsFiles) {
  for (const m of read(f).matchAll(/\bt\(\s*"([a-z_.]+)"/g)) usedKeys.add(m[1]);
}
const undefinedKeys = [...usedKeys].filter((k) => !(k in vi));
check("every t() key used is defined", undefinedKeys.length === 0, undefinedKeys);

// The mock answers for ui/api.js: per exported function, the command it invokes and the names of
// the arguments it hands over must be the real module's (parsed from both sources; the page
// compares the loaded modules' export lists and parameters below).
function commandsOf(src) {
  const out = {};
  // one chunk per export, up to the next one
  for (const chunk of src.split(/\n(?=export )/)) {
    const m = /^export (?:async )?function (\w+)\s*\(([^)]*)\)\s*\{([\s\S]*)/.exec(chunk);
    if (!m) continue;
    const c = /\bcall\(\s*"(\w+)"\s*(?:,\s*(\{[^}]*\}|undefined))?/.exec(m[3]);
    const keys = c && c[2] && c[2] !== "undefined" ? c[2].slice(1, -1).split(",").map((p) => p.trim().split(/[:\s]/)[0]).filter(Boolean) : [];
    const ev = /listen\(\s*"([^"]+)"/.exec(m[3]);
    out[m[1]] = c ? `${c[1]}(${keys.join(", ")})` : ev ? `event ${ev[1]}` : "local";
  }
  return out;
}
const realCommands = commandsOf(read(join(root, "ui", "api.js")));
const mockCommands = commandsOf(read(join(here, "mock-api.js")));
const commandDiff = Object.keys({ ...realCommands, ...mockCommands }).filter((k) => realCommands[k] !== mockCommands[k]).map((k) => `${k}: api.js ${realCommands[k] || "—"} / mock ${mockCommands[k] || "—"}`);
check(`the mock invokes the same command with the same arguments for each of api.js's ${Object.keys(realCommands).length} functions`, Object.keys(realCommands).length > 50 && commandDiff.length === 0, commandDiff);

// ---------- server and browser ----------

const { server, base: BASE } = await startServer(0);
const profile = mkdtempSync(join(tmpdir(), "kiemtra-chrome-"));
const chrome = spawn(
  CHROMIUM,
  [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
    `--user-data-dir=${profile}`,
    "--window-size=1366,768",
    "--remote-debugging-pipe",
    "about:blank",
  ],
  // fd 3: what Chromium reads (our commands), fd 4: what it writes (answers and events)
  { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"], detached: true },
);
let chromeErr = "";
chrome.stderr.on("data", (d) => (chromeErr = (chromeErr + d).slice(-4000)));
let chromeGone = null;

function cleanup() {
  try {
    process.kill(-chrome.pid, "SIGKILL");
  } catch {}
  try {
    server.close();
  } catch {}
  try {
    rmSync(profile, { recursive: true, force: true });
  } catch {}
}
process.on("exit", cleanup);

let seq = 0;
const pending = new Map();
const consoleLog = [];
const dialogs = []; // alert/confirm/prompt the page opened: {type, message}
let dialogAnswer = true; // accept (true) or dismiss (false) the next confirm()
let sessionId = null;
let pageTarget = null;

function failAll(reason) {
  for (const { reject } of pending.values()) reject(new Error(reason));
  pending.clear();
}
chrome.on("error", (err) => {
  chromeGone = err.code === "ENOENT" ? `${CHROMIUM} not found (install the Debian package "chromium", or set CHROMIUM)` : String(err);
  failAll(chromeGone);
});
chrome.on("exit", (code, sig) => {
  chromeGone = chromeGone || `chromium exited (${code ?? sig}): ${chromeErr.trim().split("\n").slice(-5).join(" | ")}`;
  failAll(chromeGone);
});

function onMessage(msg) {
  if (msg.id && pending.has(msg.id)) {
    const { resolve, reject, method } = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) reject(new Error(`${method}: ${msg.error.message}`));
    else resolve(msg.result);
    return;
  }
  const p = msg.params || {};
  if (msg.method === "Runtime.consoleAPICalled") {
    consoleLog.push({ level: p.type, text: p.args.map((a) => a.value ?? a.description ?? "").join(" ") });
  } else if (msg.method === "Log.entryAdded") {
    consoleLog.push({ level: p.entry.level, text: p.entry.text });
  } else if (msg.method === "Runtime.exceptionThrown") {
    consoleLog.push({ level: "error", text: p.exceptionDetails.exception?.description || p.exceptionDetails.text });
  } else if (msg.method === "Page.javascriptDialogOpening") {
    // A native confirm() blocks the page until answered: answer it as the person would.
    dialogs.push({ type: p.type, message: p.message });
    const accept = p.type === "confirm" ? dialogAnswer : true;
    dialogAnswer = true;
    sendRaw("Page.handleJavaScriptDialog", { accept }, msg.sessionId).catch(() => {});
  }
}

let inbox = Buffer.alloc(0);
chrome.stdio[4].on("data", (chunk) => {
  inbox = Buffer.concat([inbox, chunk]);
  for (let i = inbox.indexOf(0); i >= 0; i = inbox.indexOf(0)) {
    const text = inbox.subarray(0, i).toString("utf8");
    inbox = inbox.subarray(i + 1);
    onMessage(JSON.parse(text));
  }
});
chrome.stdio[3].on("error", () => {}); // a closed pipe shows up as chromium's exit

function sendRaw(method, params = {}, session) {
  if (chromeGone) return Promise.reject(new Error(chromeGone));
  const id = ++seq;
  const msg = { id, method, params };
  if (session) msg.sessionId = session;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, method });
    chrome.stdio[3].write(JSON.stringify(msg) + "\0");
  });
}
const send = (method, params = {}) => sendRaw(method, params, sessionId);

// Poll `fn` every POLL_MS until it returns a truthy value (returned) or the deadline passes (throws
// with `what` and the last answer). A poll that does not answer (e.g. an evaluate lost in a
// navigation) is abandoned after POLL_ANSWER_MS and retried. The only time-based waiting in this file.
const POLL_MS = 25;
const POLL_ANSWER_MS = 2000;
async function waitFor(fn, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  for (;;) {
    let timer;
    const unanswered = new Promise((_, rej) => {
      timer = setTimeout(() => rej(new Error("poll did not answer")), Math.min(Math.max(deadline - Date.now(), 250), POLL_ANSWER_MS));
    });
    try {
      const v = await Promise.race([Promise.resolve().then(fn), unanswered]);
      if (v) return v;
      last = `last value: ${JSON.stringify(v)}`;
    } catch (err) {
      last = `last error: ${err && err.message ? err.message : err}`;
      if (chromeGone) throw new Error(chromeGone);
    } finally {
      clearTimeout(timer);
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${last})`);
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(deadline - Date.now(), 0))));
  }
}

try {
  // The first answer may take a while on a cold start: wait for it with a deadline.
  await waitFor(() => sendRaw("Browser.getVersion"), "chromium to answer on the DevTools pipe", 30000);
  pageTarget = (await sendRaw("Target.createTarget", { url: "about:blank" })).targetId;
  sessionId = (await sendRaw("Target.attachToTarget", { targetId: pageTarget, flatten: true })).sessionId;
} catch (err) {
  console.log(`FAIL could not start chromium: ${chromeGone || err.message}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  cleanup();
  process.exit(2);
}

async function evaluate(expression) {
  const r = await send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true });
  if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description || r.exceptionDetails.text);
  return r.result.value;
}
// Wait until the page expression `expr` is truthy.
const until = (expr, what, timeoutMs = 10000) => waitFor(() => evaluate(expr), what || expr, timeoutMs);
async function open(path) {
  // A fresh page load each time (fresh mock data), even when only the hash differs.
  await send("Page.navigate", { url: "about:blank" });
  await until("location.href === 'about:blank' && document.readyState === 'complete'", "about:blank to load", 5000);
  const url = BASE + path;
  await send("Page.navigate", { url });
  // Loaded = the new document (URL without the hash, which the app may rewrite), the mock API is up,
  // no call is in flight and the loading placeholder has been replaced by a screen (or an error panel).
  await until(
    `location.href.split('#')[0] === ${JSON.stringify(url.split("#")[0])} && document.readyState === 'complete' && Array.isArray(window.__mockCalls) && window.__mockCalls.length > 0 && window.__mockPending === 0 && !document.querySelector('.screen-loading') && document.querySelector('#app').children.length > 0`,
    `page ${JSON.stringify(path)} to finish loading`,
  );
  // Log every input event with its time (capture phase: recorded before the app's own handlers).
  await evaluate(
    "window.__inputLog = []; document.addEventListener('input', (e) => window.__inputLog.push({t: performance.now(), cls: e.target.className, value: e.target.value}), true); true",
  );
}
async function shot(name) {
  if (!SHOTS) return;
  const r = await send("Page.captureScreenshot", { format: "png" });
  writeFileSync(join(SHOTS, `${name}.png`), Buffer.from(r.data, "base64"));
}
async function shotFull(name) {
  if (!SHOTS) return;
  const height = await evaluate("document.documentElement.scrollHeight");
  const full = Math.min(height, 16000);
  await send("Emulation.setDeviceMetricsOverride", { width: 1366, height: full, deviceScaleFactor: 1, mobile: false });
  await until(`window.innerHeight === ${full}`, "the viewport to grow for a full-page screenshot", 5000);
  await shot(name);
  await send("Emulation.setDeviceMetricsOverride", { width: 1366, height: 768, deviceScaleFactor: 1, mobile: false });
  await until("window.innerHeight === 768", "the viewport to return to 768 px", 5000);
}
const click = (sel) => evaluate(`(() => { const el = document.querySelector(${JSON.stringify(sel)}); if (!el) return false; el.click(); return true; })()`);
const text = (sel) => evaluate(`(document.querySelector(${JSON.stringify(sel)}) || {}).textContent || null`);
const count = (sel) => evaluate(`document.querySelectorAll(${JSON.stringify(sel)}).length`);
const attr = (sel, a) => evaluate(`(() => { const el = document.querySelector(${JSON.stringify(sel)}); return el ? el.getAttribute(${JSON.stringify(a)}) : null; })()`);
const value = (sel) => evaluate(`(() => { const el = document.querySelector(${JSON.stringify(sel)}); return el ? el.value : null; })()`);
const calls = (name) => evaluate(`window.__mockCalls.filter(c => c.name === ${JSON.stringify(name)})`);
const inputs = () => evaluate("window.__inputLog");
const texts = (sel) => evaluate(`[...document.querySelectorAll(${JSON.stringify(sel)})].map(e => e.textContent.trim())`);
// Page expressions for common conditions.
const saveStateIs = (state) => `document.querySelector('#save-state').dataset.state === ${JSON.stringify(state)}`;
const nCalls = (name, pred = "true") => `window.__mockCalls.filter(c => c.name === ${JSON.stringify(name)} && (${pred})).length`;
const settled = (name, pred = "true") => `window.__mockCalls.some(c => c.name === ${JSON.stringify(name)} && c.end !== undefined && (${pred}))`;
// Timing of saves against edits: every save starts only after DEBOUNCE_MS of quiet since the last edit
// before it, no earlier than the end of the previous save of the same item, and promptly once due.
function saveTimingProblems(saves, edits) {
  const problems = [];
  saves.forEach((c, k) => {
    const lastEdit = edits.filter((e) => e.t <= c.at).pop();
    const prev = saves[k - 1];
    if (lastEdit && c.at < lastEdit.t + DEBOUNCE_MS - CLOCK_TOL_MS) problems.push(`save ${k + 1} sent ${(c.at - lastEdit.t).toFixed(1)} ms after the last edit (< ${DEBOUNCE_MS})`);
    if (prev && (prev.end === undefined || c.at < prev.end)) problems.push(`save ${k + 1} started before save ${k} ended`);
    const due = Math.max(lastEdit ? lastEdit.t + DEBOUNCE_MS : 0, prev && prev.end !== undefined ? prev.end : 0);
    if (c.at > due + PROMPT_MS) problems.push(`save ${k + 1} sent ${(c.at - due).toFixed(1)} ms after it was due`);
  });
  return problems;
}
async function typeInto(sel, text) {
  // Focus and type through real key events, so input events fire the way they do for a person.
  await evaluate(`(() => { const el = document.querySelector(${JSON.stringify(sel)}); el.scrollIntoView({block: "center"}); el.focus(); if (el.select) el.select(); })()`);
  await send("Input.insertText", { text });
}
// Type into a field and leave it (change event), as a person tabbing out of it.
async function fillIn(sel, text) {
  await typeInto(sel, text);
  await evaluate(`(() => { const el = document.querySelector(${JSON.stringify(sel)}); el.dispatchEvent(new Event('change', {bubbles: true})); el.blur(); return true; })()`);
}
async function choose(sel, optionValue) {
  const ok = await evaluate(`(() => { const el = document.querySelector(${JSON.stringify(sel)}); if (!el || ![...el.options].some(o => o.value === ${JSON.stringify(optionValue)})) return false; el.value = ${JSON.stringify(optionValue)}; el.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`);
  if (!ok) throw new Error(`no option ${optionValue} in ${sel}`);
}
async function pressKey(key, code, keyCode) {
  await send("Input.dispatchKeyEvent", { type: "keyDown", key, code, windowsVirtualKeyCode: keyCode, nativeVirtualKeyCode: keyCode });
  await send("Input.dispatchKeyEvent", { type: "keyUp", key, code, windowsVirtualKeyCode: keyCode, nativeVirtualKeyCode: keyCode });
}
async function pressEnter() {
  // a native button or form reacts to the Enter key press (the "\r" character), as when a person types it
  await send("Input.dispatchKeyEvent", { type: "keyDown", key: "Enter", code: "Enter", windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13, text: "\r" });
  await send("Input.dispatchKeyEvent", { type: "keyUp", key: "Enter", code: "Enter", windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 });
}
/** The page's sandboxed child frames: Chromium runs them in their own process, as "iframe" targets. */
async function childFrames() {
  const { targetInfos } = await sendRaw("Target.getTargets");
  return targetInfos.filter((t) => t.type === "iframe" && t.parentId === pageTarget);
}
/** The HTML of a child frame's document, read through the DOM domain (the frame runs no script). */
async function frameHtml(frameTarget) {
  const { sessionId: s } = await sendRaw("Target.attachToTarget", { targetId: frameTarget.targetId, flatten: true });
  try {
    const { root: doc } = await sendRaw("DOM.getDocument", { depth: -1 }, s);
    return (await sendRaw("DOM.getOuterHTML", { nodeId: doc.nodeId }, s)).outerHTML;
  } finally {
    await sendRaw("Target.detachFromTarget", { sessionId: s }).catch(() => {});
  }
}
/** Markup typed by a person or carried by a file: must come back as these very characters. */
const MARKUP = '<img src=x onerror="window.__xss=1"><b>';

await send("Page.enable");
await send("Runtime.enable");
await send("Log.enable");
await send("Emulation.setDeviceMetricsOverride", { width: 1366, height: 768, deviceScaleFactor: 1, mobile: false });
// Times are shown in local time: check them as a laptop in Vietnam shows them.
await send("Emulation.setTimezoneOverride", { timezoneId: "Asia/Ho_Chi_Minh" });

try {
  // 1. first run → welcome → demo → campaign
  await open("?first=1");
  check("first run shows the welcome screen", (await count("#btn-demo")) === 1 && (await count("#btn-empty")) === 1);
  await shot("01-welcome-vi");
  await click("#btn-demo");
  await until("location.hash === '#/campaign/c1' && document.querySelectorAll('.visit-row').length > 0", "the demo campaign to open");
  check("demo opens the demo campaign", (await count(".visit-row")) === 24, await count(".visit-row"));

  // 2. start empty
  await open("?first=1");
  await click("#btn-empty");
  await until("location.hash === '#/campaigns' && !!document.querySelector('.empty-state')", "the empty campaign list");
  check("start empty shows the empty campaign list", (await count(".empty-state")) === 1 && (await calls("start_empty")).length === 1);
  await shot("02-campaigns-empty-vi");

  // 3. campaign list, keyboard activation
  await open("");
  check("campaign list shows one row per campaign", (await count(".campaign-row[data-id]")) === 3);
  await shot("03-campaigns-vi");
  await evaluate(`document.querySelector('.campaign-row[data-id="c1"]').focus()`);
  await pressKey("Enter", "Enter", 13);
  await until("location.hash === '#/campaign/c1' && document.querySelectorAll('.visit-row').length === 24", "campaign 1 to open after Enter");
  check("Enter on a campaign row opens it", (await evaluate("location.hash")) === "#/campaign/c1");

  // 4. campaign screen
  const order = await evaluate("[...document.querySelectorAll('.visit-group')].map(s => s.dataset.status)");
  check("visit groups in order in_progress, planned, completed, signed", JSON.stringify(order) === JSON.stringify(["in_progress", "planned", "completed", "signed"]), order);
  check("campaign screen has back link, unit tree and teams", (await count("#nav-back")) === 1 && (await count(".unit-tree .unit")) === 25 && (await count(".team")) === 3);
  await shot("04-campaign-vi");
  await typeInto("#visit-filter", "doan xa");
  await until("document.querySelector('#visit-filter').value === 'doan xa' && document.querySelectorAll('.visit-row').length < 24", "the visit list to be filtered");
  const filteredNames = await evaluate("[...document.querySelectorAll('.visit-row .vr-name')].map(e => e.textContent)");
  const foldVi = (s) => s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
  check(
    "search ignores diacritics (doan xa → Đoàn xã …)",
    filteredNames.length > 0 && filteredNames.length < 24 && filteredNames.every((n) => foldVi(n).includes("doan xa")),
    filteredNames,
  );
  await open("#/campaign/c1");
  await click('.visit-row[data-id="17"]');
  await until("location.hash === '#/visit/17' && document.querySelectorAll('.item').length > 0", "visit 17 to open");
  check("clicking a visit opens the checklist", (await count(".item[data-code]")) === 31);

  // 5. visit: rating → autosave
  await shot("05-visit-vi");
  check("save state starts as saved", (await attr("#save-state", "data-state")) === "saved");
  const target1 = await evaluate(`(() => { const it = [...document.querySelectorAll('.item[data-scale="pass_fail"]')].find(i => i.dataset.done === 'false'); return it ? it.dataset.code : null; })()`);
  const before = await text("#visit-progress .progress-text");
  await evaluate(`document.querySelector('.item[data-code="${target1}"] input[value="dat"]').click()`);
  const savingSeen = await attr("#save-state", "data-state");
  const after = await text("#visit-progress .progress-text");
  check("progress counts only what is saved: not yet while the rating is pending", before === after, [before, after]);
  check("save state shows saving while pending", savingSeen === "saving", savingSeen);
  await until(`${saveStateIs("saved")} && ${settled("finding_set")}`, "the rating to be saved", 3000);
  const afterSave = await text("#visit-progress .progress-text");
  check("progress counts the rating once saved", afterSave !== before && (await attr(`.item[data-code="${target1}"]`, "data-done")) === "true", [before, afterSave]);
  let fs = await calls("finding_set");
  check("rating saved once with the item's full state", fs.length === 1 && fs[0].args.input.item_code === target1 && fs[0].args.input.rating === "dat" && "note" in fs[0].args.input && "explanation" in fs[0].args.input && fs[0].args.input.visit_id === "17", fs);
  const itemState = await attr(`.item[data-code="${target1}"] .item-state`, "data-state");
  check("per-item state shows saved", itemState === "saved", itemState);

  // 6. debounce: several keystrokes → one save with the final text, sent only after DEBOUNCE_MS of quiet
  await evaluate("window.__mockCalls.length = 0; window.__inputLog.length = 0");
  const noteSel = `.item[data-code="${target1}"] textarea.note`;
  await typeInto(noteSel, "Đã kiểm tra ");
  await until("window.__inputLog.length === 1", "the first keystroke to reach the page", 3000);
  await send("Input.insertText", { text: "sổ Chi đoàn" });
  await until("window.__inputLog.length === 2", "the second keystroke to reach the page", 3000);
  await send("Input.insertText", { text: " năm 2023." });
  await until("window.__inputLog.length === 3", "the third keystroke to reach the page", 3000);
  await until(`${saveStateIs("saved")} && ${settled("finding_set")}`, "the typed note to be saved", 3000);
  fs = await calls("finding_set");
  let edits = await inputs();
  check("typing is debounced into one save", fs.length === 1 && fs[0].args.input.note === "Đã kiểm tra sổ Chi đoàn năm 2023.", fs.map((c) => c.args.input.note));
  const quiet = fs.length ? fs[0].at - edits[edits.length - 1].t : null;
  const debounceProblems = saveTimingProblems(fs, edits);
  check(`the save is sent only after ${DEBOUNCE_MS} ms of quiet, and then promptly`, edits.length === 3 && fs.length === 1 && debounceProblems.length === 0, {
    problems: debounceProblems,
    quietMs: quiet,
    keystrokeSpreadMs: edits.length ? edits[edits.length - 1].t - edits[0].t : null,
  });

  // 7. flush on navigation: type then leave at once
  await evaluate("window.__mockCalls.length = 0; window.__inputLog.length = 0");
  await typeInto(`.item[data-code="${target1}"] textarea.explanation`, "Đơn vị giải trình: đang hoàn thiện.");
  await click("#nav-back");
  await until("location.hash === '#/campaign/c1' && document.querySelectorAll('.visit-row').length === 24", "campaign 1 after leaving the visit");
  const log7 = await evaluate("window.__mockCalls");
  const seqNames = log7.map((c) => c.name).join(",");
  edits = await inputs();
  const flushed = log7[0];
  const overview = log7[1];
  check(
    "pending save is flushed before leaving",
    /^finding_set,campaign_overview/.test(seqNames) &&
      !!flushed &&
      !!overview &&
      flushed.args.input.explanation === "Đơn vị giải trình: đang hoàn thiện." &&
      edits.length === 1 &&
      flushed.at < edits[0].t + DEBOUNCE_MS && // sent at once, without waiting for the debounce
      flushed.end <= overview.at, // and finished before the next screen loads
    { seqNames, flushedAfterMs: flushed && edits[0] ? flushed.at - edits[0].t : null, flushEnd: flushed && flushed.end, overviewAt: overview && overview.at },
  );
  await click('.visit-row[data-id="17"]');
  await until("location.hash === '#/visit/17' && document.querySelectorAll('.item').length > 0", "visit 17 to reopen");
  check("edits survive navigation", (await evaluate(`document.querySelector('.item[data-code="${target1}"] textarea.explanation').value`)) === "Đơn vị giải trình: đang hoàn thiện.");

  // 8. invalid points → error message from the API, then fixed
  const pointsCode = await evaluate(`document.querySelector('.item[data-scale="points"]').dataset.code`);
  await evaluate("window.__mockCalls.length = 0");
  const progressBefore = await text("#visit-progress .progress-text");
  const doneBefore = await attr(`.item[data-code="${pointsCode}"]`, "data-done");
  await typeInto(`.item[data-code="${pointsCode}"] input.points`, "15");
  await until(`${saveStateIs("error")} && ${settled("finding_set", "c.args.input.points === 15 && c.ok === false")}`, "the invalid points to be refused", 3000);
  check(
    "a refused score is not counted: progress and the item's mark stay as saved",
    (await text("#visit-progress .progress-text")) === progressBefore && (await attr(`.item[data-code="${pointsCode}"]`, "data-done")) === doneBefore,
    [progressBefore, await text("#visit-progress .progress-text")],
  );
  const errText = await text("#save-state");
  check("invalid points shows the API's message", (await attr("#save-state", "data-state")) === "error" && /phải từ 0 đến/.test(errText), errText);
  check("per-item error shown", (await attr(`.item[data-code="${pointsCode}"] .item-state`, "data-state")) === "error" && (await evaluate(`!document.querySelector('.item[data-code="${pointsCode}"] .item-error').hidden`)));
  await shot("06-visit-error-vi");
  await typeInto(`.item[data-code="${pointsCode}"] input.points`, "8");
  await until(`${saveStateIs("saved")} && ${settled("finding_set", "c.args.input.points === 8 && c.ok === true")}`, "the corrected points to be saved", 3000);
  check("fixing the points clears the error", (await attr("#save-state", "data-state")) === "saved" && (await attr(`.item[data-code="${pointsCode}"] .item-state`, "data-state")) === "saved");

  // 9. language switch in place keeps edits
  await evaluate("window.__mockCalls.length = 0");
  await typeInto(`.item[data-code="${target1}"] textarea.note`, "Ghi nhận chưa lưu");
  await click("#lang-en");
  await until("document.documentElement.lang === 'en'", "the page to switch to English", 3000);
  const kept = await evaluate(`document.querySelector('.item[data-code="${target1}"] textarea.note').value`);
  check("language switch re-renders in place and keeps unsaved text", kept === "Ghi nhận chưa lưu" && (await evaluate("document.documentElement.lang")) === "en", kept);
  await until(`${saveStateIs("saved")} && ${settled("finding_set")} && ${settled("set_language", "c.args.lang === 'en'")}`, "the edit and the language to be saved", 3000);
  check("English labels after switch", (await text("#save-state")) === "Saved" && (await calls("set_language")).some((c) => c.args.lang === "en"));
  fs = await calls("finding_set");
  const setEn = (await calls("set_language")).find((c) => c.args.lang === "en");
  check(
    "the edit made before the switch is saved",
    fs.length === 1 && fs[0].args.input.note === "Ghi nhận chưa lưu" && fs[0].at > setEn.at, // still unsaved when the language switched
    { saves: fs.length, saveAt: fs[0] && fs[0].at, switchAt: setEn && setEn.at },
  );
  await evaluate("window.scrollTo(0, 0)");
  await shot("07-visit-en");
  await open("#/campaign/c1");
  await shot("08-campaign-en");
  await open("#/campaigns");
  await shot("09-campaigns-en");
  await open("?first=1");
  await shot("10-welcome-en");
  await click("#lang-vi");
  // The mock persists the language when set_language completes; the next pages depend on it.
  await until(`document.documentElement.lang === 'vi' && ${settled("set_language", "c.args.lang === 'vi'")}`, "the switch back to Vietnamese to be saved", 3000);

  // 10. serialized saves per item (slow backend: every call takes 700 ms)
  await open("?latency=700#/visit/18");
  await evaluate("window.__mockCalls.length = 0; window.__inputLog.length = 0");
  await typeInto(".item textarea.note", "một");
  await until(`${nCalls("finding_set")} === 1`, "the first save to start", 3000); // in flight for 700 ms
  await send("Input.insertText", { text: " hai" }); // edited while the first save is in flight
  await until(`${nCalls("finding_set")} === 2`, "the second save to start", 5000);
  await send("Input.insertText", { text: " ba" }); // edited while the second save is in flight
  await until(`${saveStateIs("saved")} && ${settled("finding_set", "c.args.input.note === 'một hai ba'")} && window.__mockPending === 0`, "the last edit to be saved", 6000);
  fs = await calls("finding_set");
  edits = await inputs();
  const violations = await evaluate("window.__mockViolations");
  const timing10 = saveTimingProblems(fs, edits);
  const overlaps = timing10.filter((p) => p.includes("before save"));
  check("never two saves in flight for one item", violations.length === 0 && overlaps.length === 0, { violations, overlaps });
  check(`queued saves also wait for ${DEBOUNCE_MS} ms of quiet and are sent promptly`, timing10.length === overlaps.length, timing10);
  check("the latest state is sent last", fs.length >= 2 && fs[fs.length - 1].args.input.note === "một hai ba", fs.map((c) => c.args.input.note));
  const duringFlight = (e, c) => !!e && !!c && e.t > c.at && e.t < c.end;
  check(
    "edits made while a save is in flight are saved after it, in order",
    JSON.stringify(fs.map((c) => c.args.input.note)) === JSON.stringify(["một", "một hai", "một hai ba"]) && edits.length === 3 && duringFlight(edits[1], fs[0]) && duringFlight(edits[2], fs[1]),
    { notes: fs.map((c) => c.args.input.note), saves: fs.map((c) => [c.at, c.end]), edits: edits.map((e) => e.t) },
  );

  // 11. flush on visibilitychange
  await evaluate("window.__mockCalls.length = 0; window.__inputLog.length = 0");
  await typeInto(".item textarea.explanation", "ẩn cửa sổ");
  await until("window.__inputLog.length === 1", "the keystroke to reach the page", 3000);
  const hiddenAt = await evaluate("(() => { const t = performance.now(); Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true}); document.dispatchEvent(new Event('visibilitychange')); return t; })()");
  await until(`${nCalls("finding_set")} >= 1`, "a save after visibilitychange", 3000);
  fs = await calls("finding_set");
  edits = await inputs();
  check(
    "visibilitychange flushes without waiting for the debounce",
    fs.length === 1 && fs[0].args.input.explanation === "ẩn cửa sổ" && fs[0].at >= hiddenAt - CLOCK_TOL_MS && fs[0].at < edits[0].t + DEBOUNCE_MS,
    await evaluate(`JSON.stringify({calls: window.__mockCalls, inputs: window.__inputLog, hiddenAt: ${hiddenAt}, state: document.querySelector('#save-state').dataset.state, v: document.visibilityState, val: document.querySelector('.item textarea.explanation').value})`),
  );
  await until(`${saveStateIs("saved")} && window.__mockPending === 0`, "the flushed save to finish", 3000);
  check("the flush sends the edit once", (await calls("finding_set")).length === 1, await calls("finding_set"));

  // 12. failing saves block leaving until the user decides
  await open("?fail=1.1#/visit/19");
  await evaluate("window.__mockCalls.length = 0");
  await evaluate(`document.querySelector('.item[data-code="1.1"] input[type=radio]:not(:checked)').click()`);
  await until(`${saveStateIs("error")} && ${settled("finding_set", "c.ok === false")}`, "the failing save to report an error", 3000);
  await click("#nav-back");
  await until("!document.querySelector('#leave-warning').hidden", "the leave warning", 3000);
  const retried = await calls("finding_set");
  check(
    "leaving with an unsaved item is refused and explained",
    (await evaluate("location.hash")) === "#/visit/19" && (await evaluate("!document.querySelector('#leave-warning').hidden")) && retried.length === 2 && retried.every((c) => c.ok === false) && (await calls("campaign_overview")).length === 0,
    { hash: await evaluate("location.hash"), saves: retried.map((c) => c.ok) },
  );
  await evaluate("window.scrollTo(0, 0)");
  await shot("11-visit-leave-warning-vi");
  await click("#leave-discard");
  await until("location.hash === '#/campaign/c1' && document.querySelectorAll('.visit-row').length > 0", "campaign 1 after discarding");
  check("the user can still leave, discarding", (await evaluate("location.hash")) === "#/campaign/c1");

  // 12b. the first finding moves a planned visit to in progress (status from finding_set)
  await open("#/visit/21");
  await evaluate("window.__mockCalls.length = 0");
  const plannedBefore = await attr("#visit-status .badge", "data-status");
  check(
    "no recommendations yet is said without a list number",
    (await text("#recs .empty-rows")) === "Chưa có đề xuất, kiến nghị." && (await evaluate("getComputedStyle(document.querySelector('#recs .empty-rows')).listStyleType")) === "none",
  );
  await evaluate("document.querySelector('#visit-recommendations').scrollIntoView({block: 'start'})");
  await shot("12c-visit-no-recommendations-vi");
  await evaluate(`document.querySelector('.item[data-scale="pass_fail"] input[value="dat"]').click()`);
  await until("document.querySelector('#visit-status .badge').dataset.status === 'in_progress'", "the status badge to change", 3000);
  check("status badge follows visit_status from finding_set", plannedBefore === "planned" && (await attr("#visit-status .badge", "data-status")) === "in_progress", plannedBefore);
  await evaluate("document.querySelector('.item[data-scale=\"pass_fail\"] .rating-clear').click()");
  await until(`${saveStateIs("saved")} && ${settled("finding_set", "c.args.input.rating === null")}`, "the cleared rating to be saved", 3000);
  fs = await calls("finding_set");
  check("clearing a rating saves rating null", fs.length === 2 && fs[1].args.input.rating === null, fs.map((c) => c.args.input.rating));
  await evaluate(`document.querySelector('#nav-back').focus()`);
  await pressKey("Enter", "Enter", 13);
  await until("location.hash === '#/campaign/c1' && document.querySelectorAll('.visit-row').length === 24", "campaign 1 after Enter on the back link");
  await evaluate(`document.querySelector('.visit-row[data-id="21"]').focus()`);
  await pressKey(" ", "Space", 32);
  await until("location.hash === '#/visit/21' && document.querySelectorAll('.item').length > 0", "visit 21 after Space on its row");
  check("visit rows open with the keyboard", (await evaluate("location.hash")) === "#/visit/21");

  // 13. locked visit
  await open("#/visit/1");
  // Only the history buttons, a recommendation's follow-up (status, due date), the unlock form,
  // the photo viewer and "save a copy" stay usable (an attachment's buttons count when a remove
  // button is among them: then the tile is editable, which a signed visit must not be).
  const lockInfo = await evaluate(`({notice: !!document.querySelector('#locked-notice'),
    enabled: [...document.querySelectorAll('.visit-main input, .visit-main textarea, .visit-main select, .visit-main button')].filter(e => !e.disabled && !e.closest('fieldset:disabled') && !e.closest('.unlock-form') && !e.matches('.history-btn, .rec-status-select, .rec-due, #btn-unlock, #btn-minutes, #btn-visit-history, .att-thumb') && !(e.closest('.att-actions') && !e.closest('.att-actions').querySelector('.btn-ghost'))).map(e => e.className || e.id),
    conclusion: (document.querySelector('#minutes-strengths') || {}).value, recs: document.querySelectorAll('.rec').length})`);
  check("signed visit is read-only with notice, conclusion and recommendations", lockInfo.notice && lockInfo.enabled.length === 0 && /^Cấp ủy quan tâm/.test(lockInfo.conclusion || "") && lockInfo.recs === 3, lockInfo);
  await shot("12-visit-locked-vi");
  await evaluate("document.querySelector('#visit-conclusion').scrollIntoView()");
  await shot("13-visit-report-vi");

  // 14. hash routing, back button and unknown ids
  await open("#/visit/17");
  await click("#nav-back");
  await until("location.hash === '#/campaign/c1' && document.querySelectorAll('.visit-row').length === 24", "campaign 1 after the back link");
  await evaluate("history.back()");
  await until("location.hash === '#/visit/17' && document.querySelectorAll('.item').length > 0", "visit 17 after history.back()");
  check("browser back returns to the visit", (await count(".item")) === 31);
  await open("#/visit/99999");
  check("unknown visit shows a localised error with retry", (await count(".error-panel")) === 1 && /Không tìm thấy/.test(await text(".error-panel")));
  await shot("14-error-vi");

  // ---------- sync and conflicts ----------
  const FINDING_CONFLICT = "0193f2a1-5c3e-7b21-9d4e-1f0a2b3c4d5e";
  const NEW_CONFLICT = "0193f2b7-0a44-7c19-8e2f-6d5c4b3a2918";
  const UNKNOWN_FILE = "kiemtra-Laptop-Doan-kiem-tra-so-2-20231110-1712.kiemtra";
  const card = (id) => `.conflict[data-id="${id}"]`;
  const texts = (sel) => evaluate(`[...document.querySelectorAll(${JSON.stringify(sel)})].map(e => e.textContent.trim())`);
  const badgeText = () => evaluate("(document.querySelector('#nav-sync-conflicts') || {}).textContent || null");

  // 15. the header button: hidden during onboarding, with the conflict count everywhere else
  await open("?first=1");
  check("no sync button before onboarding", (await evaluate("document.querySelector('#nav-sync').hidden")) === true && (await calls("sync_overview")).length === 0);
  await open("#/campaigns");
  check("sync button with the conflict count on the campaign list", (await evaluate("!document.querySelector('#nav-sync').hidden")) && (await badgeText()) === "2", await badgeText());
  await evaluate("document.querySelector('#nav-sync').focus()");
  // a native button activates on the Enter key press (the "\r" character), as when a person types it
  await send("Input.dispatchKeyEvent", { type: "keyDown", key: "Enter", code: "Enter", windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13, text: "\r" });
  await send("Input.dispatchKeyEvent", { type: "keyUp", key: "Enter", code: "Enter", windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13 });
  await until("location.hash === '#/sync' && !!document.querySelector('section#sync') && window.__mockPending === 0", "the sync screen after Enter on the header button");
  check("the header button opens the sync screen and shows it is current", (await attr("#nav-sync", "aria-current")) === "page");

  // 16. sync screen: export choices, history, known computers, banner
  const scopes = await texts("#export-campaign option");
  check("export scope: everything, then each campaign", scopes.length === 4 && scopes[0] === "Tất cả dữ liệu" && (await evaluate("document.querySelector('#export-campaign').value")) === "", scopes);
  const history = await evaluate("[...document.querySelectorAll('#import-history tbody tr')].map(r => [...r.cells].map(c => c.textContent.trim()))");
  check(
    "import history: 3 rows, newest first, local dd/mm/yyyy HH:MM without the clock counter",
    history.length === 3 && history[0][0] === "10/11/2023 16:02" && history[0][2] === "10/11/2023 15:40" && history.flat().every((c) => !/#\d{4}/.test(c)) && history[1][3] === "1.877 / 3.120",
    history,
  );
  const devices = await evaluate("[...document.querySelectorAll('#devices > li')].map(li => ({name: li.querySelector('.device-name').textContent, self: !!li.querySelector('.self-tag'), fp: li.querySelector('.fingerprint').textContent, seen: (li.querySelector('.device-seen') || {}).textContent}))");
  check(
    "known computers: name, this computer, fingerprint in six groups of five digits, first seen",
    devices.length === 3 && devices.filter((d) => d.self).length === 1 && devices[0].self && devices.every((d) => /^\d{5}( \d{5}){5}$/.test(d.fp)) && devices[0].seen === "Từ 30/10/2023 08:12",
    devices,
  );
  check("conflict banner links to the conflicts", (await count("#conflict-banner.warn #btn-conflicts")) === 1 && /^2 bản ghi/.test(await text("#conflict-banner strong")));
  check("the sync screen refreshed the header count", (await badgeText()) === "2");
  await shot("15-sync-vi");

  // 17. export: everything, one campaign, cancelled, failed
  await until("!!document.querySelector('#export-readers-before')", "who will open the export");
  check(
    "before exporting, the card says who will be able to open the file",
    (await text("#export-readers-before")) === "Gói sẽ được mã hóa; chỉ những máy sau mở được: Laptop Ban XDĐ 03, Laptop Đoàn kiểm tra số 1, Laptop Đoàn kiểm tra số 3, khóa khôi phục của văn phòng",
    await text("#export-readers-before"),
  );
  await evaluate("window.__mockCalls.length = 0");
  await click("#btn-export");
  await until(`!!document.querySelector('#export-result') && ${settled("bundle_export")}`, "the export result");
  let exp = await calls("bundle_export");
  check("export everything sends campaign null", exp.length === 1 && exp[0].args.campaign === null, exp.map((c) => c.args));
  const expText = await text("#export-result");
  check("export result: path, counts and size", /Đã xuất gói dữ liệu/.test(expText) && /kiemtra-Laptop-Ban-XDD-03-20231110-1642\.kiemtra/.test(expText) && /2\.873 nội dung, 12\.480 lần ghi · 2,3 MB/.test(expText) && (await text("#history-title")) === "Các lần nhập gói", expText);
  check(
    "export result says who can open the file, and who cannot yet",
    exp[0].args.plain === false && (await text("#export-readers")) === "Đã mã hóa; chỉ những máy sau mở được: Laptop Ban XDĐ 03, Laptop Đoàn kiểm tra số 1, Laptop Đoàn kiểm tra số 3, khóa khôi phục của văn phòng" && /Laptop Đoàn kiểm tra số 2/.test(await text("#export-without-key")),
    await text("#export-result"),
  );
  await shot("17-export-encrypted-vi");
  await evaluate("const s = document.querySelector('#export-campaign'); s.value = 'c1'; s.dispatchEvent(new Event('change')); true");
  await click("#btn-export");
  await until(`${nCalls("bundle_export", "c.end !== undefined")} === 2 && !!document.querySelector('#export-result')`, "the campaign export");
  exp = await calls("bundle_export");
  check("export one campaign sends its id", exp[1].args.campaign === "c1" && /9\.816 lần ghi/.test(await text("#export-result")), exp.map((c) => c.args));
  // Plain only by choice, with a warning first.
  await click("#export-plain");
  await until("!!document.querySelector('#export-plain-warning')", "the plain-export warning");
  check("choosing a plain export warns in plain words", /ai nhặt được USB cũng đọc được/.test(await text("#export-plain-warning")));
  await click("#btn-export");
  await until(`${nCalls("bundle_export", "c.end !== undefined")} === 3 && !!document.querySelector('#export-readers')`, "the plain export");
  exp = await calls("bundle_export");
  check("a plain export says anyone can read it", exp[2].args.plain === true && (await text("#export-readers")) === "Không mã hóa: ai có tệp cũng đọc được.");
  await shot("17b-export-plain-vi");
  await click("#export-plain");
  await until("!document.querySelector('#export-plain-warning')", "the plain choice undone");
  await evaluate("window.__mockDialogCancel = true");
  await click("#btn-export");
  await until(`${nCalls("bundle_export", "c.end !== undefined")} === 4 && !document.querySelector('#btn-export').disabled`, "the cancelled export");
  check("a cancelled export shows nothing", (await count("#export-result")) === 0 && (await count("#export-error")) === 0);
  await evaluate("window.__mockFailNext = 'bundle_export'");
  await click("#btn-export");
  await until("!!document.querySelector('#export-error')", "the export error");
  check("a failed export shows Rust's message", /Không ghi được tệp/.test(await text("#export-error")), await text("#export-error"));

  // 18. pick: cancelled, then a preview of 3 files (one from an unknown computer, one refused)
  await evaluate("window.__mockCalls.length = 0; window.__mockDialogCancel = true");
  await click("#btn-pick");
  await until(`${settled("bundle_pick")} && !document.querySelector('#btn-pick').disabled`, "the cancelled pick");
  check("a cancelled pick shows no preview", (await count("#import-preview")) === 0 && (await count("#btn-import")) === 0);
  await evaluate("document.querySelector('#btn-pick').focus()"); // as when a person clicks it
  await click("#btn-pick");
  await until("!!document.querySelector('#import-preview') && !document.querySelector('#btn-pick').disabled", "the import preview");
  const preview = await evaluate("[...document.querySelectorAll('#import-preview .preview-row')].map(r => ({file: r.dataset.file, ok: r.dataset.ok, cells: [...r.cells].map(c => c.textContent.trim()), unknown: !!r.querySelector('.badge-unknown'), error: (r.querySelector('.preview-error') || {}).textContent || null}))");
  const readersShown = await evaluate("[...document.querySelectorAll('#import-preview .pv-readers')].map((e) => e.textContent)");
  check(
    "the preview says to whom each bundle was encrypted, or that it was not",
    readersShown.includes("Mã hóa cho: Laptop Đoàn kiểm tra số 2, Laptop Ban XDĐ 03, khóa khôi phục của văn phòng") && readersShown.includes("Không mã hóa"),
    readersShown,
  );
  check(
    "preview: one row per file with signer, created at and counts",
    preview.length === 3 && preview[0].file === UNKNOWN_FILE && /^Laptop Đoàn kiểm tra số 2/.test(preview[0].cells[1]) && preview[0].cells[2] === "10/11/2023 17:12" && preview[0].cells.slice(3).join("|") === "5.987|217|1",
    preview,
  );
  check(
    "a laptop's first bundle flagged (and only it), with its fingerprint to read aloud",
    preview[0].unknown && !preview[1].unknown && (await count(".badge-unknown")) === 1 && /Lần đầu/.test(preview[0].cells[1]) && /\d{5}( \d{5}){5}/.test(preview[0].cells[1]),
    preview.map((p) => p.unknown),
  );
  check(
    "a bundle made on a clock running ahead is marked (and only it)",
    JSON.stringify(await evaluate("[...document.querySelectorAll('#import-preview .preview-row')].map(r => (r.querySelector('.badge-clock-ahead') || {}).textContent || null)")) ===
      JSON.stringify(["12 phiên bản đồng hồ chạy trước", null, null]),
  );
  check("refused file shows Rust's error", preview[2].ok === "false" && /SHA-256/.test(preview[2].error || "") && (await evaluate("getComputedStyle(document.querySelector('.preview-row.refused .preview-error')).color")) === "rgb(198, 40, 40)", preview[2]);
  check("import button counts the files that can be imported", (await text("#btn-import")) === "Nhập 2 gói" && (await evaluate("!document.querySelector('#btn-import').disabled")) && (await evaluate("document.activeElement && document.activeElement.id")) === "btn-import");
  await shot("16-sync-preview-vi");

  // 19. import with progress events; held half-way through the last file
  await evaluate(`window.__mockCalls.length = 0; window.__mockEvents.length = 0; window.__mockHoldImport = true; window.__progressSeen = [];
    new MutationObserver(() => { const el = document.querySelector('#import-progress-text'); if (el && window.__progressSeen[window.__progressSeen.length - 1] !== el.textContent) window.__progressSeen.push(el.textContent); }).observe(document.querySelector('#app'), {subtree: true, childList: true, characterData: true}); true`);
  await click("#btn-import");
  await until("/Gói 2\\/2 · 2\\.000\\/4\\.230 phiên bản/.test((document.querySelector('#import-progress-text') || {}).textContent || '')", "the progress of the second file", 8000);
  const prog = await evaluate("({value: document.querySelector('#import-progress').value, max: document.querySelector('#import-progress').max, disabled: ['#btn-pick', '#btn-import', '#btn-export', '#export-campaign'].map(s => document.querySelector(s).disabled), listeners: window.__mockListeners(), tag: document.querySelector('#import-progress').tagName})");
  check("progress bar covers both files (1 done, 2nd under way)", prog.tag === "PROGRESS" && prog.value / prog.max > 0.5 && prog.value / prog.max < 1, prog);
  check("pick, import and export are disabled while importing", prog.disabled.every(Boolean), prog.disabled);
  check("the page listens to sync://progress during the import", prog.listeners === 1, prog.listeners);
  const seen = await evaluate("window.__progressSeen");
  check("every progress event reached the page in order", seen.includes("Gói 1/2 · 4.000/6.204 phiên bản") && seen.indexOf("Gói 1/2 · 6.204/6.204 phiên bản") < seen.indexOf("Gói 2/2 · 2.000/4.230 phiên bản"), seen);
  await shot("17-sync-importing-vi");
  await evaluate("window.__mockReleaseImport(); true");
  await until(`!!document.querySelector('#import-summary') && ${settled("sync_overview")} && window.__mockPending === 0`, "the import summary and the refreshed overview", 8000);
  const summary = await evaluate("[...document.querySelectorAll('#import-summary .summary-row')].map(r => r.textContent)");
  check("summary per file with counts", summary.length === 2 && /5\.987 phiên bản mới · 217 đã có · 1 xung đột mới/.test(summary[0]) && /218 phiên bản mới · 4\.012 đã có/.test(summary[1]), summary);
  check("summary marks the computer seen for the first time", JSON.stringify(await evaluate("[...document.querySelectorAll('#import-summary .summary-row')].map(r => !!r.querySelector('.badge-unknown'))")) === "[true,false]" && (await text("#import-summary .badge-unknown")) === "Máy mới");
  check("summary names the backup", /backups\\kiemtra-20231110-104108\.512\.db$/.test(await text("#import-backup")), await text("#import-backup"));
  check("summary links to the new conflicts", (await text("#btn-summary-conflicts")) === "Giải quyết 1 xung đột mới→");
  check(
    "summary names the signed minutes the bundle changed after signing, linking to the visit",
    (await text("#summary-after-signing .after-signing-link")) === "Đoàn xã Yên Sơn" && (await attr("#summary-after-signing .after-signing-link", "data-visit")) === "4" && /1 nội dung bị sửa/.test(await text("#summary-after-signing")),
    await text("#summary-after-signing"),
  );
  await shot("12b-import-after-signing-vi");
  check("listener removed after the import", (await evaluate("window.__mockListeners()")) === 0);
  check("preview gone, history, computers and header count refreshed", (await count("#import-preview")) === 0 && (await count("#import-history tbody tr")) === 6 - 1 && (await count("#devices > li")) === 4 && (await badgeText()) === "3" && /^3 bản ghi/.test(await text("#conflict-banner strong")));
  await evaluate("window.scrollTo(0, 0)");
  await shot("18-sync-imported-vi");

  // 20. conflicts screen: side by side, one radio per cell, winner chosen by default
  await click("#btn-summary-conflicts");
  await until("location.hash === '#/conflicts' && document.querySelectorAll('.conflict[data-id]').length === 3", "the conflicts screen");
  const fc = await evaluate(`(() => { const c = document.querySelector('${card(FINDING_CONFLICT)}'); return {
    label: c.querySelector('.conflict-label').textContent, kind: c.querySelector('.kind-tag').textContent,
    heads: [...c.querySelectorAll('thead th.cv-head:not(.cv-ancestor)')].map(th => ({name: th.querySelector('.cv-device-name').textContent, time: th.querySelector('.cv-time').textContent, winner: !!th.querySelector('.winner-tag')})),
    rows: [...c.querySelectorAll('tbody tr.cf-row')].map(r => ({field: r.dataset.field, label: r.querySelector('th').textContent, values: [...r.querySelectorAll('.cf-value')].map(v => v.textContent)})),
    radios: [...c.querySelectorAll('input[type=radio][name="pick-${FINDING_CONFLICT}-note"]')].map(r => r.checked),
    keep: [...c.querySelectorAll('button.keep-version')].map(b => b.dataset.rev), merge: c.querySelectorAll('button.merge-selected').length }; })()`);
  check(
    "finding conflict: label, kind, one column per version with device, time and the shown tag",
    fc.label === "Tiêu chí 5.3 · Đoàn Khối các cơ quan tỉnh Ninh Bình" && fc.kind === "Kết quả kiểm tra tiêu chí" && fc.heads.length === 2 && fc.heads[0].winner && !fc.heads[1].winner && fc.heads[0].time === "09/11/2023 10:14" && fc.heads[1].name === "Laptop Ban XDĐ 03",
    fc,
  );
  check("finding conflict: the differing note, translated label, winner picked", fc.rows.length === 1 && fc.rows[0].label === "Kết quả kiểm tra / ghi nhận" && JSON.stringify(fc.radios) === "[true,false]" && fc.keep.length === 2 && fc.merge === 1, fc.rows);
  const rc = await evaluate(`(() => { const c = document.querySelector('.conflict[data-kind="recommendation"]'); return { id: c.dataset.id,
    rows: [...c.querySelectorAll('tbody tr.cf-row')].map(r => ({field: r.dataset.field, label: r.querySelector('th').textContent, values: [...r.querySelectorAll('.cf-value')].map(v => v.textContent)})), heads: c.querySelectorAll('thead th.cv-head:not(.cv-ancestor)').length }; })()`);
  check(
    "recommendation conflict: text then authority, values translated, three versions",
    rc.heads === 3 && rc.rows.map((r) => r.field).join() === "text,authority" && rc.rows[0].label === "Nội dung kiến nghị" && rc.rows[1].label === "Thẩm quyền giải quyết" && rc.rows[1].values.join("|") === "Đoàn cấp trên|Đoàn cấp trên|Cấp ủy Đảng",
    rc,
  );
  const nc = await evaluate(`[...document.querySelectorAll('${card(NEW_CONFLICT)} tbody tr.cf-row')].map(r => [r.dataset.field, ...[...r.querySelectorAll('.cf-value')].map(v => v.textContent)])`);
  check("rating shown as Đạt / Chưa đạt, empty as —", JSON.stringify(nc) === JSON.stringify([["rating", "Chưa đạt", "Đạt"], ["explanation", "Đơn vị đã bổ sung giấy giới thiệu ngày 09/11/2023.", "—"]]), nc);
  check("the conflicts screen keeps the header count", (await badgeText()) === "3" && (await text("#conflicts-count")) === "3 xung đột");
  // 20b. the value before the edits beside the versions, and a box for each text field
  const earlier = await evaluate(`(() => { const c = document.querySelector('${card(FINDING_CONFLICT)}'); return {
    head: (c.querySelector('thead th.cv-ancestor') || {}).textContent, note: (c.querySelector('tr.cf-row[data-field="note"] .cf-before') || {}).textContent,
    box: (c.querySelector('#merged-${FINDING_CONFLICT}-note') || {}).value, label: (c.querySelector('tr.cf-merge-row[data-field="note"] label') || {}).textContent }; })()`);
  check(
    "the common earlier text is shown as “Trước khi sửa”, and the note's box starts from the shown version",
    earlier.head === "Trước khi sửa" && earlier.note === "Sổ đoàn viên được quản lý tại văn phòng Đoàn." && earlier.box === fc.rows[0].values[0] && earlier.label === "Nội dung gộp",
    earlier,
  );
  const boxes = await evaluate(`[...document.querySelectorAll('.conflict')].map(c => [c.dataset.kind, !!c.querySelector('th.cv-ancestor'), [...c.querySelectorAll('tr.cf-merge-row')].map(r => r.dataset.field).join()])`);
  check(
    "boxes for text fields only (not a rating or an authority); no earlier column where the versions share none",
    JSON.stringify(boxes) === JSON.stringify([["finding", true, "note"], ["recommendation", true, "text"], ["finding", false, "explanation"]]),
    boxes,
  );
  await shot("19-conflicts-vi");
  await shotFull("19b-conflicts-vi-full");

  // 21. keep one version
  await evaluate("window.__mockCalls.length = 0");
  await click(`${card(FINDING_CONFLICT)} button.keep-version[data-rev="${fc.keep[1]}"]`);
  await until(`!document.querySelector('${card(FINDING_CONFLICT)}') && ${settled("conflict_resolve")}`, "the kept version to settle the conflict");
  let res = await calls("conflict_resolve");
  check("keep sends {id, keep: rev}", res.length === 1 && JSON.stringify(res[0].args) === JSON.stringify({ input: { id: FINDING_CONFLICT, keep: fc.keep[1] } }), res.map((c) => c.args));
  check("resolved: toast, header count and page count follow", /Đã giải quyết xung đột/.test((await text("#toasts")) || "") && (await badgeText()) === "2" && (await text("#conflicts-count")) === "2 xung đột" && (await count(".conflict[data-id]")) === 2);

  // 22. merge field by field
  await click(`.conflict[data-id="${rc.id}"] input[name="pick-${rc.id}-text"][value="1"]`);
  await click(`.conflict[data-id="${rc.id}"] input[name="pick-${rc.id}-authority"][value="2"]`);
  check("the chosen cells are marked", (await count(`.conflict[data-id="${rc.id}"] td.cf-cell.picked`)) === 2 && (await evaluate(`document.querySelector('.conflict[data-id="${rc.id}"] tr.cf-row[data-field="text"] td.cf-cell.picked').dataset.version`)) === "1");
  const recBox = `#merged-${rc.id}-text`;
  check("picking a version puts its text in the box", (await value(recBox)) === rc.rows[0].values[1], await value(recBox));
  await click(`.conflict[data-id="${rc.id}"] tr.cf-merge-row .cf-join`);
  check("“Ghép các phiên bản” puts each different text in the box, once", (await value(recBox)) === `${rc.rows[0].values[0]}\n\n${rc.rows[0].values[1]}`, await value(recBox));
  await evaluate(`document.querySelector('.conflict[data-id="${rc.id}"]').scrollIntoView({block: "start"})`);
  await shot("19c-conflicts-joined-vi");
  await send("Emulation.setDeviceMetricsOverride", { width: 1024, height: 640, deviceScaleFactor: 1, mobile: false });
  await until("window.innerWidth === 1024", "the 1024 px viewport for the conflicts");
  await evaluate(`document.querySelector('.conflict[data-id="${rc.id}"]').scrollIntoView({block: "start"})`);
  await shot("19d-conflicts-joined-1024-vi");
  await send("Emulation.setDeviceMetricsOverride", { width: 1366, height: 768, deviceScaleFactor: 1, mobile: false });
  await until("window.innerWidth === 1366", "the 1366 px viewport after the conflicts");
  const edited = "Mở lớp bồi dưỡng nghiệp vụ cho cán bộ Đoàn cơ sở trong quý I/2024 (mỗi huyện ít nhất 01 lớp) — Ban thư ký <b>gộp</b>.";
  await typeInto(recBox, edited);
  await evaluate("window.__mockCalls.length = 0");
  await click(`.conflict[data-id="${rc.id}"] button.merge-selected`);
  await until(`!document.querySelector('.conflict[data-id="${rc.id}"]') && ${settled("conflict_resolve")}`, "the merge to settle the conflict");
  res = await calls("conflict_resolve");
  const merged = res[0] && res[0].args.input;
  check(
    "merge sends the chosen value of every differing field, and the box's edited text for a text field",
    res.length === 1 && merged.id === rc.id && !("keep" in merged) && merged.fields.authority === "party" && merged.fields.text === edited && Object.keys(merged.fields).sort().join() === "authority,text",
    merged,
  );
  check("header count after the merge", (await badgeText()) === "1");

  // 23. a failed resolution keeps the card and says why; then the last one → empty state
  await evaluate("window.__mockFailNext = 'conflict_resolve'");
  await click(`${card(NEW_CONFLICT)} button.merge-selected`);
  await until(`!!document.querySelector('${card(NEW_CONFLICT)} .conflict-error')`, "the resolution error");
  check("a failed resolution keeps the card with Rust's message", /Không ghi được/.test(await text(`${card(NEW_CONFLICT)} .conflict-error`)) && (await badgeText()) === "1");
  await click(`${card(NEW_CONFLICT)} button.keep-version`);
  await until("!!document.querySelector('#conflicts-empty')", "the empty conflicts state");
  check("no conflicts left: empty state, no header badge", /Không có xung đột/.test(await text("#conflicts-empty")) && (await count("#nav-sync-conflicts")) === 0 && (await count(".conflict")) === 0);
  await shot("20-conflicts-empty-vi");

  // 24. conflict badges on the campaign and visit screens (fresh data: 2 conflicts again)
  await open("#/campaign/c1");
  const rowBadges = await evaluate("[...document.querySelectorAll('.visit-row .badge-conflict')].map(b => b.closest('.visit-row').dataset.id).sort()");
  check("campaign: a conflict badge on the visits in conflict", JSON.stringify(rowBadges) === JSON.stringify(["17", "8"]) && (await text('.visit-row[data-id="17"] .badge-conflict')) === "Xung đột", rowBadges);
  await evaluate(`document.querySelector('.visit-row[data-id="17"]').scrollIntoView({block: "center"})`);
  await shot("21-campaign-conflict-vi");
  await click('.visit-row[data-id="17"] .badge-conflict');
  await until("location.hash === '#/conflicts' && document.querySelectorAll('.conflict').length === 2", "the conflicts from the campaign badge");
  check("the row badge opens the conflicts, not the visit", (await calls("visit_get")).length === 0);
  await open("#/visit/17");
  const itemBadges = await evaluate("[...document.querySelectorAll('.item .badge-conflict')].map(b => b.closest('.item').dataset.code)");
  check("visit: a conflict badge beside the item code of the finding in conflict", JSON.stringify(itemBadges) === JSON.stringify(["5.3"]) && (await evaluate(`document.querySelector('.item[data-code="5.3"]').classList.contains('has-conflict')`)), itemBadges);
  await evaluate(`document.querySelector('.item[data-code="5.3"]').scrollIntoView({block: "center"})`);
  await shot("22-visit-conflict-vi");
  await click('.item[data-code="5.3"] .badge-conflict');
  await until("location.hash === '#/conflicts' && document.querySelectorAll('.conflict').length === 2", "the conflicts from the item badge");
  // the kept version is what the visit shows afterwards
  const selfRev = await evaluate(`document.querySelectorAll('${card(FINDING_CONFLICT)} button.keep-version')[1].dataset.rev`);
  const selfNote = await evaluate(`document.querySelectorAll('${card(FINDING_CONFLICT)} tr[data-field="note"] .cf-value')[1].textContent`);
  await click(`${card(FINDING_CONFLICT)} button.keep-version[data-rev="${selfRev}"]`);
  await until(`!document.querySelector('${card(FINDING_CONFLICT)}')`, "the finding conflict to be resolved");
  await click(`.conflict[data-kind="recommendation"] .conflict-open`);
  await until("location.hash === '#/visit/8' && document.querySelectorAll('.item').length > 0", "the visit of the remaining conflict");
  check("“open the working session” on a conflict opens its visit", (await evaluate("document.querySelector('#visit-unit').textContent")) === "Đoàn Thanh niên Công ty Trách nhiệm hữu hạn Một thành viên Đầu tư và Phát triển Khu công nghiệp Gián Khẩu" && (await evaluate("document.querySelectorAll('.rec').length")) === 3);
  await evaluate("location.hash = '#/visit/17'"); // same page: the mock keeps the resolution
  await until("location.hash === '#/visit/17' && !!document.querySelector('.item[data-code=\"5.3\"]') && window.__mockPending === 0", "visit 17 after the resolution");
  const after53 = await evaluate(`({badges: document.querySelectorAll('.item .badge-conflict').length, note: document.querySelector('.item[data-code="5.3"] textarea.note').value, header: (document.querySelector('#nav-sync-conflicts') || {}).textContent})`);
  check("once resolved: no badge, the kept note is shown, header counts 1", after53.badges === 0 && after53.note === selfNote && after53.header === "1", after53);

  // 25. bundle text is shown as text, never as markup
  await open("#/sync");
  await evaluate("window.__mockPickMode = 'evil'");
  await click("#btn-pick");
  await until("document.querySelectorAll('#import-preview .preview-row').length === 2", "the preview of bundles with markup");
  const evil = await evaluate("({elements: document.querySelectorAll('#import-preview img:not(.lock-small), #import-preview b, #import-preview i, #import-preview script').length, xss: window.__xss === undefined, text: document.querySelector('#import-preview').textContent})");
  check("file, device, inspector and error text from bundles are shown literally", evil.elements === 0 && evil.xss && evil.text.includes('<img src=x onerror="window.__xss=2">Máy lạ') && evil.text.includes("<i>hong</i>.kiemtra"), evil);
  await evaluate("window.__mockPickMode = 'bad'");
  await click("#btn-pick");
  await until("document.querySelectorAll('#import-preview .preview-row.refused').length === 2 && !document.querySelector('#btn-pick').disabled", "a preview where every file is refused");
  check("import disabled when no file can be imported", (await evaluate("document.querySelector('#btn-import').disabled")) === true);
  await evaluate("window.__mockFailNext = 'bundle_pick'");
  await click("#btn-pick");
  await until("!!document.querySelector('#pick-error')", "the pick error");
  check("a failed pick shows Rust's message", /Không ghi được/.test(await text("#pick-error")));

  // 25b. a bundle from a laptop nobody here knows: enrol it into a team, or trust a campaign's owner
  await open("#/sync");
  await evaluate("window.__mockPickMode = 'stranger'");
  await click("#btn-pick");
  await until("document.querySelectorAll('#import-preview .preview-row.stranger').length === 2 && window.__mockPending === 0 && document.querySelectorAll('#enrol-choice-0 option').length > 2", "the preview of two unknown laptops");
  const strangers = await evaluate("[...document.querySelectorAll('#import-preview .preview-row.stranger')].map(r => { const d = r.nextElementSibling; return {code: r.dataset.code, title: r.querySelector('.stranger-title').textContent, people: d.querySelector('.stranger-people').textContent, fp: d.querySelector('.stranger-fingerprint').textContent, enrol: !!d.querySelector('.btn-enrol'), trust: !!d.querySelector('.btn-trust-owner')}; })");
  check(
    "unknown laptops: who they are, their fingerprint, and the choice for each",
    strangers.length === 2 &&
      strangers[0].code === "unknown_laptop" && /Máy Đoàn kiểm tra số 4/.test(strangers[0].title) && strangers[0].people === "Hoàng Minh Tuấn — Ủy viên Ban Thường vụ Tỉnh đoàn" && /^\d{5}( \d{5}){5}$/.test(strangers[0].fp) && strangers[0].enrol && !strangers[0].trust &&
      strangers[1].code === "untrusted_owner" && /Tỉnh đoàn Hà Nam/.test(strangers[1].title) && strangers[1].trust && !strangers[1].enrol,
    strangers,
  );
  check("nothing to import before a choice", (await evaluate("document.querySelector('#btn-import').disabled")) === true && (await attr("#import-preview .btn-enrol", "disabled")) !== null);
  const teamOption = await evaluate("[...document.querySelectorAll('#enrol-choice-0 option')].map(o => o.value).find(v => v.startsWith('team:'))");
  await evaluate(`(() => { const s = document.querySelector('#enrol-choice-0'); s.value = ${JSON.stringify(teamOption)}; s.dispatchEvent(new Event('change')); })()`);
  await until("!document.querySelector('#import-preview .btn-enrol').disabled", "the enrol button once a team is chosen");
  await shot("24b-sync-stranger-vi");
  await click("#import-preview .btn-enrol");
  await until(`${settled("trust_enroll_maker")} && document.querySelectorAll('#import-preview .preview-row.stranger').length === 1 && window.__mockPending === 0`, "the laptop enrolled");
  const enrolCall = (await calls("trust_enroll_maker"))[0];
  check(
    "enrolling sends the file's place, the campaign and the team chosen; the row then previews as importable",
    enrolCall.args.input.file_index === 0 && enrolCall.args.input.role === "team" && teamOption === `team:${enrolCall.args.input.campaign}:${enrolCall.args.input.team}` &&
      (await attr("#import-preview .preview-row:first-child", "data-ok")) === "true" && (await text("#btn-import")) === "Nhập 1 gói",
    enrolCall,
  );
  await click("#import-preview .btn-trust-owner");
  await until(`${settled("trust_owner")} && !document.querySelector('#import-preview .preview-row.stranger') && window.__mockPending === 0`, "the owner trusted");
  check("trusting the owner makes the second file importable too", JSON.stringify((await calls("trust_owner"))[0].args) === JSON.stringify({ fileIndex: 1, device: "dev-0ff1" }) && (await text("#btn-import")) === "Nhập 2 gói");

  // 25c. Máy và người dùng: name, people, fingerprint, campaigns, known laptops
  await open("#/laptops");
  await until("!!document.querySelector('#laptop-form') && !!document.querySelector('#laptops-table')", "the laptop & people screen");
  const lp = await evaluate("({name: document.querySelector('#lp-name').value, person: document.querySelector('#lp-person-0').value, position: document.querySelector('#lp-position-0').value, fp: document.querySelector('#lp-fingerprint').textContent, rows: document.querySelectorAll('#laptops-table tbody tr').length, selfRow: !!document.querySelector('#laptops-table tr.self'), title: document.querySelector('.page-title').textContent})");
  check(
    "this laptop's name and people, its fingerprint in groups of digits, and the laptops it knows",
    lp.title === "Máy và người dùng" && lp.name === "Laptop Ban XDĐ 03" && lp.person === "Trần Thị Lan" && lp.position === "Phó Trưởng Ban Xây dựng Đoàn" && /^\d{5}( \d{5}){5}$/.test(lp.fp) && lp.rows === 3 && lp.selfRow,
    lp,
  );
  await shot("35-laptops-vi");
  await typeInto("#lp-name", "   ");
  await click("#lp-save");
  await until("!!document.querySelector('#lp-error')", "the empty-name refusal");
  check("an empty laptop name is refused with a message", /tên máy/.test(await text("#lp-error")));
  await typeInto("#lp-name", "Máy Văn phòng Tỉnh đoàn");
  await click("#lp-add-person");
  await until("!!document.querySelector('#lp-person-1')", "a second person row");
  await typeInto("#lp-person-1", "Nguyễn Văn Bình");
  await typeInto("#lp-position-1", "Chuyên viên Ban Xây dựng Đoàn");
  await click("#lp-current-1");
  await click("#lp-save");
  await until(`${settled("trust_profile_save")} && window.__mockPending === 0 && document.querySelector('#device-name .device-value').textContent === 'Máy Văn phòng Tỉnh đoàn'`, "the saved profile in the header");
  const saved = (await calls("trust_profile_save")).pop().args.profile;
  check(
    "saving sends the name, both people and who uses the laptop now; the header follows",
    saved.name === "Máy Văn phòng Tỉnh đoàn" && saved.people.length === 2 && saved.people[1].position === "Chuyên viên Ban Xây dựng Đoàn" && saved.person === "Nguyễn Văn Bình",
    saved,
  );
  await click("#laptops-table tr:not(.self) .lp-trusted");
  await until(`${settled("trust_set")} && window.__mockPending === 0`, "trusting a laptop");
  check("the trust box trusts that laptop", (await calls("trust_set"))[0].args.trusted === true);

  // 25c'. The office's recovery key: none yet; a plain warning before the save dialog; a
  // cancelled dialog makes nothing; then made, its state and public key shown.
  check("without a recovery key the card says so and offers to make one", /Chưa có/.test(await text("#lp-recovery-state")) && (await count("#lp-recovery-create")) === 1);
  await click("#lp-recovery-create");
  await until("!!document.querySelector('#lp-recovery-warning')", "the recovery key warning");
  check("the warning says in plain words who can read with it and where to keep it", /đọc được mọi gói dữ liệu/.test(await text("#lp-recovery-warning")) && /USB riêng/.test(await text("#lp-recovery-warning")) && (await calls("trust_recovery_key_create")).length === 0);
  await shot("35b-laptops-recovery-warning-vi");
  await evaluate("window.__mockDialogCancel = true");
  await click("#lp-recovery-save");
  await until(`${settled("trust_recovery_key_create")} && window.__mockPending === 0 && !document.querySelector('#lp-recovery-save[disabled]')`, "the cancelled key dialog");
  check("a cancelled save dialog makes no key and keeps the warning open", (await count("#lp-recovery-warning")) === 1 && (await count("#lp-recovery-recipient")) === 0);
  await click("#lp-recovery-save");
  await until("!!document.querySelector('#lp-recovery-recipient')", "the recovery key made");
  check("once made, the card shows when, how many campaigns it reads, and its public key", /Đã tạo lúc 02\/12\/2026 10:30/.test(await text("#lp-recovery-state")) && /^age1/.test(await text("#lp-recovery-recipient")) && (await count("#lp-recovery-create")) === 0);
  await shot("35c-laptops-recovery-made-vi");

  // 25c'. Bản sao lưu: when, how big, why; restore asks first, refuses a bad copy, then reloads
  const bk = await evaluate("[...document.querySelectorAll('#backups-table tbody tr')].map(r => [...r.querySelectorAll('td')].slice(0, 3).map(td => td.textContent))");
  check(
    "backups: local date and time, size in plain units, and why each was made",
    bk.length === 3 && JSON.stringify(bk[0]) === JSON.stringify(["10/11/2023 09:02", "2,4 MB", "Trước khi nhập kiemtra-Laptop-Doan-kiem-tra-so-1-20231110-1540.kiemtra, kiemtra-Laptop-Doan-kiem-tra-so-3-20231109-1805.kiemtra"]) && bk[1][2] === "Trước khi nhập danh sách đơn vị danh-sach-don-vi-2023.xlsx" && bk[1][1] === "0 B" && bk[2][2] === "Không rõ",
    bk,
  );
  await evaluate("document.querySelector('#backups').scrollIntoView({block: 'start'})");
  await shot("35d-laptops-backups-vi");
  await click("#backups-table tbody tr:nth-child(1) .backup-restore");
  await until("!!document.querySelector('#restore-dialog[open]')", "the restore confirmation");
  check(
    "the confirmation says what goes back, what is lost and that the current data is backed up first; nothing restored yet",
    (await text("#restore-title")) === "Khôi phục bản sao lưu lúc 10/11/2023 09:02?" && /trở về như lúc 10\/11\/2023 09:02/.test(await text("#restore-what")) && /sẽ không còn/.test(await text("#restore-lost")) && /sao lưu dữ liệu hiện tại/.test(await text("#restore-undo")) && (await calls("backup_restore")).length === 0,
  );
  await shot("35e-laptops-restore-confirm-vi");
  await click("#restore-cancel");
  await until("!document.querySelector('#restore-dialog')", "the cancelled confirmation");
  check("cancel restores nothing", (await calls("backup_restore")).length === 0);
  await click("#backups-table tbody tr:nth-child(2) .backup-restore");
  await until("!!document.querySelector('#restore-dialog[open]')", "the confirmation for the empty copy");
  await click("#restore-confirm");
  await until(`${settled("backup_restore")} && !document.querySelector('#restore-error[hidden]')`, "the refusal of the empty copy");
  check("an empty copy is refused in the dialog, in words, and the list stays", /tệp rỗng \(0 byte\)\. Dữ liệu hiện tại không thay đổi/.test(await text("#restore-error")) && (await count("#backups-table tbody tr")) === 3 && (await count("#restore-dialog[open]")) === 1);
  await click("#restore-cancel");
  await until("!document.querySelector('#restore-dialog')", "the dialog closed after the refusal");
  await evaluate("window.__mockCalls.length = 0");
  await click("#backups-table tbody tr:nth-child(1) .backup-restore");
  await until("!!document.querySelector('#restore-dialog[open]')", "the confirmation again");
  await click("#restore-confirm");
  await until(`!document.querySelector('#restore-dialog') && ${nCalls("app_state")} === 1 && window.__mockPending === 0 && document.querySelectorAll('#backups-table tbody tr').length === 4`, "the restore and the reload");
  const restored = await calls("backup_restore");
  const newest = await texts("#backups-table tbody tr:first-child td.backup-reason");
  check(
    "restore sends the file name, then the app reads its state again and the list shows the backup of the data it replaced",
    restored.length === 1 && restored[0].args.name === "kiemtra-20231110-020218.120.db" && newest[0] === "Trước khi khôi phục bản sao lưu lúc 10/11/2023 09:02" && /Đã khôi phục bản sao lưu lúc 10\/11\/2023 09:02/.test((await text("#toasts")) || "") && (await count("#laptop-form")) === 1,
    { restored, newest },
  );
  await send("Emulation.setDeviceMetricsOverride", { width: 1024, height: 640, deviceScaleFactor: 1, mobile: false });
  await until("window.innerWidth === 1024", "the 1024 px viewport");
  await evaluate("document.querySelector('#backups').scrollIntoView({block: 'start'})");
  await shot("35f-laptops-backups-1024-vi");
  await click("#backups-table tbody tr:nth-child(2) .backup-restore");
  await until("!!document.querySelector('#restore-dialog[open]')", "the confirmation at 1024 px");
  await shot("35g-laptops-restore-confirm-1024-vi");
  await click("#restore-cancel");
  await until("!document.querySelector('#restore-dialog')", "the confirmation closed at 1024 px");
  await send("Emulation.setDeviceMetricsOverride", { width: 1366, height: 768, deviceScaleFactor: 1, mobile: false });
  await until("window.innerWidth === 1366", "the 1366 px viewport again");

  // 25d. first run: the laptop is named before anything else
  await open("?unnamed=1&first=1");
  await until("location.hash === '#/laptops' && !!document.querySelector('.laptops-screen.first-run')", "the first-run naming");
  check("first run asks for the laptop's name and people first", (await text(".page-title")) === "Đặt tên cho máy này" && (await value("#lp-name")) === "" && (await count("#laptops-table")) === 0);
  await shot("36-first-run-name-vi");
  await typeInto("#lp-name", "Máy Đoàn kiểm tra số 1");
  await typeInto("#lp-person-0", "Phạm Thị Lan Anh");
  await click("#lp-save");
  await until("location.hash === '#/welcome' && !!document.querySelector('#btn-demo')", "the welcome screen after naming");
  check("after naming, the welcome screen follows", (await text("#device-name .device-value")) === "Máy Đoàn kiểm tra số 1");

  // 26. English: sync before and after an import, conflicts
  await open("#/sync");
  await click("#lang-en");
  await until(`document.documentElement.lang === 'en' && ${settled("set_language", "c.args.lang === 'en'")}`, "English");
  check("sync screen in English", (await text("#sync .page-title")) === "Data sync" && (await text("#nav-sync .nav-sync-label")) === "Sync" && /^2 records are in conflict/.test(await text("#conflict-banner strong")) && (await text("#btn-pick")) === "Choose bundles…");
  await shot("23-sync-en");
  await click("#btn-pick");
  await until("!!document.querySelector('#import-preview')", "the English preview");
  check("English preview: numbers and labels", (await text("#btn-import")) === "Import 2 bundles" && /5,987/.test(await text(`.preview-row[data-file="${UNKNOWN_FILE}"]`)) && /First bundle/.test(await text(".badge-unknown")));
  await shot("24-sync-preview-en");
  await click("#btn-import");
  await until(`!!document.querySelector('#import-summary') && ${settled("sync_overview", "c.at > 0")} && window.__mockPending === 0 && ${nCalls("sync_overview")} >= 2`, "the English import summary", 8000);
  check("English summary", /Import finished/.test(await text("#import-summary")) && (await text("#btn-summary-conflicts")) === "Resolve 1 new conflict→");
  await evaluate("window.scrollTo(0, 0)");
  await shot("25-sync-imported-en");
  await click("#btn-summary-conflicts");
  await until("location.hash === '#/conflicts' && document.querySelectorAll('.conflict').length === 3", "the English conflicts");
  const enLabels = await evaluate(`({note: document.querySelector('${card(FINDING_CONFLICT)} tr[data-field="note"] th').textContent, keep: document.querySelector('.keep-version').textContent, shown: document.querySelector('.winner-tag').textContent, merge: document.querySelector('.merge-selected').textContent, rating: [...document.querySelectorAll('${card(NEW_CONFLICT)} tr[data-field="rating"] .cf-value')].map(v => v.textContent).join('|'), count: document.querySelector('#conflicts-count').textContent})`);
  check("conflicts in English", enLabels.note === "Inspection result / findings" && enLabels.keep === "Keep this version" && enLabels.shown === "shown now" && enLabels.merge === "Merge selected values" && enLabels.rating === "Not met|Met" && enLabels.count === "3 conflicts", enLabels);
  await shot("26-conflicts-en");
  await click("#lang-vi");
  await until(`document.documentElement.lang === 'vi' && ${settled("set_language", "c.args.lang === 'vi'")}`, "the switch back to Vietnamese");
  check("language switch on the conflicts screen re-renders in place", (await count(".conflict")) === 3 && (await text(".keep-version")) === "Giữ phiên bản này");

  // ---------- every export of api.js ----------

  // 27. The loaded modules: the same exports, each with the same parameters.
  await open("?latency=40#/campaigns");
  const sigs = await evaluate(`(async () => {
    const sig = (m) => Object.keys(m).sort().map((k) => typeof m[k] === "function" ? k + "(" + (/^[^(]*\\(([^)]*)\\)/.exec(m[k].toString()) || [])[1].replace(/\\s+/g, "") + ")" : k + ": " + typeof m[k]);
    return { real: sig(await import("/__real/api.js")), mock: sig(await import("/api.js")) };
  })()`);
  const onlyReal = sigs.real.filter((s) => !sigs.mock.includes(s));
  const onlyMock = sigs.mock.filter((s) => !sigs.real.includes(s));
  check(`mock-api.js exports what api.js exports (${sigs.real.length} functions), with the same parameters`, sigs.real.length > 50 && onlyReal.length === 0 && onlyMock.length === 0, { onlyReal, onlyMock });

  const optionValue = (sel, label) => evaluate(`(() => { const o = [...document.querySelectorAll(${JSON.stringify(sel + " option")})].find(o => o.textContent.trim() === ${JSON.stringify(label)}); return o ? o.value : null; })()`);
  const lastCall = async (name) => (await calls(name)).pop();
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const noMarkup = (sel) => evaluate(`document.querySelectorAll(${JSON.stringify(sel)} + ' img, ' + ${JSON.stringify(sel)} + ' b').length === 0 && window.__xss === undefined`);
  const dialogOpen = (id) => `!!document.querySelector('dialog#${id}[open]')`;
  const toastsText = () => evaluate("document.querySelector('#toasts').textContent");

  // ---------- minutes ----------

  // 28. who attended, the unit's report, questions, conclusion (visit 17, in progress)
  await open("?latency=40#/visit/17");
  check(
    "minutes: the team line names every member with their role",
    (await text(".team-line")) === "Đoàn kiểm tra: Hoàng Minh Đức (Trưởng đoàn); Ngô Thị Hồng Nhung (Thành viên); Đặng Văn Khải (Thư ký)",
    await text(".team-line"),
  );
  const attendees0 = await evaluate("[...document.querySelectorAll('#attendees .attendee')].map(r => [r.querySelector('.att-name').value, r.querySelector('.att-position').value, r.querySelector('.att-side').value])");
  check("minutes: the attendees recorded so far", same(attendees0, [["Nguyễn Văn Tùng", "Bí thư Đoàn", "unit"], ["Lê Thị Mai", "Phó Bí thư Đoàn", "unit"], ["Trần Quốc Bảo", "Phó Bí thư Đảng ủy", "guest"]]), attendees0);
  await evaluate("window.__mockCalls.length = 0");
  await click("#att-add");
  await until("document.querySelectorAll('#attendees .attendee').length === 4 && document.activeElement === document.querySelectorAll('#attendees .att-name')[3]", "a fourth attendee row, its name focused");
  await send("Input.insertText", { text: `Phạm Đức ${MARKUP}` });
  await typeInto("#attendees .attendee:nth-child(4) .att-position", "Ủy viên Ban Chấp hành Đoàn xã");
  await choose("#attendees .attendee:nth-child(4) .att-side", "guest");
  await until(`${settled("visit_update", "c.args.patch.attendees.length === 4 && c.args.patch.attendees[3].side === 'guest' && c.args.patch.attendees[3].position === 'Ủy viên Ban Chấp hành Đoàn xã'")} && ${saveStateIs("saved")}`, "the new attendee to be saved");
  let vu = await lastCall("visit_update");
  check(
    "a new attendee is saved with the visit's other minutes fields",
    vu.args.id === "17" && same(vu.args.patch.attendees[3], { name: `Phạm Đức ${MARKUP}`, position: "Ủy viên Ban Chấp hành Đoàn xã", side: "guest" }) && same(vu.args.patch.attendees.slice(0, 3).map((a) => a.name), ["Nguyễn Văn Tùng", "Lê Thị Mai", "Trần Quốc Bảo"]) && same(Object.keys(vu.args.patch).sort(), ["assessment", "attendees", "difficulties", "overall_result", "place", "questions", "report_summary", "shortcomings", "start_time", "strengths"]),
    vu.args,
  );
  check("the typed name stays text (no element made of it)", (await value("#attendees .attendee:nth-child(4) .att-name")) === `Phạm Đức ${MARKUP}` && (await noMarkup("#visit-opening")));
  await evaluate("window.__mockCalls.length = 0; window.__inputLog.length = 0");
  await click("#attendees .attendee:nth-child(2) .row-remove");
  await until(`document.querySelectorAll('#attendees .attendee').length === 3 && ${settled("visit_update")} && ${saveStateIs("saved")}`, "the removed attendee to be saved");
  vu = await lastCall("visit_update");
  check("removing an attendee saves the list without them", same(vu.args.patch.attendees.map((a) => a.name), ["Nguyễn Văn Tùng", "Trần Quốc Bảo", `Phạm Đức ${MARKUP}`]), vu.args.patch.attendees);

  await evaluate("window.__mockCalls.length = 0; window.__inputLog.length = 0");
  const SUMMARY = "Đơn vị báo cáo: kết nạp 38 đoàn viên mới, vượt 26,7% chỉ tiêu; tổ chức 4 lớp cảm tình Đoàn.";
  await typeInto("#minutes-report_summary", SUMMARY);
  await typeInto("#minutes-place", "Hội trường Đoàn Khối");
  await evaluate("(() => { const el = document.querySelector('#minutes-start_time'); el.value = '08:30'; el.dispatchEvent(new Event('input', {bubbles: true})); return true; })()");
  await evaluate("document.querySelector('#visit-opening').scrollIntoView({block: 'start'})");
  check(
    "a section scrolled to shows its heading below the fixed header",
    await evaluate("document.querySelector('#visit-opening .section-title').getBoundingClientRect().top >= document.querySelector('.app-header').getBoundingClientRect().bottom"),
  );
  await shot("27a-minutes-opening-vi");
  await click("#qa-add");
  await until("document.querySelectorAll('#questions .qa').length === 2 && document.activeElement === document.querySelectorAll('#questions .qa-question')[1]", "a second question, focused");
  await send("Input.insertText", { text: "Đơn vị có bao nhiêu đoàn viên đi làm ăn xa?" });
  await typeInto("#questions .qa:nth-child(2) .qa-answer", "Khoảng 120 đoàn viên, chủ yếu làm việc tại các khu công nghiệp phía Nam.");
  await typeInto("#minutes-strengths", "Hồ sơ kết nạp đầy đủ, đúng quy trình.");
  await choose("#minutes-overall_result", "tot");
  await until(`${settled("visit_update", "c.args.patch.overall_result === 'tot' && c.args.patch.questions.length === 2 && c.args.patch.strengths === 'Hồ sơ kết nạp đầy đủ, đúng quy trình.'")} && ${saveStateIs("saved")} && window.__mockPending === 0`, "the report, question, conclusion and result to be saved");
  vu = await calls("visit_update");
  const lastVu = vu[vu.length - 1].args.patch;
  check(
    "report summary, question and answer, strengths and the result are saved as typed",
    lastVu.report_summary === SUMMARY && lastVu.place === "Hội trường Đoàn Khối" && lastVu.start_time === "08:30" && same(lastVu.questions[1], { question: "Đơn vị có bao nhiêu đoàn viên đi làm ăn xa?", answer: "Khoảng 120 đoàn viên, chủ yếu làm việc tại các khu công nghiệp phía Nam." }) && lastVu.questions.length === 2,
    lastVu,
  );
  const visitSaveProblems = saveTimingProblems(vu, await inputs());
  check("minutes saves wait for the debounce and never overlap", visitSaveProblems.length === 0 && (await evaluate("window.__mockViolations.length")) === 0, { visitSaveProblems, violations: await evaluate("window.__mockViolations") });
  // Leave and come back in the same page: what the screen shows now comes from visit_get.
  await evaluate("location.hash = '#/campaign/c1'");
  await until("location.hash === '#/campaign/c1' && document.querySelectorAll('.visit-row').length === 24", "the campaign after leaving the minutes");
  await evaluate("location.hash = '#/visit/17'");
  await until("location.hash === '#/visit/17' && !!document.querySelector('#minutes-overall_result') && window.__mockPending === 0", "visit 17 again");
  const back = await evaluate("({names: [...document.querySelectorAll('#attendees .att-name')].map(i => i.value), sides: [...document.querySelectorAll('#attendees .att-side')].map(s => s.value), summary: document.querySelector('#minutes-report_summary').value, questions: document.querySelectorAll('#questions .qa').length, result: document.querySelector('#minutes-overall_result').value, place: document.querySelector('#minutes-place').value, start: document.querySelector('#minutes-start_time').value})");
  check("the minutes read back as saved", same(back.names, ["Nguyễn Văn Tùng", "Trần Quốc Bảo", `Phạm Đức ${MARKUP}`]) && same(back.sides, ["unit", "guest", "guest"]) && back.summary === SUMMARY && back.questions === 2 && back.result === "tot" && back.place === "Hội trường Đoàn Khối" && back.start === "08:30", back);

  // recommendations: refused empty, added, edited, follow-up, deleted (after a cancelled confirm)
  const rec171 = await evaluate(`(() => { const r = document.querySelector('.rec[data-id="r171"]'); return r && {text: r.querySelector('.rec-text-input').value, status: r.querySelector('.rec-status-select').value, due: r.querySelector('.rec-due').value, authority: r.querySelector('.rec-authority').value}; })()`);
  check("recommendation shown with its status, authority and due date (dd/mm/yyyy)", !!rec171 && rec171.status === "forwarded" && rec171.authority === "union" && rec171.due === "31/03/2024" && /^Đề nghị Tỉnh đoàn mở lớp/.test(rec171.text), rec171);
  await evaluate("window.__mockCalls.length = 0");
  await click("#rec-add");
  await until("!document.querySelector('.rec-new .form-error').hidden", "the empty recommendation to be refused");
  check("an empty recommendation is refused in the form, without a call", (await text(".rec-new .form-error")) === "Hãy nhập nội dung kiến nghị." && (await calls("recommendation_add")).length === 0);
  const REC = `Đề nghị Huyện đoàn hỗ trợ ${MARKUP} tài liệu sinh hoạt chi đoàn.`;
  await typeInto("#rec-new-text", REC);
  await choose("#rec-new-raised", "team");
  await choose("#rec-new-authority", "party");
  await fillIn("#rec-new-due", "31/02/2024");
  check("an impossible due date is marked and named under the field, not taken", (await attr("#rec-new-due", "aria-invalid")) === "true" && (await text(".rec-new .field-error")) === '"31/02/2024" không phải là một ngày có thật; nhập dạng dd/mm/yyyy, ví dụ 20/10/2026.', await text(".rec-new .field-error"));
  await fillIn("#rec-new-due", "15/1/2024");
  check("a due date typed d/m/yyyy is written back as dd/mm/yyyy", (await value("#rec-new-due")) === "15/01/2024" && (await attr("#rec-new-due", "aria-invalid")) === null && (await count(".rec-new .field-error")) === 0);
  await click("#rec-add");
  await until(`${settled("recommendation_add")} && document.querySelectorAll('#recs .rec').length === 2`, "the new recommendation");
  const added = await lastCall("recommendation_add");
  check("recommendation_add gets the text, who raised it, who must act and the due date", same(added.args, { input: { visit_id: "17", text: REC, raised_by: "team", authority: "party", due_date: "2024-01-15" } }), added.args);
  const newRecId = await evaluate("document.querySelectorAll('#recs .rec')[1].dataset.id");
  check(
    "the new recommendation is listed as typed and the form is emptied",
    (await value(`.rec[data-id="${newRecId}"] .rec-text-input`)) === REC && (await value(`.rec[data-id="${newRecId}"] .rec-authority`)) === "party" && (await value("#rec-new-text")) === "" && (await value("#rec-new-due")) === "" && (await noMarkup("#visit-recommendations")),
  );
  await evaluate("window.__mockCalls.length = 0");
  await typeInto(`.rec[data-id="${newRecId}"] .rec-text-input`, "Đề nghị Huyện đoàn cấp 50 bộ tài liệu sinh hoạt chi đoàn.");
  await choose('.rec[data-id="r171"] .rec-status-select', "answered");
  await until(`${settled("recommendation_update", `c.args.id === ${JSON.stringify(newRecId)}`)} && ${settled("recommendation_update", "c.args.id === 'r171'")} && ${saveStateIs("saved")}`, "both recommendation edits to be saved");
  const ru = await calls("recommendation_update");
  const ruNew = ru.filter((c) => c.args.id === newRecId).pop();
  const ru171 = ru.filter((c) => c.args.id === "r171").pop();
  check(
    "editing a recommendation sends its whole state (one saver per recommendation)",
    same(ruNew.args.patch, { text: "Đề nghị Huyện đoàn cấp 50 bộ tài liệu sinh hoạt chi đoàn.", raised_by: "team", authority: "party", status: "received", due_date: "2024-01-15" }) && ru171.args.patch.status === "answered" && ru171.args.patch.due_date === "2024-03-31" && (await attr('.rec[data-id="r171"]', "data-status")) === "answered",
    ru.map((c) => c.args),
  );
  // its history: created on another laptop, edited here twice
  await click('.rec[data-id="r171"] .history-btn');
  await until(`${dialogOpen("history-dialog")} && document.querySelectorAll('#history-dialog .hist-entry').length > 0`, "the recommendation's history");
  const hist = await evaluate(`[...document.querySelectorAll('#history-dialog .hist-entry')].map(e => ({time: e.querySelector('.hist-time').textContent, device: e.querySelector('.hist-device').textContent, badges: [...e.querySelectorAll('.badge')].map(b => b.textContent), diff: [...e.querySelectorAll('.hist-diff dt')].map(dt => [dt.textContent, (dt.nextElementSibling.querySelector('.hist-from') || {}).textContent || null, dt.nextElementSibling.querySelector('.hist-to').textContent])}))`);
  check(
    "history: newest first, who changed what (person — laptop; labels, not codes), the creation on the team's laptop",
    hist.length === 3 &&
      same(hist[0].badges, ["Hiện tại"]) && hist[0].device === "Trần Thị Lan — Laptop Ban XDĐ 03" && same(hist[0].diff, [["Trạng thái", "Đã chuyển cấp có thẩm quyền", "Đã trả lời"]]) &&
      hist[1].diff.some((d) => d[0] === "Hạn giải quyết" && d[1] === "—" && d[2] === "31/03/2024") && hist[1].time === "09/11/2023 15:31" &&
      same(hist[2].badges, ["Tạo mới"]) && hist[2].device === "Laptop Đoàn kiểm tra số 3" && hist[2].time === "09/11/2023 09:10",
    hist,
  );
  check("history was asked for that record", same((await lastCall("record_history")).args, { id: "r171" }));
  await click("#history-close");
  await until("!document.querySelector('#history-dialog')", "the history dialog to close");
  await evaluate("window.__mockCalls.length = 0");
  dialogAnswer = false;
  await click(`.rec[data-id="${newRecId}"] .rec-delete`);
  check("deleting asks first; dismissed, nothing is deleted", dialogs.length > 0 && dialogs[dialogs.length - 1].message === "Xóa kiến nghị này? Lịch sử vẫn được lưu." && (await calls("recommendation_delete")).length === 0, dialogs.slice(-1));
  await click(`.rec[data-id="${newRecId}"] .rec-delete`);
  await until(`${settled("recommendation_delete")} && !document.querySelector('.rec[data-id="${newRecId}"]')`, "the recommendation to be deleted");
  check("confirmed, recommendation_delete gets its id", same((await lastCall("recommendation_delete")).args, { id: newRecId }));

  // signing an incomplete visit is refused with Rust's reason
  await evaluate("window.__mockCalls.length = 0");
  await click("#btn-sign");
  await until(`${settled("visit_sign")} && !document.querySelector('#sign-message').hidden`, "the refused signature");
  check(
    "signing with required items missing: refused, the reason shown, still editable",
    same((await lastCall("visit_sign")).args, { id: "17" }) && /^Chưa thể ký biên bản: còn thiếu \d+ tiêu chí bắt buộc chưa đánh giá \(\d/.test(await text("#sign-message")) && (await text("#sign-message")).match(/tiêu chí bắt buộc/g).length === 1 && !/xếp loại chung/.test(await text("#sign-message")) && (await count("#locked-notice")) === 0,
    await text("#sign-message"),
  );
  await shot("27-minutes-vi");
  const firstMissing = await evaluate("document.querySelector('#sign-message .sign-missing-item').dataset.code");
  await click("#sign-message .sign-missing-item");
  await until(`document.activeElement && document.activeElement.closest('.item') && document.activeElement.closest('.item').dataset.code === ${JSON.stringify(firstMissing)}`, "the missing item, focused");
  check(
    "each missing item is a link that brings it into view",
    (await count("#sign-message .sign-missing-item")) > 1 && (await evaluate(`(() => { const r = document.querySelector('.item[data-code="${firstMissing}"]').getBoundingClientRect(); return r.top >= 56 && r.top < innerHeight; })()`)),
    firstMissing,
  );

  // 28b. sign a complete visit: locked, with the time it was signed
  await open("?latency=40#/visit/7");
  await click("#btn-sign");
  await until("!!document.querySelector('#locked-notice') && window.__mockPending === 0", "the signed minutes");
  check(
    "signing a complete visit locks it and says when",
    same((await lastCall("visit_sign")).args, { id: "7" }) && (await text("#visit-sign .section-title")) === "Biên bản đã ký lúc 10/11/2023 16:46" && (await attr("#visit-status .badge", "data-status")) === "signed" && (await count("#btn-sign")) === 0 && /Đã ký biên bản\./.test(await toastsText()),
    await text("#visit-sign .section-title"),
  );

  // 28b2. signed minutes whose finding changed on another laptop sealNotice signing: shown, as text,
  // and kept as signed on request
  await open("?latency=40#/visit/4");
  await until("!!document.querySelector('#after-signing') && window.__mockPending === 0", "the changed-after-signing notice");
  await shot("28b2-after-signing-vi");
  const sealNotice = await evaluate(`({title: document.querySelector('.after-signing-title').textContent,
    items: document.querySelectorAll('.after-signing-item').length,
    who: document.querySelector('.after-signing-item .muted').textContent,
    now: [...document.querySelectorAll('.seal-now')].map((e) => e.textContent),
    bold: document.querySelectorAll('#after-signing b').length})`);
  check(
    "signed minutes show the record changed after signing, who changed it and how, as text",
    sealNotice.title === "Sửa sau khi ký 1 nội dung của biên bản đã ký bị sửa sau khi ký" && sealNotice.items === 1 && sealNotice.who === "Trần Thị Bình — Laptop Đoàn kiểm tra số 2" && sealNotice.now.includes("Sổ sách chưa cập nhật <b>đủ</b> tháng 10.") && sealNotice.bold === 0,
    sealNotice,
  );
  await click("#keep-signed");
  await until("!document.querySelector('#after-signing') && window.__mockPending === 0", "the notice gone after keeping the signed text");
  check("keeping the signed text asks Rust once and the notice goes", same((await lastCall("visit_keep_signed")).args, { id: "4" }) && (await count("#locked-notice")) === 1);

  // 28b3. minutes edited on a laptop that had not seen the signing: the conflict says so,
  // with who wrote each side
  await open("?signing=1#/conflicts");
  await until("!!document.querySelector('.conflict-signing') && window.__mockPending === 0", "the changed-while-signing conflict");
  await shot("28b3-while-signing-vi");
  const signingNote = await evaluate(`({note: document.querySelector('.conflict-signing').textContent,
    card: document.querySelector('.conflict-signing').closest('section, article, .card, .conflict').textContent})`);
  check(
    "a conflict with the signing is marked as such, the signed text standing",
    /^Sửa trong lúc đang ký Một máy đã ký biên bản trong khi máy khác sửa/.test(signingNote.note) && /Biên bản đã ký vẫn giữ nguyên/.test(signingNote.note) && /Bùi Quang Huy/.test(signingNote.card) && /Trần Thị Lan/.test(signingNote.card),
    signingNote,
  );

  // 28c. a signed visit: follow-up stays editable, attachments are read-only, unlock needs a reason
  await open("?latency=40#/visit/1");
  check(
    "signed visit: the unlock log and the attachments without add or remove",
    same(await texts(".unlock-log li"), ["08/11/2023 08:15 · Laptop Đoàn kiểm tra số 1: Bổ sung giải trình của đơn vị về mục 5.3"]) &&
      (await count("#att-pick")) === 0 && (await text("#visit-attachments .att-drop")) === "Biên bản đã ký: không thêm hay xóa tệp đính kèm." && (await evaluate("document.querySelector('#attachments .att-caption').disabled")) === true && (await evaluate("window.__mockListeners('app://files-dropped')")) === 0,
  );
  await evaluate("window.__mockCalls.length = 0");
  await choose('.rec[data-id="r13"] .rec-status-select', "answered");
  await fillIn('.rec[data-id="r11"] .rec-due', "30/06/2024");
  await until(`${settled("recommendation_update", "c.args.id === 'r13'")} && ${settled("recommendation_update", "c.args.id === 'r11'")} && ${saveStateIs("saved")}`, "the follow-up of signed minutes to be saved");
  const fu = await calls("recommendation_update");
  check(
    "after signing, a recommendation's status and due date are still saved (its text is not editable)",
    fu.every((c) => c.ok) && fu.find((c) => c.args.id === "r13").args.patch.status === "answered" && fu.find((c) => c.args.id === "r11").args.patch.due_date === "2024-06-30" && (await evaluate(`document.querySelector('.rec[data-id="r13"] .rec-text-input').disabled`)) === true,
    fu.map((c) => [c.args, c.ok]),
  );
  await click("#btn-unlock");
  await until("!document.querySelector('.unlock-form').hidden && document.activeElement && document.activeElement.id === 'unlock-reason'", "the unlock form");
  await click("#btn-unlock-confirm");
  await until(`${settled("visit_unlock")} && !document.querySelector('#sign-message').hidden`, "the refused unlock");
  check("unlocking without a reason is refused with Rust's message", (await text("#sign-message")) === 'Nội dung "lý do" không được để trống.' && (await count("#locked-notice")) === 1);
  const REASON = `Sửa điểm mục 1.3 theo ${MARKUP} minh chứng bổ sung`;
  await typeInto("#unlock-reason", REASON);
  await click("#btn-unlock-confirm");
  await until("!document.querySelector('#locked-notice') && !!document.querySelector('#btn-sign') && window.__mockPending === 0", "the unlocked minutes");
  const unlocked = await lastCall("visit_unlock");
  check(
    "unlocked: visit_unlock gets the reason, the log lists it (as text) with this laptop and the time",
    same(unlocked.args, { id: "1", reason: REASON }) && same(await texts(".unlock-log li"), ["08/11/2023 08:15 · Laptop Đoàn kiểm tra số 1: Bổ sung giải trình của đơn vị về mục 5.3", `10/11/2023 16:48 · Laptop Ban XDĐ 03: ${REASON}`]) && (await noMarkup(".unlock-log")) && (await attr("#visit-status .badge", "data-status")) === "completed",
    await texts(".unlock-log li"),
  );
  await evaluate("window.__mockCalls.length = 0");
  await typeInto("#minutes-assessment", "Đơn vị hoàn thành tốt nhiệm vụ; điểm mục 1.3 đã sửa theo minh chứng.");
  await until(`${settled("visit_update")} && ${saveStateIs("saved")}`, "an edit after unlocking to be saved");
  check("after unlocking the minutes take edits again", (await lastCall("visit_update")).ok === true && (await lastCall("visit_update")).args.patch.assessment === "Đơn vị hoàn thành tốt nhiệm vụ; điểm mục 1.3 đã sửa theo minh chứng.");

  // ---------- attachments ----------

  // 29. visit 17: a photo, a PDF and a photo whose file is still on another laptop
  await open("?latency=40#/visit/17");
  await evaluate("document.querySelector('#visit-attachments').scrollIntoView({block: 'start'})");
  await until("document.querySelectorAll('#attachments .att-tile').length === 3 && [...document.querySelectorAll('#attachments img')].every(i => i.complete && i.naturalWidth > 0)", "the attachments and their thumbnails");
  const tiles = await evaluate(`[...document.querySelectorAll('#attachments .att-tile')].map(t => ({id: t.dataset.id, sha: t.dataset.sha, name: t.querySelector('.att-name').textContent, meta: t.querySelector('.att-info .muted').textContent, caption: t.querySelector('.att-caption').value,
    thumb: (t.querySelector('.att-thumb img') || {}).src || null, width: (t.querySelector('.att-thumb img') || {}).naturalWidth || 0, pdf: !!t.querySelector('.att-pdf'), missing: (t.querySelector('.att-missing') || {}).textContent || null, buttons: [...t.querySelectorAll('.att-actions button')].map(b => b.textContent)}))`);
  check(
    "attachments: photo thumbnail from the app's protocol, PDF mark, missing file, sizes and items",
    tiles.length === 3 &&
      tiles[0].name === "IMG_20231109_0912.jpg" && tiles[0].meta === "Mục 5.2 · 2,3 MB" && tiles[0].caption === "Sổ Chi đoàn Văn phòng năm 2023" && tiles[0].thumb === `${BASE}__mock/blob/thumb/${tiles[0].sha}` && tiles[0].width === 240 && same(tiles[0].buttons, ["Lưu bản sao…", "Xóa"]) &&
      tiles[1].pdf && tiles[1].meta === "825 KB" &&
      tiles[2].missing === "Tệp chưa có trên máy này" && tiles[2].meta === "Mục 2.3 · 1,9 MB" && same(tiles[2].buttons, ["Xóa"]),
    tiles,
  );
  check("attachments_list was asked for this visit", same((await lastCall("attachments_list")).args, { visit: "17" }));
  await evaluate("window.__mockCalls.length = 0");
  const CAPTION = `Sổ Chi đoàn ${MARKUP} năm 2023`;
  await typeInto('.att-tile[data-id="att-171"] .att-caption', CAPTION);
  await until(`${settled("attachment_caption")} && ${saveStateIs("saved")}`, "the caption to be saved");
  check("a caption is saved after the debounce, as typed", same((await lastCall("attachment_caption")).args, { id: "att-171", caption: CAPTION }) && (await calls("attachment_caption")).length === 1);
  await click('.att-tile[data-id="att-171"] .att-thumb');
  await until(`${dialogOpen("attachment-viewer")} && document.querySelector('#attachment-viewer .att-full').complete && document.querySelector('#attachment-viewer .att-full').naturalWidth > 0`, "the photo viewer");
  const viewer = await evaluate("({title: document.querySelector('#attachment-viewer .dialog-title').textContent, src: document.querySelector('#attachment-viewer .att-full').src, width: document.querySelector('#attachment-viewer .att-full').naturalWidth, elements: document.querySelectorAll('#attachment-viewer .dialog-head img, #attachment-viewer b').length})");
  check("the viewer shows the full file under its caption (as text)", viewer.title === CAPTION && viewer.src === `${BASE}__mock/blob/file/${tiles[0].sha}` && viewer.width === 1200 && viewer.elements === 0, viewer);
  await click("#attachment-viewer .dialog-head button");
  await until("!document.querySelector('#attachment-viewer')", "the viewer to close");
  await evaluate("window.__mockCalls.length = 0");
  await click("#att-pick");
  await until(`${settled("attachment_pick")} && window.__mockPending === 0 && document.querySelectorAll('#attachments .att-tile').length === 4`, "the picked file");
  const pickCalls = await evaluate("window.__mockCalls.map(c => [c.name, c.args])");
  check(
    "adding through the dialog: one file attached, the other refused with Rust's reason, the list refreshed",
    same(pickCalls, [["attachment_pick", { visit: "17", item: null }], ["attachments_list", { visit: "17" }]]) &&
      (await text(".att-message .att-ok")) === "Đã đính kèm 1 tệp." &&
      (await text(".att-message .att-bad")) === 'bien-ban-ky-ngay-10-11.docx: Không đính kèm được "bien-ban-ky-ngay-10-11.docx": chỉ nhận ảnh JPG, PNG, WEBP hoặc PDF.',
    pickCalls,
  );
  await evaluate("window.__mockCalls.length = 0; window.__mockDialogCancel = true");
  await click("#att-pick");
  await until(`${settled("attachment_pick")} && window.__mockPending === 0`, "the cancelled pick");
  check("a cancelled dialog adds nothing and does not reload the list", (await count("#attachments .att-tile")) === 4 && (await calls("attachments_list")).length === 0);
  check("the visit listens for files dropped on the window", (await evaluate("window.__mockListeners('app://files-dropped')")) === 1);
  await evaluate("window.__mockCalls.length = 0; window.__mockDropFiles(['Ảnh họp đoàn.png', 'ghi-chú.txt']); true");
  await until(`${settled("attachment_add_dropped")} && window.__mockPending === 0 && document.querySelectorAll('#attachments .att-tile').length === 5`, "the dropped file");
  check(
    "files dropped on the window: attached to this visit, the refused one named",
    same((await lastCall("attachment_add_dropped")).args, { visit: "17", item: null }) && (await evaluate("[...document.querySelectorAll('#attachments .att-name')].some(n => n.textContent === 'Ảnh họp đoàn.png')")) && /^ghi-chú\.txt: /.test(await text(".att-message .att-bad")),
  );
  await click('.att-tile[data-id="att-172"] .att-actions button');
  await until(`${settled("attachment_save_copy")} && /Đã lưu bản sao/.test(document.querySelector('#toasts').textContent)`, "the saved copy");
  check("saving a copy: the path written is shown", same((await lastCall("attachment_save_copy")).args, { id: "att-172" }) && (await toastsText()).includes("Đã lưu bản sao: C:\\Users\\canbo\\Documents\\Bao-cao-tong-ket-cong-tac-Doan-2023.pdf"));
  dialogAnswer = false;
  const nDialogs = dialogs.length;
  await click('.att-tile[data-id="att-172"] .att-actions .btn-ghost');
  check("removing asks first; dismissed, the file stays", dialogs.length === nDialogs + 1 && dialogs[nDialogs].message === "Xóa tệp này khỏi buổi làm việc? Lịch sử vẫn được lưu." && (await calls("attachment_remove")).length === 0 && (await count('.att-tile[data-id="att-172"]')) === 1);
  await click('.att-tile[data-id="att-172"] .att-actions .btn-ghost');
  await until(`${settled("attachment_remove")} && window.__mockPending === 0 && !document.querySelector('.att-tile[data-id="att-172"]')`, "the removed attachment");
  check("confirmed, attachment_remove gets its id and the tile goes", same((await lastCall("attachment_remove")).args, { id: "att-172" }) && (await count("#attachments .att-tile")) === 4);
  await shot("28-attachments-vi");
  await click("#nav-back");
  await until("location.hash === '#/campaign/c1' && document.querySelectorAll('.visit-row').length === 24", "the campaign after the visit");
  check("leaving the visit stops listening for dropped files", (await evaluate("window.__mockListeners('app://files-dropped')")) === 0);

  // ---------- reports ----------

  // 30. the campaign's report: preview in a sandboxed frame, what is not final, export, print
  await click("#btn-report");
  await until("decodeURIComponent(location.hash) === '#/reports/campaign:c1' && !!document.querySelector('#report-frame')", "the campaign report");
  const pv = await lastCall("report_preview");
  const frameSrc = await attr("#report-frame", "src");
  check("report_preview is asked for the campaign; the frame is sandboxed", same(pv.args, { target: "campaign", id: "c1" }) && (await attr("#report-frame", "sandbox")) === "" && /^__mock\/preview\/\d+\.html\?target=campaign&id=c1$/.test(frameSrc || ""), { args: pv.args, frameSrc });
  // Loaded = the frame's document is the report (its URL alone is known before it loads).
  const frames = await waitFor(async () => {
    const fs = await childFrames();
    return fs.length === 1 && /id="doc-title">BÁO CÁO KẾT QUẢ KIỂM TRA</.test(await frameHtml(fs[0])) ? fs : null;
  }, "the preview to load in its frame");
  check("the frame loaded the campaign report's preview (allowed by the CSP)", frames[0].url === BASE + frameSrc, frames[0].url);
  const warn = await evaluate("({summary: document.querySelector('#report-warnings summary strong').textContent, codes: [...document.querySelectorAll('#report-warnings li')].map(li => li.dataset.code), texts: [...document.querySelectorAll('#report-warnings li')].map(li => li.textContent)})");
  const byCode = (codes) => codes.reduce((acc, c) => ((acc[c] = (acc[c] || 0) + 1), acc), {});
  check(
    "warnings: every visit not signed or not completed, and the two in conflict",
    warn.summary === "20 điều cần lưu ý trước khi ký:" && same(Object.entries(byCode(warn.codes)).sort(), [["conflict", 2], ["not_completed", 12], ["not_signed", 6]]) && warn.texts.includes("Đoàn Khối các cơ quan tỉnh Ninh Bình: còn xung đột chưa giải quyết; số liệu lấy theo phiên bản đang hiển thị.") && warn.texts.includes("Huyện đoàn Yên Khánh: biên bản chưa ký."),
    warn,
  );
  check("the campaign report exports DOCX, XLSX and HTML and prints", same(await evaluate("[...document.querySelectorAll('.page-tools button')].map(b => b.id)"), ["report-print", "report-docx", "report-xlsx", "report-html"]) && (await count(".report-bar #report-texts-toggle")) === 1);
  await evaluate("window.__mockCalls.length = 0; window.__mockEvents.length = 0; window.__mockHoldExport = true");
  await click("#report-docx");
  await until("(document.querySelector('#report-progress-label') || {}).textContent === 'Đang dựng văn bản…'", "the export's second step");
  const during = await evaluate("({disabled: ['#report-docx', '#report-xlsx', '#report-html'].map(s => document.querySelector(s).disabled), label: document.querySelector('#report-docx').textContent, bar: [document.querySelector('#report-progress-bar').value, document.querySelector('#report-progress-bar').max], listeners: window.__mockListeners('report://progress')})");
  check("while exporting: the step, the bar, the buttons disabled, one progress listener", during.disabled.every(Boolean) && during.label === "Đang xuất…" && same(during.bar, [1, 3]) && during.listeners === 1, during);
  await evaluate("window.__mockReleaseExport(); true");
  await until(`${settled("report_export")} && !!document.querySelector('#report-done')`, "the exported report");
  check(
    "exported: report_export(campaign, c1, docx), the path written, the listener removed",
    same((await lastCall("report_export")).args, { target: "campaign", id: "c1", format: "docx" }) && (await text("#report-done")) === "Đã lưu: C:\\Users\\canbo\\Documents\\Kiểm tra\\Bao-cao-ket-qua-kiem-tra-2023.docx" && (await count("#report-progress")) === 0 && (await evaluate("window.__mockListeners('report://progress')")) === 0 && same(await evaluate("window.__mockEvents.filter(e => e.name === 'report://progress').map(e => e.payload.done)"), [0, 1, 2, 3]),
  );
  await evaluate("window.__mockDialogCancel = true");
  await click("#report-xlsx");
  await until(`${settled("report_export", "c.args.format === 'xlsx'")} && !document.querySelector('#report-progress')`, "the cancelled export");
  check("a cancelled save dialog shows neither a path nor an error", (await count("#report-done")) === 0 && (await count(".screen.reports .form-error")) === 0);
  await evaluate("window.__mockFailNext = 'report_export'");
  await click("#report-html");
  await until("!!document.querySelector('.screen.reports .form-error')", "the failed export");
  check("a failed export shows Rust's message", /^Không ghi được/.test(await text(".screen.reports .form-error")) && (await lastCall("report_export")).args.format === "html");
  await click("#report-print");
  await until(settled("report_print"), "the print call");
  check("print asks Rust to print the previewed document", (await lastCall("report_print")).ok === true && same((await lastCall("report_print")).args, undefined));
  await evaluate("window.__mockFailNext = 'report_print'");
  await click("#report-print");
  await until("/Không ghi được/.test(document.querySelector('#toasts').textContent)", "the failed print");
  check("a failed print says why", /Không ghi được/.test(await toastsText()));
  await shot("29-report-campaign-vi");

  // The secretariat's words: blank at first, suggested from the signed minutes into blank boxes only, saved whole.
  await click("#report-texts-toggle");
  await until("!!document.querySelector('#report-texts')", "the report's words");
  check("the words start blank, one box per part of sections III and IV", same(await evaluate("[...document.querySelectorAll('#report-texts textarea')].map(a => [a.id, a.value])"), [["rt-assessment", ""], ["rt-strengths", ""], ["rt-shortcomings", ""], ["rt-causes_objective", ""], ["rt-causes_subjective", ""], ["rt-proposals", ""]]));
  await typeInto("#rt-causes_subjective", "Một số cán bộ Đoàn cơ sở mới, chưa nắm vững nghiệp vụ.");
  await typeInto("#rt-shortcomings", "Việc kết nạp đoàn viên ở một số cơ sở chưa đạt chỉ tiêu.");
  await click("#rt-suggest");
  await until(`${settled("report_texts_suggest")} && /Đã điền gợi ý/.test(document.querySelector('#rt-note').textContent)`, "the suggestion");
  check(
    "a suggestion fills the blank boxes from the signed minutes and keeps what was typed",
    same((await lastCall("report_texts_suggest")).args, { campaign: "c1" }) && (await text("#rt-note")) === "Đã điền gợi ý vào 2 ô còn trống; hãy đọc lại và sửa trước khi lưu." && (await value("#rt-shortcomings")) === "Việc kết nạp đoàn viên ở một số cơ sở chưa đạt chỉ tiêu." && (await value("#rt-strengths")).startsWith("- ") && (await value("#rt-causes_objective")).includes("Một bộ phận đoàn viên đi làm ăn xa") && (await value("#rt-assessment")) === "",
    await value("#rt-strengths"),
  );
  await shot("29b-report-texts-vi");
  await evaluate("window.__mockCalls.length = 0");
  await click("#rt-save");
  await until(`${settled("campaign_update")} && !document.querySelector('#report-texts') && !!document.querySelector('#report-frame') && window.__mockPending === 0`, "the saved words");
  const savedTexts = (await lastCall("campaign_update")).args;
  check(
    "saving sends the six words in campaign_update, closes the panel and reloads the preview",
    savedTexts.id === "c1" && same(Object.keys(savedTexts.patch), ["texts"]) && savedTexts.patch.texts.causes_subjective === "Một số cán bộ Đoàn cơ sở mới, chưa nắm vững nghiệp vụ." && (await calls("report_preview")).length === 1 && /Đã lưu nhận định/.test(await toastsText()),
    savedTexts,
  );
  await click("#report-texts-toggle");
  await until("!!document.querySelector('#report-texts')", "the words again");
  check("the words reopen as saved", (await value("#rt-causes_subjective")) === "Một số cán bộ Đoàn cơ sở mới, chưa nắm vững nghiệp vụ.");
  await click("#report-texts-toggle");
  check("the minutes picker lists every visit of the campaign", (await count("#report-visit option")) === 25 && (await evaluate("[...document.querySelectorAll('#report-visit option')].some(o => o.value === '17' && o.textContent === 'Đoàn Khối các cơ quan tỉnh Ninh Bình — Đang kiểm tra')")));
  await choose("#report-visit", "17");
  await until("decodeURIComponent(location.hash) === '#/reports/visit:17' && document.querySelector('.page-title').textContent === 'Biên bản kiểm tra' && window.__mockPending === 0", "the minutes of visit 17");
  check(
    "a visit's minutes: previewed for that visit, DOCX and HTML only, its own warnings",
    same((await lastCall("report_preview")).args, { target: "visit", id: "17" }) && (await count("#report-xlsx")) === 0 && (await count("#report-docx")) === 1 && (await text("#report-warnings summary strong")) === "2 điều cần lưu ý trước khi ký:",
  );
  await click("#lang-en");
  await until(`document.documentElement.lang === 'en' && ${settled("set_language", "c.args.lang === 'en'")}`, "English on the report screen");
  check(
    "report warnings in English after the switch",
    same(await texts("#report-warnings li"), ["Đoàn Khối các cơ quan tỉnh Ninh Bình: the visit is not completed (In progress).", "Đoàn Khối các cơ quan tỉnh Ninh Bình: unresolved conflict; figures use the version currently shown."]) && (await text("#report-warnings summary strong")) === "2 things to check before signing:",
    await texts("#report-warnings li"),
  );
  await click("#lang-vi");
  await until(`document.documentElement.lang === 'vi' && ${settled("set_language", "c.args.lang === 'vi'")}`, "Vietnamese again");
  await open("?latency=40#/visit/17");
  await click("#btn-minutes");
  await until("decodeURIComponent(location.hash) === '#/reports/visit:17' && !!document.querySelector('#report-frame') && window.__mockPending === 0", "the minutes from the visit screen");
  check("the visit screen's “Biên bản” opens its minutes", same((await lastCall("report_preview")).args, { target: "visit", id: "17" }));

  // ---------- units ----------

  // 31. the directory: tree, spreadsheet import with a preview, add, edit, move, merge, dissolve
  await open("?latency=40#/campaigns");
  await click("#nav-units");
  await until("location.hash === '#/units' && document.querySelectorAll('#unit-tree .unit-row').length > 0 && window.__mockPending === 0", "the unit directory from the header");
  const tree = await evaluate("[...document.querySelectorAll('#unit-tree .unit-row')].map(r => ({id: r.dataset.id, depth: Number(r.dataset.depth), name: r.querySelector('.unit-name').textContent, past: r.classList.contains('is-past'), actions: !!r.querySelector('.unit-actions')}))");
  const rowOf = (rows, name) => rows.findIndex((r) => r.name === name);
  const ks = rowOf(tree, "Huyện đoàn Kim Sơn");
  const yl = tree[rowOf(tree, "Đoàn xã Yên Lâm")];
  check(
    "tree: every unit once, the province first, each district followed by its grassroots unit",
    tree.length === 32 && (await text(".unit-tree-card .section-title")) === "Các đơn vị (32)" && tree[0].name === "Tỉnh đoàn Ninh Bình" && tree[0].depth === 0 && ks > 0 && tree[ks].depth === 1 && tree[ks + 1].name === "Đoàn xã Kim Đông" && tree[ks + 1].depth === 2 && new Set(tree.map((r) => r.id)).size === 32,
    tree.slice(0, 4),
  );
  check("a unit merged away before today is not listed by default", !yl && same((await lastCall("units_tree")).args, { all: false }) && (await evaluate("document.querySelector('#unit-show-ended').checked")) === false);
  await click("#unit-show-ended");
  await until(`${settled("units_tree", "c.args.all === true")} && !!document.querySelector('.unit-row[data-id="u308"]')`, "the ended units shown");
  const ylShown = await evaluate(`(() => { const r = document.querySelector('.unit-row[data-id="u308"]'); return {past: r.classList.contains('is-past'), actions: !!r.querySelector('.unit-actions'), until: r.querySelector('.unit-until').textContent, colour: getComputedStyle(r.querySelector('.unit-name')).color}; })()`);
  check(
    "“show ended units”: the merged unit, muted, with the day it ended and where it went, without actions",
    ylShown.past && !ylShown.actions && ylShown.until === "đã kết thúc 30/06/2025 · sáp nhập vào Đoàn xã Kim Sơn" && (await count("#unit-tree .unit-row")) === 33 && (await text(".unit-tree-card .section-title")) === "Các đơn vị (33)",
    ylShown,
  );
  await click("#unit-show-ended");
  await until(`${settled("units_tree", "c.args.all === false")} && !document.querySelector('.unit-row[data-id="u308"]')`, "the ended units hidden again");
  await evaluate("window.__mockDialogCancel = true");
  await click("#btn-unit-import");
  await until(`${settled("unit_import_pick")} && !document.querySelector('#btn-unit-import').disabled`, "the cancelled file dialog");
  check("a cancelled file dialog shows no preview and no error", (await count("#unit-import-preview")) === 0 && (await count("#unit-import-error")) === 0);
  await evaluate("window.__mockFailNext = 'unit_import_pick'");
  await click("#btn-unit-import");
  await until("!!document.querySelector('#unit-import-error')", "the unreadable file");
  check("an unreadable file: Rust's message", (await text("#unit-import-error")) === 'Không đọc được tệp "danh-sach-don-vi.docx": tệp không phải bảng tính Excel (.xlsx) hay CSV.');
  await click("#btn-unit-import");
  await until("!!document.querySelector('#unit-import-preview') && !document.querySelector('#btn-unit-import').disabled", "the import preview");
  const preview2 = await evaluate(`({title: document.querySelector('#unit-import-preview .section-title').textContent, tally: document.querySelector('#unit-import-tally').textContent, warnings: [...document.querySelectorAll('#unit-import-preview .imp-warnings li')].map(li => li.textContent),
    rows: [...document.querySelectorAll('#unit-import-preview .imp-row')].map(r => [r.dataset.line, r.querySelector('.imp-badge').textContent, [...r.querySelectorAll('.imp-errors li')].map(li => li.textContent)]),
    apply: [document.querySelector('#unit-import-apply').disabled, document.querySelector('#unit-import-apply').textContent], skip: (document.querySelector('#unit-import-skip') || {}).parentElement?.textContent})`);
  check(
    "import preview: the file, the tally, what was left out, each row's action",
    preview2.title === "Xem trước: danh-sach-don-vi-sau-sap-xep-2025.xlsx" && preview2.tally === "4 đơn vị mới · 1 cập nhật · 1 không đổi · 1 dòng lỗi · 2 dòng không phải đơn vị (bỏ qua)" && same(preview2.warnings, ["Dòng 1 nằm trên dòng tiêu đề, được bỏ qua.", 'Cột F "Ghi chú" không dùng đến, được bỏ qua.']) && same(preview2.rows.map((r) => r[1]), ["Không đổi", "Cập nhật", "Thêm mới", "Thêm mới", "Thêm mới", "Thêm mới", "Lỗi", "Không phải đơn vị", "Không phải đơn vị"]),
    preview2,
  );
  check(
    "a bad row names its line, column and problem; import is blocked until bad rows are skipped",
    same(preview2.rows[6], ["9", "Lỗi", ["Dòng 9, cột A (Tên đơn vị): chưa có tên đơn vị.", 'Dòng 9, cột D (Trực thuộc): không tìm thấy đơn vị cấp trên "HĐYK-X".']]) && same(preview2.apply, [true, "Nhập 5 đơn vị"]) && preview2.skip === " Bỏ qua 1 dòng lỗi, chỉ nhập các dòng hợp lệ",
    preview2,
  );
  await click("#lang-en");
  await until("document.documentElement.lang === 'en'", "English on the units screen");
  check("the preview's messages follow the language", (await text("#unit-import-tally")) === "4 new · 1 updated · 1 unchanged · 1 bad rows · 2 lines that are not units (left out)" && (await evaluate("document.querySelector('.imp-row[data-line=\"9\"] .imp-errors li').textContent")) === "Line 9, column A (Tên đơn vị): the unit name is missing." && (await count("#unit-import-preview")) === 1);
  await click("#lang-vi");
  await until(`document.documentElement.lang === 'vi' && ${settled("set_language", "c.args.lang === 'vi'")}`, "Vietnamese again");
  const notUnits = await evaluate(`[...document.querySelectorAll('.imp-row.imp-not_unit')].map(r => [r.dataset.line, r.querySelector('.imp-not-unit-why').textContent, r.querySelector('.imp-keep').checked])`);
  check(
    "lines under the table are shown as no unit, saying why, left out unless ticked",
    same(notUnits, [["11", "Không phải đơn vị: dòng tổng cộng", false], ["13", "Không phải đơn vị: dòng ký tên, ngày tháng", false]]),
    notUnits,
  );
  await shot("30-units-import-vi");
  await click('.imp-row[data-line="11"] .imp-keep');
  await until(`${settled("unit_import_keep")} && !!document.querySelector('.imp-row.imp-create[data-line="11"]') && !document.querySelector('#btn-unit-import').disabled`, "the kept totals line");
  check(
    "a ticked line is previewed again as a unit, still marked, and counted",
    same((await lastCall("unit_import_keep")).args, { keep: [11] }) && (await evaluate("document.querySelector('.imp-row[data-line=\"11\"] .imp-keep').checked")) && (await text("#unit-import-tally")) === "5 đơn vị mới · 1 cập nhật · 1 không đổi · 1 dòng lỗi · 1 dòng không phải đơn vị (bỏ qua)",
    await text("#unit-import-tally"),
  );
  await click('.imp-row[data-line="11"] .imp-keep');
  await until(`${settled("unit_import_keep", "c.args.keep.length === 0")} && !!document.querySelector('.imp-row.imp-not_unit[data-line="11"]') && !document.querySelector('#btn-unit-import').disabled`, "the totals line left out again");
  await click("#unit-import-skip");
  await until("!document.querySelector('#unit-import-apply').disabled", "the import to be allowed");
  await evaluate("window.__mockCalls.length = 0");
  await click("#unit-import-apply");
  await until("!!document.querySelector('#unit-import-result') && window.__mockPending === 0", "the import result");
  const afterImport = await evaluate("[...document.querySelectorAll('#unit-tree .unit-row')].map(r => [r.querySelector('.unit-name').textContent, Number(r.dataset.depth)])");
  const gh = afterImport.findIndex((r) => r[0] === "Đoàn xã Gia Hưng");
  check(
    "import applied with the bad row skipped: the result, the tree reloaded with the new units in place",
    same((await calls("unit_import_apply")).map((c) => c.args), [{ skipBad: true, keep: [] }]) && (await text("#unit-import-result")) === "Đã nhập: 4 mới, 1 cập nhật, 1 không đổi, 1 dòng bỏ qua." && (await count("#unit-import-preview")) === 0 && afterImport.length === 36 && !afterImport.some((r) => r[0].startsWith("Tổng cộng")) && gh > 0 && afterImport[gh][1] === 1 && same(afterImport[gh + 1], ["Chi đoàn thôn Đông Thượng", 2]),
    afterImport.slice(gh, gh + 2),
  );

  // add a unit under one just imported
  const ghId = await evaluate("[...document.querySelectorAll('#unit-tree .unit-row')].find(r => r.querySelector('.unit-name').textContent === 'Đoàn xã Gia Hưng').dataset.id");
  await click("#unit-new");
  await until("!!document.querySelector('#unit-form #unit-name')", "the new unit form");
  const UNIT = `Đoàn trường THPT ${MARKUP} Gia Hưng`;
  await typeInto("#unit-name", UNIT);
  await typeInto("#unit-code", "THPT-GH");
  await typeInto("#unit-level", "Cơ sở Đoàn");
  await choose("#unit-parent", ghId);
  await evaluate("window.__mockCalls.length = 0");
  await click("#unit-save");
  await until(`${settled("unit_create")} && !document.querySelector('#unit-form') && window.__mockPending === 0`, "the new unit");
  const newUnit = await evaluate(`(() => { const r = [...document.querySelectorAll('#unit-tree .unit-row')].find(r => r.querySelector('.unit-name').textContent === ${JSON.stringify(UNIT)}); return r && {depth: Number(r.dataset.depth), code: r.querySelector('.unit-code').textContent, prev: r.previousElementSibling.querySelector('.unit-name').textContent}; })()`);
  check("unit_create gets the form's fields", same((await lastCall("unit_create")).args, { input: { name: UNIT, short_name: "", code: "THPT-GH", kind: "", level_label: "Cơ sở Đoàn", parent_id: ghId, valid_from: null, valid_to: null } }), (await lastCall("unit_create")).args);
  check("the new unit is in the tree under its parent, its name as text", !!newUnit && newUnit.depth === 2 && newUnit.code === "THPT-GH" && (await noMarkup("#unit-tree")), newUnit);
  await click("#unit-new");
  await typeInto("#unit-name", "Đoàn xã Gia Hưng mới");
  await typeInto("#unit-code", "XGH");
  await click("#unit-save");
  await until(`${settled("unit_create", "c.ok === false")} && !!document.querySelector('#unit-code-error')`, "the refused code");
  check("a code already in use is refused beside the code, with the other unit's name", (await text("#unit-code-error")) === 'Mã XGH đã dùng cho đơn vị "Đoàn xã Gia Hưng".' && (await evaluate("document.querySelector('#unit-code').closest('.form-field').contains(document.querySelector('#unit-code-error'))")) && (await count("#unit-form > .form-error")) === 0);
  await typeInto("#unit-code", "XGH2");
  check("the code's error goes once the code is changed", (await count("#unit-code-error")) === 0 && (await evaluate("document.querySelector('#unit-code').classList.contains('invalid')")) === false);
  await click("#unit-form .sign-actions button:not(#unit-save)");
  await until("!document.querySelector('#unit-form')", "the form to close");

  // the form's own checks: Enter submits, errors beside the field in words, gone when fixed, a counter near the limit
  await click("#unit-new");
  await until("!!document.querySelector('#unit-form #unit-name')", "the new unit form again");
  await evaluate("window.__mockCalls.length = 0");
  await typeInto("#unit-code", "X1");
  await pressEnter();
  await until("!!document.querySelector('#unit-name-error')", "the empty name refused");
  check(
    "Enter submits the unit form; an empty name is said in words beside the name, before any call",
    (await text("#unit-name-error")) === "Hãy nhập tên đơn vị." && (await evaluate("document.activeElement.id")) === "unit-name" && (await evaluate("document.querySelector('#unit-name').getAttribute('aria-describedby')")) === "unit-name-error" && (await calls("unit_create")).length === 0,
  );
  check("the counter stays hidden far from the limit", (await evaluate("document.querySelector('#unit-name + .field-counter').hidden")) === true);
  await typeInto("#unit-name", "Đ".repeat(170));
  check(
    "the name's error goes as soon as it is typed; past 80 % of the limit a counter shows",
    (await count("#unit-name-error")) === 0 && (await evaluate("document.querySelector('#unit-name + .field-counter').hidden")) === false && (await text("#unit-name + .field-counter")) === "170/200",
  );
  await typeInto("#unit-name", "Đ".repeat(201));
  await pressEnter();
  await until("!!document.querySelector('#unit-name-error')", "the long name refused");
  check(
    "a name over 200 characters: the counter marked, the error in words, no call",
    (await text("#unit-name-error")) === "Dài 201 ký tự, tối đa 200 ký tự." && (await evaluate("document.querySelector('#unit-name + .field-counter').classList.contains('over')")) && (await calls("unit_create")).length === 0,
  );
  await shot("31-units-form-errors-vi");
  await typeInto("#unit-name", "Đoàn trường THCS Gia Hưng");
  check("the error goes once the name fits", (await count("#unit-name-error")) === 0 && (await count("#unit-form .field-error")) === 0);
  await pressEnter();
  await until(`${settled("unit_create")} && !document.querySelector('#unit-form') && window.__mockPending === 0`, "the unit created with Enter");
  check("Enter saved the unit", (await lastCall("unit_create")).args.input.name === "Đoàn trường THCS Gia Hưng" && (await count('.unit-row .unit-code')) > 0);
  await until("!document.querySelector('#unit-form')", "the form to close");

  // edit a name (no move when the parent stays), then move one unit
  await evaluate("window.__mockCalls.length = 0");
  await click('.unit-row[data-id="u306"] .unit-edit-btn');
  await until("!!document.querySelector('#unit-form #unit-name')", "the edit form");
  check("the edit form starts from the unit", (await value("#unit-name")) === "Đoàn phường Tam Điệp" && (await value("#unit-code")) === "PTĐ" && (await value("#unit-parent")) === "u100");
  await typeInto("#unit-name", "Đoàn phường Tam Điệp (sau sắp xếp)");
  await click("#unit-save");
  await until(`${settled("unit_update")} && !document.querySelector('#unit-form') && window.__mockPending === 0`, "the renamed unit");
  check(
    "a rename sends unit_update only (the parent did not change)",
    same(await evaluate("window.__mockCalls.map(c => c.name)"), ["unit_update", "units_tree"]) && same((await lastCall("unit_update")).args, { id: "u306", patch: { name: "Đoàn phường Tam Điệp (sau sắp xếp)", short_name: "Tam Điệp", code: "PTĐ", level_label: "Cơ sở Đoàn (xã, phường)" } }) && (await text('.unit-row[data-id="u306"] .unit-name')) === "Đoàn phường Tam Điệp (sau sắp xếp)",
    await evaluate("window.__mockCalls.map(c => [c.name, c.args])"),
  );
  await evaluate("window.__mockCalls.length = 0");
  await click('.unit-row[data-id="u307"] .unit-edit-btn');
  await until("!!document.querySelector('#unit-form #unit-parent')", "the edit form of Đoàn xã Nho Quan");
  await choose("#unit-parent", "u105");
  await click("#unit-save");
  await until(`${settled("unit_move")} && !document.querySelector('#unit-form') && window.__mockPending === 0`, "the moved unit");
  const moved = await evaluate(`(() => { const r = document.querySelector('.unit-row[data-id="u307"]'); let p = r.previousElementSibling; while (p && Number(p.dataset.depth) >= Number(r.dataset.depth)) p = p.previousElementSibling; return {depth: Number(r.dataset.depth), parent: p && p.dataset.id}; })()`);
  check("a new parent sends unit_move; the unit now sits under it", same((await lastCall("unit_move")).args, { id: "u307", parent: "u105" }) && moved.depth === 2 && moved.parent === "u105", moved);
  await click('.unit-row[data-id="u105"] .unit-edit-btn');
  await until("!!document.querySelector('#unit-form #unit-parent')", "the edit form of Huyện đoàn Nho Quan");
  const parents = await evaluate("[...document.querySelectorAll('#unit-parent option')].map(o => o.value)");
  check("a unit is never offered as its own parent, nor its sub-units (Rust would refuse the loop)", !parents.includes("u105") && !parents.includes("u106") && !parents.includes("u307") && parents.includes("u100"), parents);
  await click("#unit-form .sign-actions button:not(#unit-save)");

  // merge and dissolve, with ended units shown: never offered as a receiving unit
  await click("#unit-show-ended");
  await until(`${settled("units_tree", "c.args.all === true")} && !!document.querySelector('.unit-row[data-id="u308"]')`, "the ended units for the merge");
  await evaluate("window.__mockCalls.length = 0");
  await click('.unit-row[data-id="u303"] .unit-actions button:nth-child(2)');
  await until("!!document.querySelector('#unit-merge-into')", "the merge form");
  const targets = await evaluate("[...document.querySelectorAll('#unit-merge-into option')].map(o => o.value)");
  check("the merge form explains what happens", (await text("#unit-form p.muted")) === "“Đoàn xã Gia Viễn” kết thúc vào ngày đã chọn; các đơn vị trực thuộc chuyển sang đơn vị nhận. Các đợt kiểm tra cũ vẫn giữ tên cũ." && !targets.includes("u303"));
  check("an ended unit is never offered to merge into, nor a unit below the merged one", !targets.includes("u308") && targets.includes("u301") && targets.includes("u100"), targets);
  await click("#unit-save");
  await until("!!document.querySelector('#unit-date-error')", "the incomplete merge");
  check(
    "merging without a receiving unit and a day: each field says what it needs, before any call",
    (await text("#unit-merge-into-error")) === "Hãy chọn đơn vị nhận." && (await text("#unit-date-error")) === "Hãy nhập ngày (dd/mm/yyyy)." && (await calls("unit_merge")).length === 0,
  );
  await choose("#unit-merge-into", "u301");
  check("the receiving unit's error goes once one is chosen", (await count("#unit-merge-into-error")) === 0 && (await count("#unit-date-error")) === 1);
  await fillIn("#unit-date", "31/02/2025");
  await click("#unit-save");
  await until("(document.querySelector('#unit-date-error') || {}).textContent?.includes('31/02/2025')", "the impossible day");
  check(
    "an impossible day is named in words beside the field, the text kept",
    (await text("#unit-date-error")) === "Ngày “31/02/2025” không hợp lệ; nhập dạng dd/mm/yyyy (ví dụ 30/06/2025)." && (await value("#unit-date")) === "31/02/2025" && (await calls("unit_merge")).length === 0,
  );
  await fillIn("#unit-date", "31/12/2024");
  check("the day's error goes once the day is right", (await count("#unit-date-error")) === 0);
  await click("#unit-save");
  await until(`${settled("unit_merge")} && !document.querySelector('#unit-form') && window.__mockPending === 0`, "the merge");
  check(
    "unit_merge([from], into, day); the merged unit is kept, muted, with its last day and where it went",
    same((await lastCall("unit_merge")).args, { from: ["u303"], into: "u301", date: "2024-12-31" }) && (await evaluate(`document.querySelector('.unit-row[data-id="u303"]').classList.contains('is-past')`)) && (await text('.unit-row[data-id="u303"] .unit-until')) === "đã kết thúc 31/12/2024 · sáp nhập vào Đoàn phường Hoa Lư" && (await count('.unit-row[data-id="u303"] .unit-actions')) === 0,
  );
  await click('.unit-row[data-id="u113"] .unit-actions .btn-ghost');
  await until("!!document.querySelector('#unit-form #unit-date')", "the dissolve form");
  await click("#unit-save");
  await until("!!document.querySelector('#unit-date-error')", "the dissolve without a day");
  check("dissolving needs a day, said beside it", (await text("#unit-date-error")) === "Hãy nhập ngày (dd/mm/yyyy)." && (await calls("unit_dissolve")).length === 0);
  await fillIn("#unit-date", "30/11/2024");
  await click("#unit-save");
  await until(`${settled("unit_dissolve")} && !!document.querySelector('#unit-form .form-error')`, "the refused dissolution");
  check("a unit with active sub-units cannot be dissolved (Rust's message names them)", (await text("#unit-form .form-error")) === 'Chưa giải thể được "Huyện đoàn Kim Sơn": còn 1 đơn vị trực thuộc đang hoạt động (Đoàn xã Kim Đông). Hãy chuyển các đơn vị đó sang đơn vị khác hoặc sáp nhập chúng trước.');
  await click("#unit-form .sign-actions button:not(#unit-save)");
  await click('.unit-row[data-id="u114"] .unit-actions .btn-ghost');
  await until("!!document.querySelector('#unit-form #unit-date')", "the dissolve form of Đoàn xã Kim Đông");
  await fillIn("#unit-date", "30/11/2024");
  await click("#unit-save");
  await until(`${settled("unit_dissolve", "c.ok === true")} && !document.querySelector('#unit-form') && window.__mockPending === 0`, "the dissolution");
  check("unit_dissolve(id, day); the unit is kept, ended", same((await lastCall("unit_dissolve")).args, { id: "u114", date: "2024-11-30" }) && (await text('.unit-row[data-id="u114"] .unit-until')) === "đã kết thúc 30/11/2024");
  await click('.unit-row[data-id="u306"] .history-btn');
  await until(`${dialogOpen("history-dialog")} && document.querySelectorAll('#history-dialog .hist-entry').length === 2`, "the unit's history");
  check("a unit's history shows the rename", same(await evaluate("[...document.querySelectorAll('#history-dialog .hist-entry')[0].querySelectorAll('.hist-diff dt')].map(dt => [dt.textContent, dt.nextElementSibling.textContent])"), [["Tên", "Đoàn phường Tam Điệp → Đoàn phường Tam Điệp (sau sắp xếp)"]]));
  await click("#history-close");
  await shot("31-units-vi");

  // ---------- setup ----------

  // 32. a new campaign: the form, a refused date order, then created
  await open("?latency=40#/campaigns");
  await click("#btn-new-campaign");
  await until("location.hash === '#/campaign-new' && !!document.querySelector('#campaign-form') && window.__mockPending === 0", "the new campaign form");
  const sets = await evaluate("[...document.querySelectorAll('#cf-criteria option')].map(o => [o.value, o.textContent])");
  check(
    "the criteria-set choice lists every version, newest first, the newest chosen",
    same(sets, [["crit-2023", "Bộ tiêu chí kiểm tra công tác Đoàn năm 2023 — phiên bản 2 (31 tiêu chí)"], ["crit-2021", "Bộ tiêu chí kiểm tra công tác Đoàn năm 2021 — phiên bản 1 (31 tiêu chí)"], ["crit-2025", "Bộ tiêu chí kiểm tra Đoàn cơ sở sau sắp xếp đơn vị hành chính năm 2025 (dự thảo) — phiên bản 1 (4 tiêu chí)"]]) && (await value("#cf-criteria")) === "crit-2023",
    sets,
  );
  const CNAME = `Kiểm tra công tác Đoàn năm 2024 ${MARKUP}`;
  // A field's own error: the element its aria-describedby names.
  const errorOf = (sel) => evaluate(`(() => { const id = document.querySelector(${JSON.stringify(sel)}).getAttribute("aria-describedby"); const el = id && document.getElementById(id); return el ? el.textContent : null; })()`);
  await evaluate("window.__mockCalls.length = 0");
  await click("#cf-save");
  check("an empty name is named under the field, without a call", (await errorOf("#cf-name")) === "Hãy nhập tên đợt kiểm tra." && !(await calls("campaign_create")).length, await errorOf("#cf-name"));
  await typeInto("#cf-name", CNAME);
  check("typing the name clears its error", (await errorOf("#cf-name")) === null);
  await typeInto("#cf-year", "99999");
  await click("#cf-save");
  check("a year out of range says so under the field", (await errorOf("#cf-year")) === "Năm phải là số có 4 chữ số, từ 1950 đến 2100." && !(await calls("campaign_create")).length, await errorOf("#cf-year"));
  await typeInto("#cf-year", "2024");
  await fillIn("#cf-start", "32/11/2024");
  check("an impossible start date is marked and named", (await attr("#cf-start", "aria-invalid")) === "true" && /"32\/11\/2024" không phải là một ngày có thật/.test((await errorOf("#cf-start")) || ""), await errorOf("#cf-start"));
  await fillIn("#cf-start", "12/11/2026");
  await fillIn("#cf-end", "5/11/2024");
  await typeInto("#cf-theme", "Năm thanh niên tình nguyện vì cộng đồng");
  await typeInto("#cf-decision", "301-QĐ/TĐTN-XDĐ");
  await typeInto("#cf-issuer", "Ban Thường vụ Tỉnh đoàn Ninh Bình");
  await typeInto("#cf-place", "Ninh Bình");
  await choose("#cf-criteria", "crit-2025");
  await click("#cf-save");
  check(
    "a 2026 start in a 2024 campaign and an end before the start are each named under their field, without a call",
    (await errorOf("#cf-start")) === "Ngày này không thuộc năm 2024 của đợt kiểm tra; hãy sửa năm hoặc ngày." && (await errorOf("#cf-end")) === "Ngày kết thúc trước ngày bắt đầu." && (await errorOf("#cf-year")) === null && !(await calls("campaign_create")).length,
    [await errorOf("#cf-start"), await errorOf("#cf-end")],
  );
  await shot("31b-campaign-form-errors-vi");
  await fillIn("#cf-start", "12/11/2024");
  check("correcting the start clears its error only; the form keeps what was typed", (await errorOf("#cf-start")) === null && (await errorOf("#cf-end")) !== null && (await value("#cf-name")) === CNAME);
  await fillIn("#cf-end", "15/11/2024");
  await click("#cf-save");
  await until("/^#\\/campaign\\/c\\d+$/.test(location.hash) && !!document.querySelector('#campaign-name') && window.__mockPending === 0", "the new campaign");
  const created = (await calls("campaign_create")).pop();
  check(
    "campaign_create gets every field (dates as yyyy-mm-dd, the year as a number, the chosen set)",
    same(created.args, { input: { name: CNAME, year: 2024, theme: "Năm thanh niên tình nguyện vì cộng đồng", start_date: "2024-11-12", end_date: "2024-11-15", decision_number: "301-QĐ/TĐTN-XDĐ", issuing_body: "Ban Thường vụ Tỉnh đoàn Ninh Bình", place: "Ninh Bình", criteria_set_id: "crit-2025" } }),
    created.args,
  );
  check(
    "the new campaign opens: its name as text, dates, no visits yet",
    (await text("#campaign-name")) === CNAME && (await noMarkup(".campaign-header")) && /Đã tạo đợt kiểm tra\./.test(await toastsText()) && (await text(".campaign-header .meta")).includes("12/11/2024 – 15/11/2024") && (await text(".visit-groups")) === "Đợt kiểm tra này chưa có buổi làm việc nào." && (await count("#btn-criteria")) === 1,
  );

  // 32b. editing a campaign: the documents' settings too
  await open("?latency=40#/campaign-edit/c1");
  check("the edit form starts from campaign_get", same((await lastCall("campaign_get")).args, { id: "c1" }) && (await value("#cf-name")) === "Kiểm tra công tác Đoàn và phong trào thanh thiếu nhi năm 2023" && (await value("#rs-signer_name")) === "Nguyễn Thị Thu Hương" && (await value("#rs-recipients")) === "Ban Thường vụ Trung ương Đoàn (b/c)\nThường trực Tỉnh ủy (b/c)\nLưu VP, XDĐ");
  await typeInto("#cf-theme", "Năm chuyển đổi số và thanh niên tình nguyện");
  await typeInto("#rs-recipients", "Ban Thường vụ Trung ương Đoàn (b/c)\n  Thường trực Tỉnh ủy (b/c)\n\nLưu VP, XDĐ, KT");
  check(
    "the report counts signed minutes unless chosen otherwise; its date defaults to the campaign's end",
    (await value("#rs-basis")) === "signed" && (await value("#rs-report-date")) === "" && (await text("#report-settings")).includes("Để trống: ngày kết thúc đợt kiểm tra."),
  );
  await choose("#rs-basis", "completed");
  await fillIn("#rs-report-date", "05/12/2023");
  await click("#rs-blank-date");
  check("a blank date on the document disables the date", (await evaluate("document.querySelector('#rs-report-date').disabled")) === true);
  await click("#rs-blank-date");
  await evaluate("document.querySelector('#report-settings').scrollIntoView({block: 'end'})");
  await shot("32b-report-settings-vi");
  await evaluate("window.__mockCalls.length = 0");
  await click("#cf-save");
  await until("location.hash === '#/campaign/c1' && !!document.querySelector('#campaign-name') && window.__mockPending === 0", "the edited campaign");
  const upd = (await calls("campaign_update")).pop();
  check(
    "campaign_update(id, all fields): the theme and one recipient per line",
    upd.args.id === "c1" && upd.args.patch.theme === "Năm chuyển đổi số và thanh niên tình nguyện" && upd.args.patch.year === 2023 && same(upd.args.patch.report.recipients, ["Ban Thường vụ Trung ương Đoàn (b/c)", "Thường trực Tỉnh ủy (b/c)", "Lưu VP, XDĐ, KT"]) && upd.args.patch.report.signer_name === "Nguyễn Thị Thu Hương" && upd.args.patch.report.basis === "completed" && upd.args.patch.report.report_date === "2023-12-05" && !("blank_date" in upd.args.patch.report),
    upd.args,
  );
  check("the campaign screen shows the new theme", (await text(".campaign-header .campaign-theme")) === "Chủ đề: Năm chuyển đổi số và thanh niên tình nguyện" && /Đã lưu thông tin đợt kiểm tra\./.test(await toastsText()));

  // 33. teams editor on the campaign screen
  const teamView = (id) => evaluate(`(() => { const t = document.querySelector('.team[data-id="${id}"]'); return t && {name: t.querySelector('.team-name').textContent, visits: t.querySelector('.team-visits').textContent, members: [...t.querySelectorAll('.member')].map(m => [m.querySelector('.member-name').firstChild.textContent, m.querySelector('.role-tag').textContent]), buttons: [...t.querySelectorAll('.team-head button')].map(b => b.textContent)}; })()`);
  const t11 = await teamView("t11");
  check(
    "a team: members head first, their roles, its visits; no delete while it has visits",
    !!t11 && t11.name === "Đoàn kiểm tra số 1" && t11.visits === "8 buổi làm việc" && same(t11.members, [["Nguyễn Thị Thu Hương", "Trưởng đoàn"], ["Trần Văn Minh", "Thành viên"], ["Lê Hoàng Nam", "Thành viên"], ["Phạm Thị Lan Anh", "Thư ký"]]) && same(t11.buttons, ["Sửa"]),
    t11,
  );
  await click('.team[data-id="t11"] .team-edit');
  await until("!!document.querySelector('#team-form')", "the team form");
  check("the team form starts from the team", (await value("#team-name")) === "Đoàn kiểm tra số 1" && same(await evaluate("[...document.querySelectorAll('#team-form .member-input')].map(i => i.value)"), ["Nguyễn Thị Thu Hương", "Trần Văn Minh", "Lê Hoàng Nam", "Phạm Thị Lan Anh"]));
  await typeInto("#team-name", "Đoàn kiểm tra số 1 (bổ sung)");
  await click("#team-add-member");
  await until("document.querySelectorAll('#team-form .member-input').length === 5 && document.activeElement === document.querySelectorAll('#team-form .member-input')[4]", "a new member row, focused");
  const MEMBER = `Lò Thị ${MARKUP} Hoa`;
  await send("Input.insertText", { text: MEMBER });
  await typeInto("#team-form .team-member-row:nth-of-type(5) .member-title-input", "Chuyên viên Ban Xây dựng Đoàn");
  await shot("33a-team-form-vi");
  await evaluate("window.__mockCalls.length = 0");
  await click("#team-save");
  await until(`${settled("team_update")} && !document.querySelector('#team-form') && window.__mockPending === 0`, "the saved team");
  const lastTeamUpdate = (await lastCall("team_update")).args;
  check(
    "team_update: the new name, members kept by id with their positions, the new one by name with hers",
    (() => {
      const a = lastTeamUpdate;
      const kept = a.patch.members.slice(0, 4).map((m) => [m.inspector_id, m.role, typeof m.title]);
      return a.id === "t11" && a.patch.name === "Đoàn kiểm tra số 1 (bổ sung)" && same(kept, [["i1", "head", "string"], ["i2", "member", "string"], ["i3", "member", "string"], ["i4", "secretary", "string"]]) && same(a.patch.members[4], { full_name: MEMBER, role: "member", title: "Chuyên viên Ban Xây dựng Đoàn" });
    })(),
    (await lastCall("team_update")).args,
  );
  const t11b = await teamView("t11");
  check("the team reloads with its new member, as text", t11b.name === "Đoàn kiểm tra số 1 (bổ sung)" && same(t11b.members[3], [MEMBER, "Thành viên"]) && t11b.members.length === 5 && (await noMarkup("#teams")), t11b);
  check("the new member's position shows beside her name", (await evaluate("[...document.querySelectorAll('.team[data-id=\"t11\"] .member-title')].map(e => e.textContent)")).includes("Chuyên viên Ban Xây dựng Đoàn"));
  await click('.team[data-id="t12"] .team-edit');
  await until("!!document.querySelector('#team-form')", "the form of team 2");
  await choose("#team-form .team-member-row:nth-of-type(2) .role-select", "head");
  await click("#team-save");
  await until(`${settled("team_update", "c.ok === false")} && !!document.querySelector('#team-form .form-error')`, "the refused second head");
  check("two heads are refused with Rust's message, the form stays open", (await text("#team-form .form-error")) === "Một đoàn chỉ có một trưởng đoàn, nhưng có 2: Đinh Công Thành, Vũ Thị Ngọc Ánh.");
  await click("#team-form .sign-actions button:not(#team-save)");
  await until("!document.querySelector('#team-form')", "the cancelled team form");
  await click("#team-new");
  await until("!!document.querySelector('#team-form')", "the new team form");
  check("a new team starts with a numbered name and one head to fill in", (await value("#team-name")) === "Đoàn kiểm tra số 4" && (await count("#team-form .member-input")) === 1 && (await value("#team-form .role-select")) === "head");
  await typeInto("#team-form .member-input", "Phạm Văn Quyết");
  await click("#team-add-member");
  await until("document.querySelectorAll('#team-form .member-input').length === 2", "a second member row");
  await send("Input.insertText", { text: "Trịnh Thu Trang" });
  await choose("#team-form .team-member-row:nth-of-type(2) .role-select", "secretary");
  await evaluate("window.__mockCalls.length = 0");
  await click("#team-save");
  await until(`${settled("team_create")} && !document.querySelector('#team-form') && window.__mockPending === 0`, "the new team");
  const tc = await lastCall("team_create");
  check("team_create gets the campaign, the name and the members by name", same(tc.args, { input: { campaign_id: "c1", name: "Đoàn kiểm tra số 4", members: [{ full_name: "Phạm Văn Quyết", role: "head" }, { full_name: "Trịnh Thu Trang", role: "secretary" }] } }), tc.args);
  const newTeamId = await evaluate("[...document.querySelectorAll('#teams .team')].find(t => t.querySelector('.team-name').textContent === 'Đoàn kiểm tra số 4').dataset.id");
  const t4 = await teamView(newTeamId);
  check("the new team is listed, with no visits and a delete button", t4.visits === "0 buổi làm việc" && same(t4.buttons, ["Sửa", "Xóa"]) && same(t4.members, [["Phạm Văn Quyết", "Trưởng đoàn"], ["Trịnh Thu Trang", "Thư ký"]]), t4);
  dialogAnswer = false;
  const nd = dialogs.length;
  await click(`.team[data-id="${newTeamId}"] .team-head .btn-ghost`);
  check("deleting a team asks first (dismissed: kept)", dialogs.length === nd + 1 && dialogs[nd].message === "Xóa “Đoàn kiểm tra số 4”?" && (await calls("team_delete")).length === 0 && (await count(`.team[data-id="${newTeamId}"]`)) === 1);
  await click(`.team[data-id="${newTeamId}"] .team-head .btn-ghost`);
  await until(`${settled("team_delete")} && !document.querySelector('.team[data-id="${newTeamId}"]') && window.__mockPending === 0`, "the deleted team");
  check("confirmed, team_delete gets its id", same((await lastCall("team_delete")).args, { id: newTeamId }) && (await count("#teams .team")) === 3);

  // 34. visit planner: units without a visit in this campaign, a team and a day
  await evaluate("window.__mockCalls.length = 0");
  await click("#btn-plan");
  await until(`${settled("units_state")} && !document.querySelector('#planner').hidden && document.querySelectorAll('#planner .plan-row').length > 0`, "the planner");
  const planRows = await evaluate("[...document.querySelectorAll('#planner .plan-row')].map(r => r.querySelector('.unit-name').textContent)");
  check(
    "the planner lists the active units without a visit in this campaign",
    same((await lastCall("units_state")).args, { campaign: "c1" }) && planRows.length === 8 && planRows[0] === "Tỉnh đoàn Ninh Bình" && planRows.includes("Đoàn phường Hoa Lư") && !planRows.includes("Đoàn xã Yên Lâm") && !planRows.includes("Huyện đoàn Kim Sơn") && same(await evaluate("[document.querySelector('#plan-go').disabled, document.querySelector('#plan-go').textContent]"), [true, "Lên kế hoạch 0 buổi"]),
    planRows,
  );
  // The communes of the 2025 reform did not exist in 2023: shown for the tree's shape, never choosable.
  check(
    "units that did not exist on the campaign's day cannot be chosen, and say why",
    (await count('.plan-check[data-id="u301"]')) === 0 && /chỉ có từ 01\/07\/2025/.test(await text('.plan-row[data-id="u301"]')) && (await count('.plan-check[data-id="u100"]')) === 1,
    await text('.plan-row[data-id="u301"]'),
  );
  const boxesBefore = await count("#planner .plan-check");
  await click('.plan-check[data-id="u100"]');
  await choose("#plan-team", "t12");
  await fillIn("#plan-date", "14/11/2023");
  check("the plan button counts the units chosen", same(await evaluate("[document.querySelector('#plan-go').disabled, document.querySelector('#plan-go').textContent]"), [false, "Lên kế hoạch 1 buổi"]));
  check("a day after the campaign (07–10/11/2023) is flagged before planning", /07\/11\/2023 – 10\/11\/2023/.test((await text("#plan-outside-hint")) || ""), await text("#plan-outside-hint"));
  await click("#plan-go");
  await until(`${settled("visits_plan")} && !!document.querySelector('#plan-outside-confirm') && window.__mockPending === 0`, "the outside-campaign refusal");
  check(
    "planning outside the campaign is refused until confirmed, and nothing is planned",
    /nằm ngoài thời gian của đợt kiểm tra/.test(await text("#plan-error")) && (await count(".visit-row")) === 24,
    await text("#plan-error"),
  );
  await click("#plan-outside-confirm");
  await until(`${nCalls("visits_plan")} === 2 && ${settled("visits_plan")} && document.querySelectorAll('.visit-row').length === 25 && window.__mockPending === 0`, "the planned visit");
  check(
    "visits_plan(campaign, [{unit, team, day, outside_campaign}]) for each unit chosen, once confirmed",
    same((await lastCall("visits_plan")).args, { campaign: "c1", entries: [{ unit_id: "u100", team_id: "t12", date: "2023-11-14", outside_campaign: true }] }),
    (await lastCall("visits_plan")).args,
  );
  check("a visit outside the campaign is marked in the list", (await count(".visit-row .badge-outside")) === 1);
  const plannedRow = await evaluate("(() => { const r = [...document.querySelectorAll('.visit-group[data-status=\"planned\"] .visit-row')].find(r => r.querySelector('.vr-name').textContent === 'Tỉnh đoàn Ninh Bình'); return r && [r.querySelector('.vr-date .vr-value').textContent, r.querySelector('.vr-team .vr-value').textContent]; })()");
  check("the campaign reloads with the new visit planned for that team and day", same(plannedRow, ["14/11/2023", "Đoàn kiểm tra số 2"]) && (await text('.visit-group[data-status="planned"] .group-count')) === "6" && /Đã lên kế hoạch 1 buổi kiểm tra\./.test(await toastsText()), plannedRow);
  await click("#btn-plan");
  await until(`${nCalls("units_state")} === 2 && ${settled("units_state", "true")} && window.__mockPending === 0 && document.querySelectorAll('#planner .plan-row').length === 8`, "the planner after planning");
  // The province is planned now: it stays only as the parent of the units still to plan, without a box.
  check(
    "a planned unit can no longer be chosen, and says why",
    (await count('.plan-check[data-id="u100"]')) === 0 && /đã có buổi kiểm tra/.test(await text('.plan-row[data-id="u100"]')) && (await count("#planner .plan-check")) === boxesBefore - 1,
    [await text('.plan-row[data-id="u100"]'), await count("#planner .plan-check"), boxesBefore],
  );
  await shot("32-campaign-setup-vi");

  // 34b. re-planning from the visit screen: an impossible date says so under the field; a day
  // outside the campaign asks first; the change and the cancellation keep their reasons
  await open("?latency=40#/visit/21");
  await until("!!document.querySelector('#btn-replan') && window.__mockPending === 0", "the visit screen");
  await click("#btn-replan");
  await until("!!document.querySelector('#replan-date') && window.__mockPending === 0", "the re-plan panel");
  await fillIn("#replan-date", "31/02/2023");
  check("an impossible date is named under the field", /"31\/02\/2023" không phải là một ngày có thật/.test((await text("#replan .field-error")) || ""), await text("#replan .field-error"));
  await fillIn("#replan-date", "11/11/2023");
  check("correcting the date clears its error", (await count("#replan .field-error")) === 0);
  check("a day outside the campaign is flagged at once", /07\/11\/2023 – 10\/11\/2023/.test((await text("#replan-outside-hint")) || ""));
  await choose("#replan-team", "t13");
  await typeInto("#replan-reason", "Đơn vị đề nghị lùi lịch");
  await click("#replan-save");
  await until(`${settled("visit_reschedule")} && !!document.querySelector('#replan-outside-confirm') && window.__mockPending === 0`, "the outside-campaign refusal");
  check("saving is refused first, saying why", /nằm ngoài thời gian của đợt kiểm tra/.test((await text("#replan-error")) || ""), await text("#replan-error"));
  await click("#replan-outside-confirm");
  await until("window.__mockPending === 0 && !!document.querySelector('#visit-outside') && !document.querySelector('#replan-error')", "the visit reloaded, marked outside the campaign");
  const v21 = await evaluate(`(async () => { const api = await import("/api.js"); return (await api.visitGet("21")).visit; })()`);
  check(
    "the new day and team are saved with the reason and the teams' names",
    v21.date === "2023-11-11" && v21.team_id === "t13" && same(v21.plan_changes.at(-1).reason, "Đơn vị đề nghị lùi lịch") && v21.plan_changes.at(-1).team_to === "Đoàn kiểm tra số 3",
    v21,
  );
  await shot("34b-replan-vi");
  await click("#btn-replan");
  await until("!!document.querySelector('#cancel-visit') && window.__mockPending === 0", "the cancel part");
  check("the panel opens again clean: no old error, no stray words", !(await count("#replan-error")) && !/null|undefined/.test(await text("#replan")), await text("#replan"));
  await click("#cancel-visit");
  check("cancelling asks for a reason first", /lý do hủy/.test((await text("#replan .field-error")) || "") && !(await calls("visit_cancel")).length, await text("#replan .field-error"));
  await typeInto("#cancel-reason", "Đơn vị đang tổ chức Đại hội");
  await click("#cancel-visit");
  await until("location.hash === '#/campaign/c1' && !!document.querySelector('#cancelled-visits') && window.__mockPending === 0", "the campaign with its cancelled visit");
  await evaluate("document.querySelector('#cancelled-visits').open = true");
  check(
    "the campaign lists the cancelled visit with its reason, and no longer among the visits",
    /Đơn vị đang tổ chức Đại hội/.test(await text("#cancelled-visits")) && !(await count('.visit-row[data-id="21"]')),
    await text("#cancelled-visits"),
  );
  await shot("34c-cancelled-vi");

  // 35. criteria editor: a set in use saves as a new version; an unused one in place
  await open("?latency=40#/campaign/c1");
  await click("#btn-criteria");
  await until("location.hash === '#/criteria/crit-2023/c1' && !!document.querySelector('.criteria-editor') && window.__mockPending === 0", "the criteria editor");
  check(
    "the editor: every topic and item, and the warning that saving makes a new version",
    (await count(".ce-topic")) === 7 && (await count(".ce-item")) === 31 && (await text("#ce-in-use")) === "29 buổi kiểm tra đang dùng phiên bản này. Khi lưu, thay đổi thành phiên bản 3; các buổi đã đánh giá vẫn giữ phiên bản cũ, nên biên bản và báo cáo đã lập không đổi. Chỉ đợt kiểm tra đang mở chuyển sang phiên bản mới, cùng các buổi chưa đánh giá của đợt; các đợt khác giữ bộ đang dùng." && (await value('.ce-item[data-code="1.3"] .ce-max')) === "10",
  );
  await typeInto('.ce-item[data-code="1.1"] .ce-title', "Ban hành chỉ tiêu công tác năm 2024 bám sát Bộ tiêu chí của Tỉnh đoàn");
  dialogAnswer = false;
  await click('.ce-topic[data-topic="1"] .ce-remove-topic');
  check(
    "removing a whole topic asks first, naming it and its items; dismissed, it stays",
    /^Xóa nội dung 1\. .+ cùng 5 tiêu chí của nội dung\?/.test(dialogs[dialogs.length - 1].message) && (await count(".ce-topic")) === 7,
    dialogs.slice(-1),
  );
  await click('.ce-topic[data-topic="7"] .ce-add-item');
  await until("!!document.querySelector('.ce-item[data-code=\"7.6\"]')", "a new item 7.6");
  await typeInto('.ce-item[data-code="7.6"] .ce-title', "Số ý tưởng được Tỉnh đoàn khen thưởng");
  await choose('.ce-item[data-code="7.6"] .ce-scale', "points");
  await until("document.querySelector('.ce-item[data-code=\"7.6\"] .ce-max').disabled === false", "the points field of 7.6");
  check("scoring in points offers a maximum, 10 to start", (await value('.ce-item[data-code="7.6"] .ce-max')) === "10");
  await click('.ce-item[data-code="7.6"] .ce-required');
  await typeInto('.ce-item[data-code="7.6"] .ce-code', "7.5");
  await evaluate("window.__mockCalls.length = 0");
  await click("#ce-save");
  await until(`${settled("criteria_save")} && !!document.querySelector('#ce-error')`, "the refused duplicate code");
  check("a duplicate code is refused with Rust's message, nothing else changes", (await text("#ce-error")) === "Mã 7.5 bị trùng trong bộ tiêu chí; mỗi mục cần một mã riêng." && (await evaluate("location.hash")) === "#/criteria/crit-2023/c1");
  // the failed save re-rendered the form: the new item is the last of topic 7, now coded 7.5
  await typeInto('.ce-topic[data-topic="7"] .ce-item:last-child .ce-code', "7.6");
  await click("#ce-save");
  await until("!!document.querySelector('#ce-info') && window.__mockPending === 0", "the saved criteria set");
  const cs = (await calls("criteria_save")).pop();
  const sentItems = cs.args.set.topics.flatMap((tp) => tp.items);
  check(
    "criteria_save(id, set): the edited title and the new item as set up",
    cs.args.id === "crit-2023" && cs.args.campaign === "c1" && sentItems.length === 32 && sentItems[0].title === "Ban hành chỉ tiêu công tác năm 2024 bám sát Bộ tiêu chí của Tỉnh đoàn" && same(cs.args.set.topics[6].items[5], { code: "7.6", title: "Số ý tưởng được Tỉnh đoàn khen thưởng", scale: "points", max_points: 10, guidance: "", required: true }),
    cs.args.set.topics[6].items[5],
  );
  check(
    "saved as version 3 under a new id, for this campaign only; its rated visits keep version 2",
    /^Đã lưu thành phiên bản 3: 1 đợt kiểm tra và \d+ buổi chưa đánh giá chuyển sang phiên bản mới; các buổi đã đánh giá giữ phiên bản cũ\.$/.test(await text("#ce-info")) && /^#\/criteria\/crit-\d+\/c1$/.test(await evaluate("location.hash")) && (await count("#ce-in-use")) === 1 && /— phiên bản 3$/.test(await text(".criteria-editor .page-head .muted")),
    { info: await text("#ce-info"), hash: await evaluate("location.hash"), head: await text(".criteria-editor .page-head .muted"), inUse: await count("#ce-in-use") }
  );
  const newSet = (await evaluate("location.hash")).split("/")[2];
  await evaluate("location.hash = '#/visit/17'");
  await until("location.hash === '#/visit/17' && document.querySelectorAll('.item[data-code]').length > 0 && window.__mockPending === 0", "visit 17 after the new version");
  check("a visit that was using version 2 keeps its 31 items", (await count(".item[data-code]")) === 31 && (await count('.item[data-code="7.6"]')) === 0);
  await evaluate("location.hash = '#/campaign/c1'");
  await until("location.hash === '#/campaign/c1' && !!document.querySelector('#btn-criteria') && window.__mockPending === 0", "the campaign after the new version");
  await click("#btn-criteria");
  await until(`location.hash === '#/criteria/${newSet}/c1' && !!document.querySelector('.criteria-editor') && window.__mockPending === 0`, "the campaign's criteria set");
  check("the campaign moved to the new version", (await count(".ce-item")) === 32);
  // A new set from a copy, with its own code and name; this campaign moves to it.
  await click("#ce-copy");
  await until("!!document.querySelector('#ce-copy-form')", "the copy form");
  await typeInto("#ce-copy-code", "BTC-2023");
  await typeInto("#ce-copy-name", "Bộ tiêu chí kiểm tra năm 2026");
  await click("#ce-copy-save");
  await until(`${settled("criteria_copy")} && !!document.querySelector('#ce-copy-error')`, "the refused copy code");
  check("a copy under a code in use is refused, the form kept", /Đã có bộ tiêu chí mã BTC-2023/.test(await text("#ce-copy-error")) && (await value("#ce-copy-name")) === "Bộ tiêu chí kiểm tra năm 2026");
  await typeInto("#ce-copy-code", "BTC-2026");
  await shot("33b-criteria-copy-vi");
  await click("#ce-copy-save");
  await until("!document.querySelector('#ce-copy-form') && !!document.querySelector('#ce-info') && window.__mockPending === 0", "the copied set");
  const cp = await lastCall("criteria_copy");
  check(
    "the copy: its own code and name, version 1, for this campaign; the editor shows it",
    same(cp.args, { id: newSet, code: "BTC-2026", name: "Bộ tiêu chí kiểm tra năm 2026", campaign: "c1" }) && /^Đã tạo bộ tiêu chí BTC-2026 từ bản sao: 1 đợt kiểm tra/.test(await text("#ce-info")) && (await value("#ce-set-code")) === "BTC-2026" && /— phiên bản 1$/.test(await text(".criteria-editor .page-head .muted")) && !(await evaluate("location.hash")).includes(newSet),
    cp.args,
  );
  await open("?latency=40#/criteria/crit-2025");
  check("a set no visit uses has no new-version warning", (await count("#ce-in-use")) === 0 && (await count(".ce-item")) === 4);
  await click('.ce-item[data-code="2.1"] .ce-item-main .btn-ghost');
  await until("!document.querySelector('.ce-item[data-code=\"2.1\"]')", "item 2.1 removed");
  await click("#ce-save");
  await until(`${settled("criteria_save")} && !!document.querySelector('#ce-info')`, "the saved draft");
  check(
    "an unused set is saved in place",
    same((await lastCall("criteria_save")).args.set.topics[1].items.map((i) => i.code), ["2.2"]) && (await text("#ce-info")) === "Đã lưu bộ tiêu chí." && (await evaluate("location.hash")) === "#/criteria/crit-2025",
  );
  await shot("33-criteria-vi");

  // ---------- search ----------

  // 36. header search: every word, diacritics ignored; results open their place
  await open("?latency=40#/campaigns");
  await typeInto("#header-search-input", "doan phi 96,5");
  await pressEnter();
  await until("location.hash.startsWith('#/search/') && !!document.querySelector('#search-count') && window.__mockPending === 0", "the search results");
  const hits1 = await evaluate("[...document.querySelectorAll('#search-results .hit')].map(h => ({kind: h.dataset.kind, badge: h.querySelector('.hit-kind').textContent, label: h.querySelector('.hit-label').textContent, field: (h.querySelector('.hit-field') || {}).textContent, snippet: (h.querySelector('.hit-snippet') || {}).textContent}))");
  check(
    "“doan phi 96,5” finds the note “Thu đoàn phí … 96,5% …” (diacritics ignored)",
    same((await lastCall("search")).args, { query: "doan phi 96,5", kind: null }) && (await text(".search-screen .page-title")) === "Tìm “doan phi 96,5”" && (await text("#search-count")) === "1 kết quả" &&
      same(hits1, [{ kind: "finding", badge: "Kết quả kiểm tra tiêu chí", label: "Đoàn Khối các cơ quan tỉnh Ninh Bình · 5.1 Tỷ lệ thu đoàn phí đúng quy định", field: "Kết quả kiểm tra / ghi nhận", snippet: "Thu đoàn phí đủ 12 tháng, đạt 96,5% số đoàn viên." }]),
    hits1,
  );
  await click("#search-results .hit-open");
  await until("location.hash === '#/visit/17' && !!document.querySelector('.item[data-code=\"5.1\"].flash')", "the finding's place");
  check("a finding opens its visit at the item, its note focused", (await evaluate("document.activeElement === document.querySelector('.item[data-code=\"5.1\"] textarea.note')")) === true);
  await typeInto("#header-search-input", "Kim Sơn");
  await pressEnter();
  await until("decodeURIComponent(location.hash) === '#/search/Kim Sơn' && !!document.querySelector('#search-count') && window.__mockPending === 0", "the results for Kim Sơn");
  const hits2 = await evaluate("[...document.querySelectorAll('#search-results .hit')].map(h => ({kind: h.dataset.kind, text: h.querySelector('.hit-label').textContent + ' ' + ((h.querySelector('.hit-snippet') || {}).textContent || '')}))");
  const fold = (s) => s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
  check(
    "every result has every word; units and visits both found; the count matches",
    hits2.length > 2 && hits2.every((h) => fold(h.text).includes("kim") && fold(h.text).includes("son")) && new Set(hits2.map((h) => h.kind)).has("unit") && new Set(hits2.map((h) => h.kind)).has("visit") && (await text("#search-count")) === `${hits2.length} kết quả`,
    hits2,
  );
  await choose("#search-kind", "unit");
  await until(`${settled("search", "c.args.kind === 'unit'")} && window.__mockPending === 0 && [...document.querySelectorAll('#search-results .hit')].every(h => h.dataset.kind === 'unit')`, "only units");
  check("on the search screen the header's box holds its query", (await value("#header-search-input")) === "Kim Sơn");
  check("the kind filter asks again for that kind", same((await lastCall("search")).args, { query: "Kim Sơn", kind: "unit" }) && same(await texts("#search-results .hit-label"), ["Huyện đoàn Kim Sơn", "Đoàn xã Kim Sơn"]) && (await text("#search-count")) === "2 kết quả");
  const hitId = await evaluate("(() => { const u = [...document.querySelectorAll('#search-results .hit')][1]; return u && u.dataset.id; })()");
  await click("#search-results .hit:nth-child(2) .hit-open");
  await until("location.hash.startsWith('#/units/') && !!document.querySelector('.unit-row.is-target') && window.__mockPending === 0", "the unit directory at the result");
  const at = await evaluate("(() => { const r = document.querySelector('.unit-row.is-target'); const b = r.getBoundingClientRect(); return {hash: location.hash, name: r.querySelector('.unit-name').textContent, id: r.dataset.id, inView: b.top >= 0 && b.bottom <= innerHeight, scrolled: scrollY > 0}; })()");
  check("a unit result opens the directory at that unit: its route, scrolled into view, marked", at.name === "Đoàn xã Kim Sơn" && at.hash === `#/units/${at.id}` && at.inView && (!hitId || hitId === at.id), at);
  await shot("32-units-at-result-vi");
  await open("#/units/u308");
  await until("!!document.querySelector('.unit-row.is-target') && window.__mockPending === 0", "an ended unit opened by its route");
  check("an ended unit opened by its route turns on “show ended units”", (await evaluate("document.querySelector('.unit-row.is-target').dataset.id")) === "u308" && (await evaluate("document.querySelector('#unit-show-ended').checked")));
  await click("#nav-units");
  await until("location.hash === '#/units' && !document.querySelector('.unit-row.is-target') && window.__mockPending === 0", "the directory from its top");
  check("the header's “Đơn vị” leaves a unit's route for the directory", (await evaluate("location.hash")) === "#/units");
  await open("#/search/Kim Sơn");
  await until("!!document.querySelector('#search-count') && window.__mockPending === 0", "the results again");
  await typeInto("#header-search-input", "chuyen doi so");
  await pressEnter();
  await until("decodeURIComponent(location.hash) === '#/search/chuyen doi so' && window.__mockPending === 0 && !!document.querySelector('#search-kind')", "the results for chuyen doi so");
  await choose("#search-kind", "campaign");
  await until(`${settled("search", "c.args.kind === 'campaign'")} && window.__mockPending === 0 && document.querySelectorAll('#search-results .hit').length === 1`, "the campaign result");
  check("a campaign is found by its theme", (await text(".hit-label")) === "Kiểm tra công tác Đoàn và phong trào thanh thiếu nhi năm 2023" && (await text(".hit-snippet")) === "Năm chuyển đổi số các hoạt động của Đoàn");
  await click("#search-results .hit-open");
  await until("location.hash === '#/campaign/c1' && document.querySelectorAll('.visit-row').length === 24", "the campaign from a result");
  check("a campaign result opens the campaign", (await text("#campaign-name")) === "Kiểm tra công tác Đoàn và phong trào thanh thiếu nhi năm 2023");
  check("the header's search box is empty away from the search screen", (await value("#header-search-input")) === "");
  const Q = `<b>khong co</b> ${MARKUP}`;
  await typeInto("#header-search-input", Q);
  await pressEnter();
  await until("location.hash.startsWith('#/search/') && !!document.querySelector('.search-screen .empty-state') && window.__mockPending === 0", "the empty result");
  check(
    "nothing found: the query is shown as typed, never as markup",
    (await text(".search-screen .page-title")) === `Tìm “${Q}”` && (await text(".search-screen .empty-state")) === `Không tìm thấy “${Q}”. Tìm kiếm không phân biệt dấu: gõ “doan phi” cũng tìm được “đoàn phí”.` && (await noMarkup(".search-screen")) && (await text("#search-count")) === "0 kết quả",
  );
  await shot("34-search-vi");

  // 36b. years of campaigns: the list draws a page at a time and filters without diacritics
  await open("?latency=0&campaigns=200#/campaigns");
  await until("window.__mockPending === 0 && document.querySelectorAll('.campaign-row').length > 0", "the long campaign list");
  check(
    "203 campaigns: 20 drawn, the rest behind a button that says how many",
    (await count(".campaign-row")) === 20 && (await text("#campaigns-more")) === "Xem thêm 20 đợt (còn 183)" && (await text("#campaigns-count")) === "203 đợt",
    [await count(".campaign-row"), await text("#campaigns-more")],
  );
  await click("#campaigns-more");
  check("the button draws 20 more", (await count(".campaign-row")) === 40 && (await text("#campaigns-shown")) === "Đang hiện 40/203 đợt kiểm tra.");
  await typeInto("#campaign-filter", "doan phi");
  check(
    "the filter ignores diacritics, starts again at the first page and keeps its focus",
    (await count(".campaign-row")) === 20 && !(await count("#campaigns-more")) && (await evaluate("document.activeElement.id")) === "campaign-filter" && (await text("#campaigns-shown")) === "Đang hiện 20/20 đợt kiểm tra.",
    [await count(".campaign-row"), await text("#campaigns-shown")],
  );
  await typeInto("#campaign-filter", "chuyen de so 17 nam");
  check("a name typed without diacritics finds its one campaign", (await count(".campaign-row")) === 1 && /Kiểm tra chuyên đề số 17 năm 2018/.test(await text(".campaign-row .campaign-name")), await text(".campaign-row .campaign-name"));
  await typeInto("#campaign-filter", "khong co dot nay");
  check("nothing matching says so", (await count(".campaign-row")) === 0 && (await text(".campaign-list-host .state-text")) === "Không có đợt kiểm tra nào khớp với “khong co dot nay”.");
  await evaluate("(() => { const el = document.querySelector('#campaign-filter'); el.value = ''; el.dispatchEvent(new Event('input', {bubbles: true})); })()");
  check("clearing the filter shows the first page again", (await count(".campaign-row")) === 20 && !!(await count("#campaigns-more")));
  await shot("36b-campaigns-long-vi");

  // 36c. a national directory (20,000 units): a page of rows at a time, levels below the
  // districts folded, a filter without diacritics, and a deep unit opened by its route
  await open("?latency=0&units=20000#/units");
  await until("window.__mockPending === 0 && document.querySelectorAll('.unit-row').length > 0", "the national directory");
  const firstRows = await count(".unit-row");
  check(
    "20,032 units: 200 of the 1,127 rows above the branches drawn, the rest behind a button that says how many",
    firstRows === 200 && (await text("#unit-more")) === "Xem thêm 200 đơn vị (còn 927)" && (await text(".unit-tree-card .section-title")) === "Các đơn vị (20.032)",
    [firstRows, await text("#unit-more")],
  );
  const folded = await evaluate(`(() => { const r = [...document.querySelectorAll('.unit-row')].find(r => r.querySelector('.unit-toggle[aria-expanded="false"]')); return r && {id: r.dataset.id, depth: Number(r.dataset.depth), under: r.querySelector('.unit-under').textContent, next: Number(r.nextElementSibling.dataset.depth), label: r.querySelector('.unit-toggle').getAttribute('aria-label')}; })()`);
  check(
    "units below the districts start folded, each saying how many units are under it",
    !!folded && folded.depth === 2 && folded.under === "19 đơn vị trực thuộc" && folded.next <= 2 && folded.label.startsWith("Mở các đơn vị trực thuộc Đoàn "),
    folded,
  );
  await evaluate(`(() => { const b = document.querySelector('.unit-row[data-id="${folded.id}"] .unit-toggle'); b.focus(); b.click(); return true; })()`);
  const unfolded = await evaluate(`(() => { const r = document.querySelector('.unit-row[data-id="${folded.id}"]'); const kids = []; for (let n = r.nextElementSibling; n && Number(n.dataset.depth) > 2; n = n.nextElementSibling) kids.push(n.querySelector('.unit-name').textContent); return {expanded: r.querySelector('.unit-toggle').getAttribute('aria-expanded'), under: !!r.querySelector('.unit-under'), kids, focus: document.activeElement.dataset.toggle}; })()`);
  check(
    "its toggle shows its 19 branches, says it is open and keeps the focus; still 200 rows",
    unfolded.expanded === "true" && !unfolded.under && unfolded.kids.length === 19 && unfolded.kids.every((k) => k.startsWith("Chi đoàn ")) && unfolded.focus === folded.id && (await count(".unit-row")) === 200,
    unfolded,
  );
  await click("#unit-more");
  check("“Xem thêm” draws 200 more rows", (await count(".unit-row")) === 400, await count(".unit-row"));
  await click("#unit-collapse-all");
  check(
    "“Thu gọn”: the province and the units right under it, nothing more to draw",
    (await evaluate("[...document.querySelectorAll('.unit-row')].every(r => Number(r.dataset.depth) <= 1)")) && (await count(".unit-row")) === 120 && !(await count("#unit-more")),
    await count(".unit-row"),
  );
  await click("#unit-expand-all");
  check("“Mở tất cả”: every level open, still a page at a time", (await count(".unit-row")) === 200 && (await text("#unit-more")) === "Xem thêm 200 đơn vị (còn 19.832)" && !(await count('.unit-toggle[aria-expanded="false"]')), await text("#unit-more"));
  await typeInto("#unit-filter", "doan xa");
  const found = await evaluate("[...document.querySelectorAll('.unit-row')].map(r => ({name: r.querySelector('.unit-name').textContent, match: r.classList.contains('is-match'), depth: Number(r.dataset.depth)}))");
  const hits = found.filter((r) => r.match);
  check(
    "“doan xa” typed without diacritics finds the “Đoàn xã …” units, under their ancestors, a page at a time; the box keeps its focus",
    found.length === 200 && hits.length > 100 && hits.every((r) => r.name.startsWith("Đoàn xã ")) && found[0].name === "Tỉnh đoàn Ninh Bình" && !found[0].match && !!(await count("#unit-more")) && (await evaluate("document.activeElement.id")) === "unit-filter" && /^\d{3}\ đơn vị khớp$/.test(await text("#unit-found")) && (await evaluate("document.querySelector('#unit-expand-all').disabled")),
    [found.slice(0, 3), await text("#unit-found")],
  );
  await shot("36c-units-filter-vi");
  await typeInto("#unit-filter", "khong co don vi nay");
  check("nothing matching says so", !(await count(".unit-row")) && (await text("#unit-no-match")) === "Không có đơn vị nào khớp với “khong co don vi nay”.");
  await open("?latency=0&units=20000#/units/ug19999");
  await until("window.__mockPending === 0 && !!document.querySelector('.unit-row.is-target')", "a deep unit by its route");
  const deep = await evaluate(`(() => { const r = document.querySelector('.unit-row.is-target'); const box = r.getBoundingClientRect(); let p = r.previousElementSibling; while (p && Number(p.dataset.depth) >= Number(r.dataset.depth)) p = p.previousElementSibling; return {id: r.dataset.id, depth: Number(r.dataset.depth), inView: box.top >= 0 && box.bottom <= innerHeight, parentOpen: p.querySelector('.unit-toggle').getAttribute('aria-expanded'), before: !!document.querySelector('#unit-before')}; })()`);
  check(
    "a deep unit beyond the first page, opened by its route: its ancestors opened, its page drawn, scrolled to and marked",
    deep.id === "ug19999" && deep.depth === 3 && deep.inView && deep.parentOpen === "true" && deep.before && (await count(".unit-row")) <= 250,
    deep,
  );
  await shot("36c-units-deep-vi");
  await click("#unit-before");
  check("the button above draws the rows before them", (await count(".unit-row")) > 200 && (await count(".unit-row.is-target")) === 1);
  // Its edit form: the parent is picked from a filter and a short list, never 20,000 options.
  await click(".unit-row.is-target .unit-edit-btn");
  await until("!!document.querySelector('#unit-parent-filter')", "the parent picker of a national directory");
  const current = await value("#unit-parent");
  const untyped = await count("#unit-parent option");
  await typeInto("#unit-parent-filter", "g7-3-1");
  const picked = await evaluate("[...document.querySelectorAll('#unit-parent option')].map(o => o.value)");
  check(
    "a national directory's parent picker lists only matches of what is typed (codes too), the current parent kept",
    !!current && untyped === 2 && picked.includes(current) && picked.filter((v) => v && v !== current).length === 10 && (await value("#unit-parent")) === current,
    [current, untyped, picked.length],
  );
  await shot("36c-units-parent-picker-vi");
  await open("?latency=0&units=20000#/units");
  await until("window.__mockPending === 0 && document.querySelectorAll('.unit-row').length > 0", "the national directory again");
  await shot("36c-units-long-vi");

  // 36d. long waits: the spinner costs 8 repaints a second, not 60
  const spin = await evaluate("(() => { const s = document.createElement('span'); s.className = 'spinner'; document.body.appendChild(s); const st = getComputedStyle(s); const r = [st.animationName, st.animationTimingFunction, st.animationDuration]; s.remove(); return r; })()");
  check("the spinner turns in 8 steps a second (cheap under software rendering)", spin[0] === "spin" && /^steps\(8/.test(spin[1]) && spin[2] === "1s", spin);

  // 37. a small laptop screen (1024×640): the header's words stay apart, the breadcrumb shows
  // real names, each button keeps its words on one line
  await send("Emulation.setDeviceMetricsOverride", { width: 1024, height: 640, deviceScaleFactor: 1, mobile: false });
  // Boxes of the elements matching `sel` that overlap another's (rounded to whole pixels).
  const overlapping = (sel) =>
    evaluate(`(() => {
      const els = [...document.querySelectorAll(${JSON.stringify(sel)})].filter(e => e.offsetParent);
      const r = els.map(e => e.getBoundingClientRect());
      const hits = [];
      for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) {
        const a = r[i], b = r[j];
        if (Math.floor(a.left) < Math.floor(b.right) - 1 && Math.floor(b.left) < Math.floor(a.right) - 1 && Math.floor(a.top) < Math.floor(b.bottom) - 1 && Math.floor(b.top) < Math.floor(a.bottom) - 1) hits.push([els[i].textContent.trim().slice(0, 30), els[j].textContent.trim().slice(0, 30)]);
      }
      return hits;
    })()`);
  // Buttons whose words wrap: taller than one line of their text.
  const wrapped = (sel) => evaluate(`[...document.querySelectorAll(${JSON.stringify(sel)})].filter(b => b.offsetParent && b.getBoundingClientRect().height > 44).map(b => b.textContent.trim())`);
  // The crumbs a person can read: each at least a short word wide (an ellipsis alone is not a name).
  const crumbs = () => evaluate("[...document.querySelectorAll('#breadcrumb .crumb-link, #breadcrumb .crumb-current')].filter(e => e.offsetParent).map(e => e.getBoundingClientRect().width >= 48 ? e.textContent.trim() : '')");
  for (const [route, name] of [["#/campaign/c1", "campaign"], ["#/visit/17", "visit"], ["#/reports/campaign:c1", "reports"]]) {
    await open(`?latency=0${route}`);
    await until("window.__mockPending === 0 && !!document.querySelector('.page-title, #campaign-name, #visit-unit')", `the ${name} screen at 1024×640`);
    const hits = [...(await overlapping(".page-title, .badge, .vh-tools .btn, .ch-tools .btn, .report-bar .btn")), ...(await overlapping(".app-header > .brand, .app-header > .breadcrumb, .header-tools > *"))];
    const long = await wrapped(".btn");
    const trail = await crumbs();
    check(`at 1024×640 the ${name} screen: no header text overlaps, no button wraps, the breadcrumb names its places`, !hits.length && !long.length && trail.length >= 2 && trail.every(Boolean), { hits, long, trail });
    await shot(`37-${name}-1024-vi`);
  }
  // the unit directory: its tools and each row's parts stay apart
  await open("?latency=0&units=20000#/units");
  await until("window.__mockPending === 0 && document.querySelectorAll('.unit-row').length > 0", "the national directory at 1024×640");
  const toolHits = [...(await overlapping(".unit-tree-tools > *, .unit-tree-card .report-head > *")), ...(await overlapping(".unit-row:nth-child(-n+12) > *"))];
  const longUnits = await wrapped(".units .btn");
  check("at 1024×640 the unit directory: no tool or row part overlaps another, no button wraps", !toolHits.length && !longUnits.length, { toolHits, longUnits });
  await shot("37-units-1024-vi");
  await send("Emulation.setDeviceMetricsOverride", { width: 1366, height: 768, deviceScaleFactor: 1, mobile: false });
} catch (err) {
  check("scenario ran to the end", false, String(err && err.stack ? err.stack : err));
}

const problems = consoleLog.filter((m) => m.level === "error" || m.level === "warning" || /Content Security Policy|Refused to/i.test(m.text));
// The "unknown visit" scenario is expected to log nothing; anything here is a real problem.
check("no console errors or CSP violations", problems.length === 0, problems.slice(0, 5));

console.log(`${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
cleanup();
process.exit(failed ? 1 : 0);
