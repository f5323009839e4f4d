// Screenshots of every screen, for comparing how the UI looks before and after a change that
// must not change it (CSS reorganised, modules moved). Not part of `make test`: a tool.
//   node tests/ui-mock/screens.mjs OUT_DIR [NAME_FILTER] [--html]
//                                                            take the screenshots into OUT_DIR
//   node tests/ui-mock/screens.mjs --compare DIR_A DIR_B [CROPS_DIR]
//                                                            compare two sets pixel by pixel
// The first form serves ui/ with the mock API (server.mjs) and drives headless Chromium
// (chromium.mjs; CHROMIUM=/path/to/chrome for another binary), each shot in a fresh tab. Each
// screen is shot at 1366×768 ("NAME.png"); screens taller than that are shot a second time with
// the viewport grown to the whole page ("NAME-full.png"). A few are also shot 1200 px wide, below
// the 1240 px breakpoint ("NAME-w1200.png"). NAME_FILTER (a substring) takes only the matching
// shots; --html also saves each screen's document as NAME.html (for cascade.mjs).
// To keep shots comparable: the Ho Chi Minh time zone, no caret (caret-color set through the
// CSSOM), running animations finished (infinite ones paused at their start), every image loaded
// (lazy ones too), no call to the mock in flight. The mock's fixed clock keeps shown times known;
// a date taken from the real day (the new-campaign form's year) only differs across a new year.
// The second form exits 1 when any pair differs (or a file is missing on one side) and prints,
// per file, "same" or the number of differing pixels and their bounding box; with CROPS_DIR it
// also writes both sides of each differing region there (NAME.a.png, NAME.b.png) to look at.
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { deflateSync, inflateSync } from "node:zlib";
import { join } from "node:path";

// ---------- PNG comparison (8-bit, non-interlaced: what Chromium writes) ----------

function decodePng(buf) {
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString("latin1", pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) throw new Error("only 8-bit non-interlaced PNGs");
      colorType = data[9];
    } else if (type === "IDAT") idat.push(data);
    pos += 12 + len;
  }
  const bpp = { 2: 3, 6: 4, 0: 1, 4: 2 }[colorType];
  if (!bpp) throw new Error(`PNG colour type ${colorType} not handled`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const px = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = px.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? px.subarray((y - 1) * stride, y * stride) : null;
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[i - bpp] : 0;
      const b = prev ? prev[i] : 0;
      const c = prev && i >= bpp ? prev[i - bpp] : 0;
      let v = line[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[i] = v & 0xff;
    }
  }
  return { width, height, bpp, px };
}

// A PNG of the region [x0, y0, x1, y1] of a decoded image (filter 0 on every line).
function encodeCrop(img, [x0, y0, x1, y1]) {
  const w = x1 - x0 + 1;
  const hgt = y1 - y0 + 1;
  const rows = [];
  for (let y = y0; y <= y1; y++) rows.push(Buffer.from([0]), img.px.subarray((y * img.width + x0) * img.bpp, (y * img.width + x1 + 1) * img.bpp));
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(hgt, 4);
  ihdr[8] = 8;
  ihdr[9] = { 3: 2, 4: 6, 1: 0, 2: 4 }[img.bpp];
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}

