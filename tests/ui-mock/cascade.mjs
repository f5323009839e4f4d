// Does a reorganised stylesheet still give every element the same value for every property?
// A tool for CSS changes that must not change the look (rules moved between files, into @layer,
// duplicates merged); screens.mjs compares the pixels, this compares the cascade, hover and focus
// states included.
//   node tests/ui-mock/cascade.mjs OLD_ENTRY NEW_ENTRY [HTML_DIR]
//   e.g. node tests/ui-mock/cascade.mjs main:ui/styles/index.css ui/styles/index.css /tmp/shots
// An entry is a file, or REV:PATH for the file in a git revision (PATH from the repository's
// root). It is read with its @import rules inlined (`@import url(x) layer(y)` becomes
// `@layer y { … }`, url() values made relative to the repository) and parsed by Chromium
// (chromium.mjs).
// 1. Slots: per selector (one of a list), media condition and property (shorthands expanded), the
//    declaration that wins among those of that very selector. Both sheets must have the same slots
//    with the same values and priorities.
// 2. Order: for two slots of one property (and pseudo-element), which one wins where both match is
//    decided by importance, layer, specificity and source order. A pair whose winner changed is a
//    change in the look if some element can match both selectors: with HTML_DIR (documents saved
//    by `screens.mjs OUT --html`), both selectors are tried on every element of every saved
//    screen, with the states an element may be in (:hover, :focus, :checked, :disabled…) and
//    pseudo-elements removed, so a pair counts whatever state the element is in.
// 3. A changed pair that meets on no saved screen is listed, to read through, when an element
//    ui/'s sources build (tag, classes and ids read from its h() calls, classList toggles and
//    index.html) could match both subjects; the others are only counted. Neither fails the run.
// Prints what differs and exits 1 when a slot differs or a changed pair meets on a saved screen.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, posix, relative, resolve } from "node:path";
import { launch } from "./chromium.mjs";

const [oldEntry, newEntry, htmlDir] = process.argv.slice(2);
if (!oldEntry || !newEntry) {
  console.error("usage: node tests/ui-mock/cascade.mjs OLD_ENTRY.css NEW_ENTRY.css [HTML_DIR]");
  process.exit(2);
}

const repo = join(dirname(new URL(import.meta.url).pathname), "..", "..");

/** A file's text: a path, or REV:PATH for a file as git has it in that revision (PATH from the repository's root). */
function readEntry(entry) {
  if (existsSync(entry)) return { text: readFileSync(entry, "utf8"), path: relative(repo, resolve(entry)), rev: null };
  const m = /^([^:]+):(.+)$/.exec(entry);
  if (!m) throw new Error(`no such file: ${entry}`);
  return { text: execFileSync("git", ["show", `${m[1]}:${m[2]}`], { cwd: repo, encoding: "utf8" }), path: m[2], rev: m[1] };
}

/** The stylesheet with its imports inlined as layer blocks and url() made relative to the repository. */
function inline(entry) {
  const { text: raw, path, rev } = readEntry(entry);
  const dir = posix.dirname(path);
  const text = raw.replace(/\/\*[\s\S]*?\*\//g, "").replace(/url\(\s*(["']?)([^"')]+)\1\s*\)/g, (m, q, url) => (/^(data:|[a-z]+:)/.test(url) ? m : `url("${posix.join(dir, url)}")`));
  return text.replace(/@import\s+url\("([^"]+)"\)\s*(layer\(\s*([\w.-]+)\s*\)|layer)?\s*;/g, (m, url, layerPart, layer) => {
    const inner = inline(rev ? `${rev}:${url}` : join(repo, url));
    if (!layerPart) return inner;
    return layer ? `@layer ${layer} {\n${inner}\n}` : `@layer {\n${inner}\n}`;
  });
}

