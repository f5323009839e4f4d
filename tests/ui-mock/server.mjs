// A tiny static server for the UI against the mock API: ui/ as it is, with mock-api.js answering
// for api.js, the production CSP (from src-tauri/tauri.conf.json) added to index.html as a <meta>
// tag, and the few things the desktop app serves through its own protocol (thumbnails, files,
// report previews) answered under /__mock/. The real api.js stays reachable as /__real/api.js so a
// check can compare the two modules' exports.
//   node tests/ui-mock/server.mjs [PORT]     (default 8765; serves until killed)
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { join, dirname, extname, normalize, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const uiDir = join(root, "ui");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json; charset=utf-8",
};

/**
 * The app's CSP as tauri.conf.json declares it, with the app's own protocol (kiemtra-file:) and
 * the IPC origin mapped to this server's origin, which stands in for both here.
 */
export function productionCsp() {
  const conf = JSON.parse(readFileSync(join(root, "src-tauri", "tauri.conf.json"), "utf8"));
  const csp = conf.app && conf.app.security && conf.app.security.csp;
  if (!csp || typeof csp !== "object") throw new Error("tauri.conf.json: app.security.csp is not an object");
  const local = new Set(["kiemtra-file:", "http://kiemtra-file.localhost", "ipc:", "http://ipc.localhost"]);
  return Object.entries(csp)
    .map(([directive, value]) => {
      const sources = [...new Set(String(value).split(/\s+/).filter(Boolean).map((s) => (local.has(s) ? "'self'" : s)))];
      return `${directive} ${sources.join(" ")}`;
    })
    .join("; ");
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// A thumbnail or photo: an SVG whose colour follows the hash, so different files look different.
function blobSvg(kind, sha) {
  const hue = parseInt(String(sha).slice(0, 2), 16) || 0;
  const [w, hgt] = kind === "thumb" ? [240, 180] : [1200, 900];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${hgt}" viewBox="0 0 ${w} ${hgt}"><rect width="100%" height="100%" fill="hsl(${hue * 1.4},45%,62%)"/><circle cx="${w * 0.7}" cy="${hgt * 0.3}" r="${hgt * 0.12}" fill="#fff8"/><path d="M0 ${hgt} L${w * 0.35} ${hgt * 0.45} L${w * 0.6} ${hgt * 0.8} L${w * 0.75} ${hgt * 0.62} L${w} ${hgt} Z" fill="#0004"/></svg>`;
}

// The printable document the desktop app renders in Rust, reduced to what a check can recognise.
function previewHtml(target, id) {
  const title = target === "visit" ? "BIÊN BẢN KIỂM TRA" : "BÁO CÁO KẾT QUẢ KIỂM TRA";
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1 id="doc-title">${escapeHtml(title)}</h1><p id="doc-target" data-target="${escapeHtml(target)}" data-id="${escapeHtml(id)}">${escapeHtml(target)}:${escapeHtml(id)}</p></body></html>`;
}

async function answer(req, res) {
  const url = new URL(req.url, "http://localhost");
  const path = decodeURIComponent(url.pathname);
  const send = (status, type, body, headers = {}) => {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
    res.end(body);
  };
  const blob = /^\/__mock\/blob\/(thumb|file)\/([0-9a-f]{64})$/.exec(path);
  if (blob) return send(200, TYPES[".svg"], blobSvg(blob[1], blob[2]));
  const preview = /^\/__mock\/preview\/(\d+)\.html$/.exec(path);
  if (preview) {
    // The app serves previews with a CSP of their own: no script at all.
    return send(200, TYPES[".html"], previewHtml(url.searchParams.get("target") || "", url.searchParams.get("id") || ""), { "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:" });
  }
  let file;
  if (path === "/" || path === "/index.html") {
    const html = await readFile(join(uiDir, "index.html"), "utf8");
    const tag = `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(productionCsp())}">`;
    if (!html.includes('<meta charset="utf-8">')) return send(500, "text/plain", "index.html has no <meta charset> to put the CSP after");
    return send(200, TYPES[".html"], html.replace('<meta charset="utf-8">', `<meta charset="utf-8">\n  ${tag}`));
  } else if (path === "/api.js") file = join(here, "mock-api.js");
  else if (path === "/__real/api.js") file = join(uiDir, "api.js");
  else {
    file = normalize(join(uiDir, path));
    if (!file.startsWith(uiDir + sep)) return send(403, "text/plain", "outside ui/");
  }
  try {
    const body = await readFile(file);
    return send(200, TYPES[extname(file)] || "application/octet-stream", body);
  } catch {
    return send(404, "text/plain", "not found");
  }
}

/** Start serving on 127.0.0.1 (port 0: any free port). Resolves to {server, port, base}. */
export function startServer(port = 0) {
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      answer(req, res).catch((err) => {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(err && err.stack ? err.stack : err));
      });
    });
    server.on("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const p = server.address().port;
      resolve({ server, port: p, base: `http://127.0.0.1:${p}/` });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] || "").href) {
  const { base } = await startServer(Number(process.argv[2] || 8765));
  console.error(`serving ui/ with the mock API on ${base}`);
}