function compareDirs(a, b, cropsDir) {
  const names = [...new Set([...readdirSync(a), ...readdirSync(b)])].filter((n) => n.endsWith(".png")).sort();
  let bad = 0;
  for (const name of names) {
    if (!existsSync(join(a, name)) || !existsSync(join(b, name))) {
      console.log(`${name}: only in ${existsSync(join(a, name)) ? a : b}`);
      bad++;
      continue;
    }
    const ba = readFileSync(join(a, name));
    const bb = readFileSync(join(b, name));
    if (ba.equals(bb)) {
      console.log(`${name}: same`);
      continue;
    }
    const pa = decodePng(ba);
    const pb = decodePng(bb);
    if (pa.width !== pb.width || pa.height !== pb.height || pa.bpp !== pb.bpp) {
      console.log(`${name}: size ${pa.width}×${pa.height} vs ${pb.width}×${pb.height}`);
      bad++;
      continue;
    }
    let n = 0;
    let box = null;
    let maxDelta = 0;
    for (let y = 0; y < pa.height; y++) {
      for (let x = 0; x < pa.width; x++) {
        const i = (y * pa.width + x) * pa.bpp;
        if (pa.px.compare(pb.px, i, i + pa.bpp, i, i + pa.bpp) !== 0) {
          n++;
          for (let k = i; k < i + pa.bpp; k++) maxDelta = Math.max(maxDelta, Math.abs(pa.px[k] - pb.px[k]));
          box = box ? [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)] : [x, y, x, y];
        }
      }
    }
    if (n === 0) console.log(`${name}: same pixels (different encoding)`);
    else {
      console.log(`${name}: ${n} pixels differ (by up to ${maxDelta}/255 in a channel), in x ${box[0]}–${box[2]}, y ${box[1]}–${box[3]}`);
      bad++;
      if (cropsDir) {
        // Both sides of the differing region (and 20 px around it), to look at.
        const m = 20;
        const region = [Math.max(box[0] - m, 0), Math.max(box[1] - m, 0), Math.min(box[2] + m, pa.width - 1), Math.min(box[3] + m, pa.height - 1)];
        mkdirSync(cropsDir, { recursive: true });
        writeFileSync(join(cropsDir, name.replace(/\.png$/, ".a.png")), encodeCrop(pa, region));
        writeFileSync(join(cropsDir, name.replace(/\.png$/, ".b.png")), encodeCrop(pb, region));
      }
    }
  }
  console.log(`${names.length - bad} of ${names.length} the same`);
  return bad;
}

if (process.argv[2] === "--compare") {
  process.exit(compareDirs(process.argv[3], process.argv[4], process.argv[5]) ? 1 : 0);
}

// ---------- the screens ----------

const HTML = process.argv.includes("--html");
const [OUT, FILTER = ""] = process.argv.slice(2).filter((a) => a !== "--html");
if (!OUT) {
  console.error("usage: node tests/ui-mock/screens.mjs OUT_DIR [NAME_FILTER] | --compare DIR_A DIR_B");
  process.exit(2);
}
mkdirSync(OUT, { recursive: true });

const { startServer } = await import("./server.mjs");
const { launch } = await import("./chromium.mjs");
const { server, base: BASE } = await startServer(0);
const browser = await launch();
process.on("exit", () => server.close());

let page = null; // the tab of the shot being taken
const send = (method, params) => page.send(method, params);
const evaluate = (expression) => page.evaluate(expression);
const until = (expr, what) => page.until(expr, what);
const viewport = (width, height) => page.viewport(width, height);
const click = async (sel) => {
  if (!(await evaluate(`(() => { const el = document.querySelector(${JSON.stringify(sel)}); if (!el) return false; el.click(); return true; })()`))) throw new Error(`nothing to click: ${sel}`);
};
const idle = "window.__mockPending === 0";

async function open(path, ready) {
  await send("Page.navigate", { url: "about:blank" });
  await until("location.href === 'about:blank' && document.readyState === 'complete'");
  await send("Page.navigate", { url: BASE + path });
  await until(
    `location.href.split('#')[0] === ${JSON.stringify((BASE + path).split("#")[0])} && document.readyState === 'complete' && Array.isArray(window.__mockCalls) && window.__mockCalls.length > 0 && ${idle} && !document.querySelector('.screen-loading') && document.querySelector('#app').children.length > 0`,
    `${path} to load`,
  );
  if (ready) await until(ready, `${path}: ${ready}`);
}

// Settle the page: nothing in flight, images loaded, animations at a fixed point, no caret.
async function settle() {
  // Lazy images below the fold would load (or not) depending on timing: load them all.
  await evaluate("for (const i of document.images) if (i.loading === 'lazy') i.loading = 'eager'; true");
  await until(`${idle} && [...document.images].every((i) => i.complete)`, "calls and images to settle");
  await evaluate(`(() => {
    document.documentElement.style.caretColor = "transparent";
    for (const a of document.getAnimations()) {
      if (a.effect && a.effect.getComputedTiming().endTime === Infinity) { a.pause(); a.currentTime = 0; } else a.finish();
    }
    return document.fonts.ready.then(() => true);
  })()`);
  // Two frames, so what was just changed is painted.
  await evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))");
}