// Runs in the page: every declaration of the sheet, with what decides the cascade.
function collect(cssText) {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(cssText);
  const layerRank = new Map();
  const rank = (name) => {
    if (!layerRank.has(name)) layerRank.set(name, layerRank.size);
    return layerRank.get(name);
  };
  // Longhands each shorthand sets (for a longhand left empty by a shorthand holding var()).
  const scratch = document.createElement("div");
  const shorthands = ["background", "border", "border-top", "border-right", "border-bottom", "border-left", "border-color", "border-width", "border-style", "border-radius", "margin", "padding", "font", "flex", "flex-flow", "outline", "transition", "animation", "inset", "gap", "overflow", "text-decoration", "list-style", "grid-area", "grid-column", "grid-row", "grid-template", "place-items", "place-content", "columns"];
  const longhandsOf = new Map(
    shorthands.map((s) => {
      scratch.style.cssText = `${s}: initial`;
      return [s, new Set([...scratch.style])];
    }),
  );
  const decls = [];
  const keyframes = [];
  let order = 0;
  function walk(rules, layer, media) {
    for (const r of rules) {
      if (r instanceof CSSLayerStatementRule) {
        for (const n of r.nameList) rank(layer ? `${layer}.${n}` : n);
      } else if (r instanceof CSSLayerBlockRule) {
        const name = layer ? `${layer}.${r.name}` : r.name;
        rank(name);
        walk(r.cssRules, name, media);
      } else if (r instanceof CSSMediaRule) {
        walk(r.cssRules, layer, media ? `${media} and ${r.conditionText}` : r.conditionText);
      } else if (r instanceof CSSKeyframesRule) {
        keyframes.push({ name: r.name, text: r.cssText, layer });
      } else if (r instanceof CSSStyleRule) {
        const here = order++;
        for (const prop of r.style) {
          let value = r.style.getPropertyValue(prop);
          if (value === "") {
            const s = shorthands.find((sh) => longhandsOf.get(sh).has(prop) && r.style.getPropertyValue(sh) !== "");
            value = s ? `${s}: ${r.style.getPropertyValue(s)}` : "?";
          }
          decls.push({ selectorText: r.selectorText, prop, value, important: r.style.getPropertyPriority(prop) === "important", layer, media, order: here });
        }
      } else {
        decls.push({ selectorText: `@${r.constructor.name}`, prop: "cssText", value: r.cssText, important: false, layer, media, order: order++ });
      }
    }
  }
  walk(sheet.cssRules, null, "");
  return { decls, keyframes, layers: [...layerRank.keys()] };
}

// ---------- selectors ----------

/** Split at top-level commas (not inside parentheses or brackets). */
function splitList(sel) {
  const out = [];
  let depth = 0;
  let cur = "";
  for (const ch of sel) {
    if (ch === "(" || ch === "[") depth++;
    if (ch === ")" || ch === "]") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

const LEGACY_PSEUDO_ELEMENTS = new Set(["before", "after", "first-line", "first-letter"]);

/** [ids, classes/attributes/pseudo-classes, types/pseudo-elements] of one complex selector. */
function specificity(sel) {
  const s = [0, 0, 0];
  const add = (t) => t.forEach((v, i) => (s[i] += v));
  const max = (list) => splitList(list).map(specificity).reduce((a, b) => (cmp(a, b) >= 0 ? a : b), [0, 0, 0]);
  let i = 0;
  const ident = () => {
    const m = /^-?[\w-]+/.exec(sel.slice(i));
    i += m ? m[0].length : 0;
    return m ? m[0] : "";
  };
  const group = () => {
    // at "(": the text up to the matching ")"
    let depth = 0;
    const start = i + 1;
    for (; i < sel.length; i++) {
      if (sel[i] === "(") depth++;
      else if (sel[i] === ")" && --depth === 0) break;
    }
    i++;
    return sel.slice(start, i - 1);
  };
  while (i < sel.length) {
    const c = sel[i];
    if (c === "#") {
      i++;
      ident();
      s[0]++;
    } else if (c === ".") {
      i++;
      ident();
      s[1]++;
    } else if (c === "[") {
      i = sel.indexOf("]", i) + 1;
      s[1]++;
    } else if (c === ":" && sel[i + 1] === ":") {
      i += 2;
      ident();
      if (sel[i] === "(") group();
      s[2]++;
    } else if (c === ":") {
      i++;
      const name = ident().toLowerCase();
      const arg = sel[i] === "(" ? group() : null;
      if (LEGACY_PSEUDO_ELEMENTS.has(name)) s[2]++;
      else if (name === "where") {
        /* nothing */
      } else if (["is", "not", "has", "matches"].includes(name)) add(max(arg));
      else if (["nth-child", "nth-last-child"].includes(name) && arg && / of /.test(arg)) {
        s[1]++;
        add(max(arg.split(/ of /)[1]));
      } else s[1]++;
    } else if (/[\w-]/.test(c)) {
      ident();
      s[2]++;
    } else i++; // combinators, "*", whitespace
  }
  return s;
}

function cmp(a, b) {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  return 0;
}

/** The pseudo-element of a complex selector ("" when none). */
function pseudoElement(sel) {
  const m = /::?([\w-]+)(\([^)]*\))?\s*$/.exec(sel);
  if (!m) return "";
  return sel.slice(m.index).startsWith("::") || LEGACY_PSEUDO_ELEMENTS.has(m[1]) ? m[1] : "";
}

// The states an element can be in at some moment: removed, so a selector matches whatever state.
const STATES = "hover|focus|focus-visible|focus-within|active|checked|disabled|enabled|invalid|valid|placeholder-shown|visited|link|target|indeterminate|default|required|optional|read-only|read-write|open|modal|autofill|user-invalid|user-valid";
/** The selector with pseudo-elements and top-level state pseudo-classes removed. */
function structural(sel) {
  let out = "";
  let depth = 0;
  for (let i = 0; i < sel.length; ) {
    if (sel[i] === "(") depth++;
    if (sel[i] === ")") depth--;
    if (depth === 0 && sel[i] === ":") {
      const m = new RegExp(`^::?(?:-?[\\w-]+)`).exec(sel.slice(i));
      const name = m[0].replace(/^::?/, "");
      const isElement = sel.startsWith("::", i) || LEGACY_PSEUDO_ELEMENTS.has(name);
      if (isElement || new RegExp(`^(${STATES})$`).test(name)) {
        i += m[0].length;
        if (sel[i] === "(") {
          let d = 0;
          for (; i < sel.length; i++) {
            if (sel[i] === "(") d++;
            else if (sel[i] === ")" && --d === 0) break;
          }
          i++;
        }
        // an empty compound left behind matches any element
        if (out === "" || /[\s>+~]$/.test(out)) out += "*";
        continue;
      }
    }
    out += sel[i++];
  }
  return out;
}

// ---------- which classes can be on one element (read from ui/'s sources) ----------

/** The text of a balanced expression starting at src[i], up to a top-level "," or "}" (exclusive). */
function expressionAt(src, i) {
  let depth = 0;
  const start = i;
  for (; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "'" || c === "`") {
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === "\\") i++;
    } else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) {
      if (depth === 0) break;
      depth--;
    } else if (c === "," && depth === 0) break;
  }
  return src.slice(start, i);
}

