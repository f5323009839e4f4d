// Headless Chromium driven over --remote-debugging-pipe (file descriptors 3 and 4, NUL-separated
// JSON: no WebSocket client needed), for the tools in this directory (screens.mjs, cascade.mjs).
// browser-check.mjs keeps its own copy: it also records console output and native dialogs.
//   const browser = await launch();  const page = await browser.page(1366, 768);
//   await page.evaluate("1 + 1");  await page.close();  browser.close();
// CHROMIUM=/path/to/chrome picks another binary.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Poll `fn` until it returns something truthy, with a deadline (no sleeping as synchronisation).
export async function waitFor(fn, what, ms = 15000) {
  const deadline = Date.now() + ms;
  let last = null;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (${last})` : ""}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function launch() {
  const binary = process.env.CHROMIUM || "chromium";
  const profile = mkdtempSync(join(tmpdir(), "kiemtra-chromium-"));
  // Partial raster and LCD text made a few header pixels differ between two runs of the same page.
  const args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--mute-audio", "--font-render-hinting=none", "--disable-partial-raster", "--disable-lcd-text", `--user-data-dir=${profile}`, "--window-size=1366,768", "--remote-debugging-pipe", "about:blank"];
  const chrome = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"], detached: true });
  let gone = null;
  const pending = new Map();
  const failAll = () => {
    for (const p of pending.values()) p.reject(new Error(gone));
    pending.clear();
  };
  chrome.on("error", (e) => {
    gone = e.code === "ENOENT" ? `${binary} not found (install the Debian package "chromium", or set CHROMIUM)` : String(e);
    failAll();
  });
  chrome.on("exit", (code) => {
    gone = gone || `chromium exited (${code})`;
    failAll();
  });
  chrome.stderr.on("data", () => {});
  let seq = 0;
  let inbox = Buffer.alloc(0);
  chrome.stdio[4].on("data", (chunk) => {
    inbox = Buffer.concat([inbox, chunk]);
    for (let i = inbox.indexOf(0); i >= 0; i = inbox.indexOf(0)) {
      const msg = JSON.parse(inbox.subarray(0, i).toString("utf8"));
      inbox = inbox.subarray(i + 1);
      // A native confirm() or alert() blocks the page until answered: accept it.
      if (msg.method === "Page.javascriptDialogOpening") sendRaw("Page.handleJavaScriptDialog", { accept: true }, msg.sessionId).catch(() => {});
      const p = msg.id && pending.get(msg.id);
      if (!p) continue;
      pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result);
    }
  });
  chrome.stdio[3].on("error", () => {});
  function sendRaw(method, params = {}, sessionId) {
    if (gone) return Promise.reject(new Error(gone));
    const id = ++seq;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, method });
      chrome.stdio[3].write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + "\0");
    });
  }
  function close() {
    try {
      process.kill(-chrome.pid, "SIGKILL");
    } catch {}
    rmSync(profile, { recursive: true, force: true });
  }
  process.on("exit", close);
  await waitFor(() => sendRaw("Browser.getVersion"), "chromium to answer on the DevTools pipe", 30000);

  /** A new tab of its own (fresh sessionStorage), in the Ho Chi Minh time zone. */
  async function page(width, height) {
    const targetId = (await sendRaw("Target.createTarget", { url: "about:blank" })).targetId;
    const { sessionId } = await sendRaw("Target.attachToTarget", { targetId, flatten: true });
    const send = (method, params) => sendRaw(method, params, sessionId);
    async function evaluate(expression) {
      const r = await send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true });
      if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description || r.exceptionDetails.text);
      return r.result.value;
    }
    const until = (expr, what, ms) => waitFor(() => evaluate(expr), what || expr, ms);
    async function viewport(w, h) {
      await send("Emulation.setDeviceMetricsOverride", { width: w, height: h, deviceScaleFactor: 1, mobile: false });
      await until(`window.innerWidth === ${w} && window.innerHeight === ${h}`, `a ${w}×${h} viewport`);
    }
    await send("Page.enable");
    await send("Runtime.enable");
    await send("Emulation.setTimezoneOverride", { timezoneId: "Asia/Ho_Chi_Minh" });
    await viewport(width, height);
    return { send, evaluate, until, viewport, close: () => sendRaw("Target.closeTarget", { targetId }).catch(() => {}) };
  }
  return { page, close };
}