async function capture(file) {
  const r = await send("Page.captureScreenshot", { format: "png" });
  writeFileSync(join(OUT, file), Buffer.from(r.data, "base64"));
}

// One screen at `width`: the viewport, and the whole page when it is taller.
async function shoot(name, width) {
  await settle();
  await capture(`${name}.png`);
  const scrollY = await evaluate("window.scrollY");
  const height = Math.min(await evaluate("document.documentElement.scrollHeight"), 16000);
  if (height > 768 && scrollY === 0) {
    await viewport(width, height);
    await settle();
    await capture(`${name}-full.png`);
    await viewport(width, 768);
  }
}

const lang = (code) => async () => {
  await click(`#lang-${code}`);
  await until(`document.documentElement.lang === '${code}' && ${idle}`);
};
const scrollTo = (sel) => async () => {
  await evaluate(`document.querySelector(${JSON.stringify(sel)}).scrollIntoView({block: "start"})`);
};
const pressEnter = async () => {
  for (const type of ["keyDown", "keyUp"]) await send("Input.dispatchKeyEvent", { type, key: "Enter", code: "Enter", windowsVirtualKeyCode: 13, nativeVirtualKeyCode: 13, ...(type === "keyDown" ? { text: "\r" } : {}) });
};
async function typeInto(sel, text) {
  await evaluate(`(() => { const el = document.querySelector(${JSON.stringify(sel)}); el.focus(); if (el.select) el.select(); return true; })()`);
  await send("Input.insertText", { text });
}