/** Classes (and class prefixes, from `name-${x}`) an expression can put in a class attribute. */
function classTokens(expr) {
  const classes = new Set();
  const prefixes = new Set();
  for (const m of expr.matchAll(/"([^"]*)"|'([^']*)'|`([^`]*)`/g)) {
    if (m[3] !== undefined) {
      for (const part of m[3].split(/(\$\{[^}]*\})/)) {
        if (part.startsWith("${")) continue;
        const words = part.split(/\s+/);
        // a word right before ${…} is the start of a class name
        words.forEach((w, k) => {
          if (!w) return;
          if (k === words.length - 1 && m[3].includes(part + "${")) prefixes.add(w);
          else classes.add(w);
        });
      }
    } else for (const w of (m[1] ?? m[2]).split(/\s+/)) if (w) classes.add(w);
  }
  return { classes, prefixes };
}

// ui/'s helpers that build one kind of element from the attributes they are given.
const HELPER_TAGS = { dateInput: "input", input: "input", text: "input", select: "select" };

/** Every element the UI builds: its tag (null when not known), classes, class prefixes, ids. */
function elementsOf(uiDir) {
  const out = [];
  const dynamic = new Set(); // classes added or toggled later, on some element
  const files = [];
  const walk = (d) => readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(join(d, e.name)) : files.push(join(d, e.name))));
  walk(uiDir);
  for (const f of files.filter((f) => f.endsWith(".js"))) {
    const src = readFileSync(f, "utf8");
    for (const m of src.matchAll(/classList\.(?:add|toggle)\(\s*"([\w-]+)"/g)) dynamic.add(m[1]);
    for (const m of src.matchAll(/\bclass(?:Name)?:\s*/g)) {
      // the object literal around this property, and the h("tag", …) call it belongs to
      let i = m.index;
      for (let depth = 0; i > 0; i--) {
        if (src[i] === "}") depth++;
        else if (src[i] === "{" && depth-- === 0) break;
      }
      const obj = src.slice(i, i + 1 + expressionAt(src, i + 1).length + 1);
      // the call the object is an argument of: h("tag", {…}), or a helper that builds one tag
      let j = i - 1;
      for (let depth = 0; j > 0; j--) {
        if (src[j] === ")") depth++;
        else if (src[j] === "(" && depth-- === 0) break;
      }
      const callee = /([\w$]+)\s*$/.exec(src.slice(Math.max(0, j - 40), j));
      const hTag = callee && callee[1] === "h" ? /^\(\s*"([\w-]+)"\s*,\s*$/.exec(src.slice(j, i)) : null;
      const tag = hTag ? [null, hTag[1]] : callee && HELPER_TAGS[callee[1]] ? [null, HELPER_TAGS[callee[1]]] : null;
      const { classes, prefixes } = classTokens(expressionAt(src, m.index + m[0].length));
      const ids = new Set([...obj.matchAll(/\bid:\s*"([^"]+)"/g)].map((x) => x[1]));
      const anyId = /\bid:\s*[^"\s]|[{,]\s*id\s*[,}]/.test(obj);
      out.push({ tag: tag ? tag[1] : null, classes, prefixes, ids, anyId });
    }
  }
  for (const f of files.filter((f) => f.endsWith(".html"))) {
    for (const m of readFileSync(f, "utf8").matchAll(/<([\w-]+)([^>]*)>/g)) {
      const cls = /\bclass="([^"]*)"/.exec(m[2]);
      const id = /\bid="([^"]*)"/.exec(m[2]);
      out.push({ tag: m[1], classes: new Set(cls ? cls[1].split(/\s+/).filter(Boolean) : []), prefixes: new Set(), ids: new Set(id ? [id[1]] : []), anyId: false });
    }
  }
  return { elements: out, dynamic };
}