// name, path, what shows the screen is there, then steps before the shot; en = switch to English first.
const VISIT = "document.querySelectorAll('.item[data-code]').length > 0";
const SCREENS = [
  { name: "welcome-vi", path: "?first=1", ready: "!!document.querySelector('#btn-demo')" },
  { name: "welcome-en", path: "?first=1", ready: "!!document.querySelector('#btn-demo')", steps: [lang("en")] },
  { name: "campaigns-empty-vi", path: "?first=1", ready: "!!document.querySelector('#btn-empty')", steps: [async () => { await click("#btn-empty"); await until(`!!document.querySelector('.empty-state') && ${idle}`); }] },
  { name: "campaigns-vi", path: "#/campaigns", ready: "document.querySelectorAll('.campaign-row[data-id]').length === 3" },
  { name: "campaigns-en", path: "#/campaigns", ready: "document.querySelectorAll('.campaign-row[data-id]').length === 3", steps: [lang("en")] },
  { name: "campaign-vi", path: "#/campaign/c1", ready: "document.querySelectorAll('.visit-row').length === 24", narrow: true },
  { name: "campaign-en", path: "#/campaign/c1", ready: "document.querySelectorAll('.visit-row').length === 24", steps: [lang("en")] },
  { name: "campaign-filtered-vi", path: "#/campaign/c1", ready: "document.querySelectorAll('.visit-row').length === 24", steps: [async () => { await typeInto("#visit-filter", "doan xa"); await until("document.querySelectorAll('.visit-row').length < 24"); }] },
  { name: "campaign-team-form-vi", path: "#/campaign/c1", ready: "!!document.querySelector('.team[data-id=\"t11\"] .team-edit')", steps: [async () => { await click('.team[data-id="t11"] .team-edit'); await until("!!document.querySelector('#team-form')"); }, scrollTo("#team-form")] },
  { name: "campaign-planner-vi", path: "#/campaign/c1", ready: "!!document.querySelector('#btn-plan')", steps: [async () => { await click("#btn-plan"); await until(`!document.querySelector('#planner').hidden && document.querySelectorAll('#planner .plan-row').length > 0 && ${idle}`); }, scrollTo("#planner")] },
  { name: "visit-vi", path: "#/visit/17", ready: VISIT, narrow: true },
  { name: "visit-en", path: "#/visit/17", ready: VISIT, steps: [lang("en")] },
  { name: "visit-minutes-vi", path: "#/visit/17", ready: VISIT, steps: [scrollTo("#visit-conclusion")] },
  { name: "visit-attachments-vi", path: "#/visit/17", ready: "!!document.querySelector('#visit-attachments')", steps: [scrollTo("#visit-attachments"), () => until("document.querySelectorAll('#attachments .att-tile').length === 3")] },
  { name: "visit-attachment-viewer-vi", path: "#/visit/17", ready: "document.querySelectorAll('#attachments .att-tile').length === 3", steps: [async () => { await click('.att-tile[data-id="att-171"] .att-thumb'); await until("!!document.querySelector('dialog#attachment-viewer[open] .att-full') && document.querySelector('#attachment-viewer .att-full').complete"); }] },
  { name: "visit-history-vi", path: "#/visit/17", ready: VISIT, steps: [async () => { await click("#btn-visit-history"); await until(`!!document.querySelector('dialog#history-dialog[open]') && document.querySelectorAll('#history-dialog .hist-entry').length > 0 && ${idle}`); }] },
  { name: "visit-error-vi", path: "?failall=1#/visit/17", ready: VISIT, steps: [async () => { await evaluate(`document.querySelector('.item[data-scale="pass_fail"] input[type=radio]:not(:checked)').click()`); await until(`document.querySelector('#save-state').dataset.state === 'error' && ${idle}`); }, () => evaluate("window.scrollTo(0, 0)")] },
  { name: "visit-leave-warning-vi", path: "?fail=1.1#/visit/19", ready: VISIT, steps: [async () => { await evaluate(`document.querySelector('.item[data-code="1.1"] input[type=radio]:not(:checked)').click()`); await until(`document.querySelector('#save-state').dataset.state === 'error' && ${idle}`); await click("#nav-back"); await until(`!document.querySelector('#leave-warning').hidden && ${idle}`); }, () => evaluate("window.scrollTo(0, 0)")] },
  { name: "visit-signed-vi", path: "#/visit/1", ready: "!!document.querySelector('#locked-notice')", narrow: true },
  { name: "visit-signed-en", path: "#/visit/1", ready: "!!document.querySelector('#locked-notice')", steps: [lang("en")] },
  { name: "visit-unlock-vi", path: "#/visit/1", ready: "!!document.querySelector('#btn-unlock')", steps: [async () => { await click("#btn-unlock"); await until("!document.querySelector('.unlock-form').hidden"); }, scrollTo(".unlock-form")] },
  { name: "visit-signed-minutes-vi", path: "#/visit/1", ready: "!!document.querySelector('#visit-conclusion')", steps: [scrollTo("#visit-conclusion")] },
  { name: "reports-campaign-vi", path: "#/reports/campaign:c1", ready: "!!document.querySelector('#report-frame')", narrow: true },
  { name: "reports-campaign-en", path: "#/reports/campaign:c1", ready: "!!document.querySelector('#report-frame')", steps: [lang("en")] },
  { name: "reports-visit-vi", path: "#/reports/visit:17", ready: "!!document.querySelector('#report-frame')" },
  { name: "units-vi", path: "#/units", ready: "document.querySelectorAll('#unit-tree .unit-row').length > 0", narrow: true },
  { name: "units-en", path: "#/units", ready: "document.querySelectorAll('#unit-tree .unit-row').length > 0", steps: [lang("en")] },
  { name: "units-import-vi", path: "#/units", ready: "!!document.querySelector('#btn-unit-import')", steps: [async () => { await click("#btn-unit-import"); await until(`!!document.querySelector('#unit-import-preview') && ${idle}`); }] },
  { name: "units-form-vi", path: "#/units", ready: "!!document.querySelector('#unit-new')", steps: [async () => { await click("#unit-new"); await until("!!document.querySelector('#unit-form #unit-name')"); }, scrollTo("#unit-form")] },
  { name: "campaign-new-vi", path: "#/campaign-new", ready: "!!document.querySelector('#campaign-form')" },
  { name: "campaign-new-invalid-vi", path: "#/campaign-new", ready: "!!document.querySelector('#campaign-form')", steps: [async () => { await typeInto("#cf-name", "Kiểm tra 2024"); await typeInto("#cf-start", "32/11/2024"); await evaluate("document.querySelector('#cf-start').dispatchEvent(new Event('change', {bubbles: true})); document.querySelector('#cf-start').blur(); true"); await until("document.querySelector('#cf-start').getAttribute('aria-invalid') === 'true'"); }, () => evaluate("window.scrollTo(0, 0)")] },
  { name: "campaign-edit-vi", path: "#/campaign-edit/c1", ready: "!!document.querySelector('#rs-signer_name')", narrow: true },
  { name: "campaign-edit-en", path: "#/campaign-edit/c1", ready: "!!document.querySelector('#rs-signer_name')", steps: [lang("en")] },
  { name: "criteria-vi", path: "#/criteria/crit-2023", ready: "!!document.querySelector('.criteria-editor')", narrow: true },
  { name: "criteria-draft-vi", path: "#/criteria/crit-2025", ready: "!!document.querySelector('.criteria-editor')" },
  { name: "sync-vi", path: "#/sync", ready: "!!document.querySelector('section#sync')", narrow: true },
  { name: "sync-en", path: "#/sync", ready: "!!document.querySelector('section#sync')", steps: [lang("en")] },
  { name: "sync-preview-vi", path: "#/sync", ready: "!!document.querySelector('#btn-pick')", steps: [async () => { await click("#btn-pick"); await until(`!!document.querySelector('#import-preview') && ${idle}`); }] },
  { name: "sync-imported-vi", path: "#/sync", ready: "!!document.querySelector('#btn-pick')", steps: [async () => { await click("#btn-pick"); await until(`!!document.querySelector('#import-preview') && ${idle}`); await click("#btn-import"); await until(`!!document.querySelector('#import-summary') && ${idle}`); }, () => evaluate("window.scrollTo(0, 0)")] },
  { name: "conflicts-vi", path: "#/conflicts", ready: "document.querySelectorAll('.conflict[data-id]').length > 0", narrow: true },
  { name: "conflicts-en", path: "#/conflicts", ready: "document.querySelectorAll('.conflict[data-id]').length > 0", steps: [lang("en")] },
  { name: "conflicts-empty-vi", path: "?empty=1#/conflicts", ready: "!!document.querySelector('.screen')" },
  { name: "search-vi", path: "#/campaigns", ready: "!!document.querySelector('#header-search-input')", steps: [async () => { await typeInto("#header-search-input", "Kim Sơn"); await pressEnter(); await until(`!!document.querySelector('#search-count') && ${idle}`); }] },
  { name: "search-none-vi", path: "#/search/khong co gi", ready: "!!document.querySelector('.search-screen .empty-state')" },
  { name: "error-vi", path: "#/visit/99999", ready: "!!document.querySelector('.error-panel')" },
];

let failures = 0;
for (const s of SCREENS) {
  for (const width of s.narrow ? [1366, 1200] : [1366]) {
    const name = width === 1366 ? s.name : `${s.name}-w${width}`;
    if (FILTER && !name.includes(FILTER)) continue;
    // A tab of its own per shot: the mock keeps the language in sessionStorage.
    page = await browser.page(width, 768);
    try {
      await open(s.path, s.ready);
      for (const step of s.steps || []) await step();
      await shoot(name, width);
      if (HTML) writeFileSync(join(OUT, `${name}.html`), await evaluate("document.documentElement.outerHTML"));
      console.log(`shot ${name}`);
    } catch (err) {
      failures++;
      console.log(`FAIL ${name}: ${err.message}`);
    } finally {
      await page.close();
    }
  }
}
console.log(failures ? `${failures} screens failed` : `all screens shot into ${OUT}`);
browser.close();
process.exit(failures ? 1 : 0);