/** The last compound of a (structural) selector: its tag, classes and ids. */
function subject(sel) {
  const parts = [];
  let depth = 0;
  let cur = "";
  for (const ch of sel) {
    if (ch === "(" || ch === "[") depth++;
    if (ch === ")" || ch === "]") depth--;
    if (depth === 0 && /[\s>+~]/.test(ch)) {
      if (cur) parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (cur) parts.push(cur);
  const compound = parts.pop() || "*";
  // [class*="status-"]: some class containing that text
  const classParts = [...compound.matchAll(/\[class\*="([^"]+)"\]/g)].map((x) => x[1]);
  const last = compound.replace(/\[[^\]]*\]|\((?:[^()]|\([^()]*\))*\)/g, "");
  const tag = /^[a-z][\w-]*/i.exec(last);
  return { tag: tag ? tag[0].toLowerCase() : null, classes: [...last.matchAll(/\.([\w-]+)/g)].map((x) => x[1]), ids: [...last.matchAll(/#([\w-]+)/g)].map((x) => x[1]), classParts };
}

/** Can one element the UI builds match the subjects of both selectors (states aside)? */
function canMeet(a, b, { elements, dynamic }) {
  const sa = subject(a);
  const sb = subject(b);
  if (sa.tag && sb.tag && sa.tag !== sb.tag) return false;
  const tag = sa.tag || sb.tag;
  const classes = [...new Set([...sa.classes, ...sb.classes])];
  const ids = [...new Set([...sa.ids, ...sb.ids])];
  const classParts = [...sa.classParts, ...sb.classParts];
  // html and body (:root, element defaults) carry no classes of their own
  if (tag && ["html", "body", "main"].includes(tag)) return classes.length === 0 && ids.length === 0;
  return elements.some(
    (e) =>
      (!tag || !e.tag || e.tag === tag) &&
      ids.every((id) => e.anyId || e.ids.has(id)) &&
      classes.every((c) => e.classes.has(c) || dynamic.has(c) || [...e.prefixes].some((p) => c.startsWith(p))) &&
      classParts.every((part) => [...e.classes, ...dynamic].some((c) => c.includes(part)) || [...e.prefixes].some((p) => p.includes(part) || part.startsWith(p))),
  );
}

// ---------- the comparison ----------

function slotsOf({ decls, layers }) {
  const rankOf = (layer) => (layer === null ? layers.length : layers.indexOf(layer));
  const slots = new Map();
  for (const d of decls) {
    for (const sel of splitList(d.selectorText)) {
      const key = `${sel} | ${d.media} | ${d.prop}`;
      const layerRank = rankOf(d.layer);
      // important declarations: earlier layers win, unlayered ones lose to every layer
      const prec = [d.important ? 1 : 0, d.important ? -layerRank : layerRank, ...specificity(sel), d.order];
      const slot = { key, sel, prop: d.prop, media: d.media, value: d.value, important: d.important, layer: d.layer, prec, pe: pseudoElement(sel) };
      const prev = slots.get(key);
      if (!prev || cmp(slot.prec, prev.prec) > 0) slots.set(key, slot);
    }
  }
  return slots;
}

const browser = await launch();
const page = await browser.page(1366, 768);
const load = async (file) => page.evaluate(`(${collect.toString()})(${JSON.stringify(inline(file))})`);
const before = await load(oldEntry);
const after = await load(newEntry);
console.log(`layers before: ${before.layers.join(", ") || "none"}; after: ${after.layers.join(", ") || "none"}`);

let problems = 0;
const report = (line) => {
  problems++;
  console.log(line);
};

const kf = (k) => JSON.stringify(k.map((x) => x.text).sort());
if (kf(before.keyframes) !== kf(after.keyframes)) report(`@keyframes differ:\n  ${kf(before.keyframes)}\n  ${kf(after.keyframes)}`);

const oldSlots = slotsOf(before);
const newSlots = slotsOf(after);
for (const [key, o] of oldSlots) {
  const n = newSlots.get(key);
  if (!n) report(`only before: ${key}: ${o.value}`);
  else if (n.value !== o.value || n.important !== o.important) report(`value: ${key}: ${o.value}${o.important ? " !important" : ""} → ${n.value}${n.important ? " !important" : ""}`);
}
for (const key of newSlots.keys()) if (!oldSlots.has(key)) report(`only after: ${key}: ${newSlots.get(key).value}`);

// Pairs of slots of one property whose winner changed.
const byProp = new Map();
for (const o of oldSlots.values()) {
  if (!newSlots.has(o.key)) continue;
  const k = `${o.prop} ${o.pe}`;
  if (!byProp.has(k)) byProp.set(k, []);
  byProp.get(k).push(o);
}
const flipped = [];
for (const list of byProp.values()) {
  for (let x = 0; x < list.length; x++) {
    for (let y = x + 1; y < list.length; y++) {
      const a = list[x];
      const b = list[y];
      if (a.value === b.value && a.important === b.important) continue; // either wins: same value
      const was = cmp(a.prec, b.prec);
      const now = cmp(newSlots.get(a.key).prec, newSlots.get(b.key).prec);
      if (Math.sign(was) !== Math.sign(now)) flipped.push({ a, b, winnerBefore: was > 0 ? a : b });
    }
  }
}

// Which flipped pairs can meet on one element of a saved screen.
const pairs = [...new Set(flipped.map((f) => `${structural(f.a.sel)}\u0000${structural(f.b.sel)}`))].map((p) => p.split("\u0000"));
const meets = new Map(); // "a\0b" → [screen names]
if (htmlDir && pairs.length) {
  for (const file of readdirSync(htmlDir).filter((f) => f.endsWith(".html")).sort()) {
    const html = readFileSync(join(htmlDir, file), "utf8");
    const hits = await page.evaluate(`(() => {
      const doc = new DOMParser().parseFromString(${JSON.stringify(html)}, "text/html");
      const pairs = ${JSON.stringify(pairs)};
      const hits = [];
      for (const [a, b] of pairs) {
        let els;
        try { els = doc.querySelectorAll(a); } catch { hits.push(a + "\\u0000" + b); continue; }
        for (const el of els) { let m = false; try { m = el.matches(b); } catch { m = true; } if (m) { hits.push(a + "\\u0000" + b); break; } }
      }
      return hits;
    })()`);
    for (const h of hits) {
      if (!meets.has(h)) meets.set(h, []);
      meets.get(h).push(file.replace(/\.html$/, ""));
    }
  }
}
const ui = elementsOf(join(repo, "ui"));
const unseen = [];
let apart = 0;
for (const f of flipped) {
  const where = meets.get(`${structural(f.a.sel)}\u0000${structural(f.b.sel)}`);
  const n = (s) => newSlots.get(s.key);
  const line = `${f.a.prop}: "${f.a.sel}"${f.a.media ? ` @${f.a.media}` : ""} (${f.a.value}; ${f.a.layer ?? "unlayered"} → ${n(f.a).layer ?? "unlayered"}) vs "${f.b.sel}"${f.b.media ? ` @${f.b.media}` : ""} (${f.b.value}; ${f.b.layer ?? "unlayered"} → ${n(f.b).layer ?? "unlayered"}): "${f.winnerBefore.sel}" won before`;
  if (where) report(`changed on ${where.slice(0, 3).join(", ")}${where.length > 3 ? ` and ${where.length - 3} more` : ""}: ${line}`);
  else if (canMeet(structural(f.a.sel), structural(f.b.sel), ui)) unseen.push(line);
  else apart++;
}
if (unseen.length) {
  console.log(`\n${unseen.length} pairs changed order whose selectors could meet on an element ui/ builds, but do not on ${htmlDir ? "a saved screen" : "any screen (no HTML_DIR given)"}; read them through:`);
  for (const l of unseen) console.log(`  ${l}`);
}
console.log(`${apart} more pairs changed order whose selectors no element of ui/ can match both of.`);
console.log(`\n${oldSlots.size} slots before, ${newSlots.size} after; ${flipped.length} pairs changed order; ${problems} problems`);
await page.close();
browser.close();
process.exit(problems ? 1 : 0);
