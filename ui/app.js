// App shell: header, tiny hash router, language switch, notifications.
// Routes: #/welcome, #/campaigns, #/campaign/<id>, #/visit/<id>, #/sync, #/conflicts, #/laptops
import * as api from "./api.js";
import { t, setLang, getLang } from "./i18n.js";
import { h, mount } from "./lib/dom.js";
import { toError } from "./lib/errors.js";
import * as welcome from "./screens/welcome.js";
import * as campaigns from "./screens/campaigns.js";
import * as campaign from "./screens/campaign.js";
import * as visit from "./screens/visit.js";
import * as sync from "./screens/sync.js";
import * as conflicts from "./screens/conflicts.js";
import * as units from "./screens/units.js";
import * as search from "./screens/search.js";
import * as campaignform from "./screens/campaignform.js";
import * as criteria from "./screens/criteria.js";
import * as reports from "./screens/reports.js";
import * as laptops from "./screens/laptops.js";

const SCREENS = { welcome, campaigns, campaign, visit, sync, conflicts, units, search, "campaign-new": campaignform, "campaign-edit": campaignform, criteria, reports, laptops };
const TOP_LEVEL = new Set(["welcome", "campaigns", "sync", "conflicts", "units", "campaign-new", "laptops"]);
// `units/<id>`: the directory opened at that unit (a search result).
const WITH_ID = new Set(["campaign", "visit", "search", "campaign-edit", "criteria", "reports", "units"]);

const els = {
  main: document.getElementById("app"),
  breadcrumb: document.getElementById("breadcrumb"),
  device: document.getElementById("device-name"),
  langVi: document.getElementById("lang-vi"),
  langEn: document.getElementById("lang-en"),
  toasts: document.getElementById("toasts"),
  brand: document.getElementById("brand"),
  navSync: document.getElementById("nav-sync"),
  navUnits: document.getElementById("nav-units"),
  search: document.getElementById("header-search"),
  searchInput: document.getElementById("header-search-input"),
};

/** Shared context handed to every screen. */
const app = {
  api,
  state: null, // result of app_state
  navigate,
  notify,
  refreshHeader: renderHeader,
  conflictCount: null, // records in conflict (null until known)
  setConflictCount,
  refreshConflictCount,
  reloadState,
};

let current = null; // {route, ctrl, token, loaded}
let navToken = 0;

// ---------- routing ----------

/** Ids are strings on the Rust side; they travel through the URL as text. */
function parseId(raw) {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function parseHash(hash) {
  const parts = String(hash || "").replace(/^#\/?/, "").split("/").filter(Boolean);
  if (parts.length === 0) return null;
  const [name, id] = parts;
  if (TOP_LEVEL.has(name) && parts.length === 1) return { name };
  // The criteria editor opened from a campaign names it too: only that campaign follows a new version.
  if (name === "criteria" && id !== undefined && parts.length === 3) return { name, id: parseId(id), campaign: parseId(parts[2]) };
  if (WITH_ID.has(name) && id !== undefined && parts.length === 2) return { name, id: parseId(id) };
  return null;
}

export function routeHash(route) {
  if (route.id === undefined) return `#/${route.name}`;
  const base = `#/${route.name}/${encodeURIComponent(String(route.id))}`;
  return route.campaign === undefined ? base : `${base}/${encodeURIComponent(String(route.campaign))}`;
}

function sameRoute(a, b) {
  return !!a && !!b && routeHash(a) === routeHash(b);
}

/**
 * Go to a route. The current screen may refuse (e.g. unsaved edits that failed to save);
 * `force` skips that check. Returns true when the new screen was shown.
 */
async function navigate(route, { replace = false, fromHash = false, force = false } = {}) {
  if (current && !force && current.ctrl.beforeLeave) {
    let ok = true;
    try {
      ok = await current.ctrl.beforeLeave(route);
    } catch {
      ok = false;
    }
    if (!ok) {
      if (fromHash) history.replaceState(null, "", routeHash(current.route));
      return false;
    }
  }
  if (current && current.ctrl.dispose) current.ctrl.dispose();

  const hash = routeHash(route);
  if (location.hash !== hash) {
    if (replace || fromHash) history.replaceState(null, "", hash);
    else history.pushState(null, "", hash);
  }

  const token = ++navToken;
  const mod = SCREENS[route.name] || campaigns;
  const ctrl = mod.create(app, route);
  current = { route, ctrl, token, loaded: false };
  // The header's search box holds the query of the search screen only; elsewhere it is empty.
  els.searchInput.value = route.name === "search" ? String(route.id ?? "") : "";
  renderBreadcrumb();
  renderNavSync();
  mount(els.main, h("div", { class: "screen-loading", role: "status" }, h("span", { class: "spinner" }), t("loading")));
  window.scrollTo(0, 0);

  try {
    if (ctrl.load) await ctrl.load();
  } catch (err) {
    if (token !== navToken) return false;
    current.failed = true;
    current.error = toError(err);
    showLoadError(current.error, route);
    return false;
  }
  if (token !== navToken) return false;
  current.loaded = true;
  renderCurrent();
  window.scrollTo(0, 0);
  if (ctrl.afterRender) ctrl.afterRender();
  els.main.focus({ preventScroll: true });
  return true;
}

function showLoadError(err, route) {
  renderBreadcrumb([{ label: t("nav.campaigns"), route: { name: "campaigns" } }, { label: t("error.crumb") }], route.name === "campaigns" ? null : { name: "campaigns" });
  mount(
    els.main,
    h(
      "div",
      { class: "state-panel error-panel", role: "alert" },
      h("h1", { class: "state-title" }, t("error.load_title")),
      h("p", { class: "state-text" }, err.message),
      h(
        "div",
        { class: "state-actions" },
        h("button", { type: "button", class: "btn btn-primary", onClick: () => navigate(route, { replace: true, force: true }) }, t("action.retry")),
        route.name !== "campaigns"
          ? h("button", { type: "button", class: "btn", onClick: () => navigate({ name: "campaigns" }, { force: true }) }, t("nav.campaigns"))
          : null,
      ),
    ),
  );
}

function renderCurrent() {
  if (!current) return;
  if (current.failed) {
    showLoadError(current.error, current.route);
    return;
  }
  if (!current.loaded) return;
  renderBreadcrumb();
  mount(els.main, current.ctrl.render());
}

// ---------- header ----------

function renderHeader() {
  const lang = getLang();
  for (const [btn, code] of [[els.langVi, "vi"], [els.langEn, "en"]]) {
    btn.setAttribute("aria-pressed", String(lang === code));
    btn.classList.toggle("active", lang === code);
    btn.title = t(code === "vi" ? "lang.vi" : "lang.en");
  }
  els.langVi.parentElement.setAttribute("aria-label", t("lang.switch"));
  els.breadcrumb.setAttribute("aria-label", t("nav.breadcrumb"));
  els.brand.title = t("app.tagline");
  const device = app.state && app.state.device ? app.state.device.name : "";
  mount(
    els.device,
    device ? h("span", { class: "device-label" }, t("header.device")) : null,
    device ? h("span", { class: "device-value" }, device) : null,
  );
  els.device.title = device ? t("header.device_title", { name: device }) : "";
  els.device.setAttribute("aria-label", els.device.title);
  document.title = t("app.name");
  renderBreadcrumb();
  renderNavSync();
}

/** The "Đồng bộ" button: shown once past onboarding, with the number of conflicts. */
function renderNavSync() {
  const route = current && current.route;
  const units = els.navUnits;
  // The first screens (naming the laptop, the welcome) come before any data.
  const firstScreens = !!route && (route.name === "welcome" || (route.name === "laptops" && !app.state.device_named));
  units.hidden = !app.state || !route || firstScreens;
  els.search.hidden = units.hidden;
  els.searchInput.placeholder = t("search.placeholder");
  els.searchInput.setAttribute("aria-label", t("search.placeholder"));
  units.textContent = t("nav.units");
  units.classList.toggle("active", !!route && route.name === "units");
  const btn = els.navSync;
  btn.hidden = !app.state || !route || firstScreens;
  const here = !!route && (route.name === "sync" || route.name === "conflicts");
  btn.classList.toggle("active", here);
  if (here) btn.setAttribute("aria-current", "page");
  else btn.removeAttribute("aria-current");
  const n = app.conflictCount || 0;
  mount(
    btn,
    h("span", { class: "nav-sync-icon", "aria-hidden": "true" }, "⇅"),
    h("span", { class: "nav-sync-label" }, t("nav.sync")),
    n > 0 ? h("span", { id: "nav-sync-conflicts", class: "nav-sync-count", "aria-hidden": "true" }, n > 99 ? "99+" : String(n)) : null,
  );
  const title = n > 0 ? `${t("nav.sync_title")} · ${t("nav.sync_conflicts", { n })}` : t("nav.sync_title");
  btn.title = title;
  btn.setAttribute("aria-label", n > 0 ? `${t("nav.sync")} (${t("nav.sync_conflicts", { n })})` : t("nav.sync"));
}

function setConflictCount(n) {
  const next = Number.isFinite(Number(n)) ? Math.max(0, Number(n)) : null;
  if (next === app.conflictCount) return;
  app.conflictCount = next;
  renderNavSync();
}

/** Ask Rust how many records are in conflict (quietly: the badge is a hint, not a screen). */
async function refreshConflictCount() {
  try {
    const overview = await api.syncOverview();
    setConflictCount(overview ? overview.conflict_count : null);
    return overview;
  } catch {
    return null;
  }
}

function renderBreadcrumb(crumbsOverride, backOverride) {
  if (crumbsOverride === undefined && current && current.failed) return; // keep the error breadcrumb
  const crumbs = crumbsOverride || (current && current.ctrl.breadcrumb ? current.ctrl.breadcrumb() : []);
  const back = crumbsOverride ? backOverride : current && current.ctrl.backRoute ? current.ctrl.backRoute() : null;
  const nodes = [];
  if (back) {
    const a = h("a", { id: "nav-back", class: "nav-back", href: routeHash(back), title: t("nav.back") }, h("span", { class: "nav-back-arrow", "aria-hidden": "true" }, "‹"), t("nav.back"));
    a.addEventListener("click", (ev) => {
      ev.preventDefault();
      navigate(back);
    });
    nodes.push(a);
  }
  const list = h("ol", { class: "crumbs" });
  crumbs.forEach((c, i) => {
    const last = i === crumbs.length - 1;
    let node;
    if (c.route && !last) {
      node = h("a", { href: routeHash(c.route), class: "crumb-link", title: c.label }, c.label);
      node.addEventListener("click", (ev) => {
        ev.preventDefault();
        navigate(c.route);
      });
    } else {
      node = h("span", { class: "crumb-current", title: c.label, "aria-current": last ? "page" : null }, c.label);
    }
    list.appendChild(h("li", { class: "crumb" }, node));
  });
  nodes.push(list);
  mount(els.breadcrumb, nodes);
}

async function switchLanguage(lang) {
  if (lang === getLang()) return;
  // Switch in place first (keeps unsaved edits and scroll position), then persist.
  const scrollY = window.scrollY;
  setLang(lang);
  renderHeader();
  renderCurrent();
  window.scrollTo(0, scrollY);
  if (current && current.loaded && current.ctrl.afterRender) current.ctrl.afterRender();
  if (app.state) app.state.lang = lang;
  try {
    await api.setLanguage(lang);
  } catch (err) {
    notify(toError(err).message);
  }
}

/** Read the app's state again and show the current screen afresh: a restore replaced the data
 * under every screen (and maybe the language and the laptop's name). */
async function reloadState() {
  app.state = await api.appState();
  setLang(app.state.lang);
  renderHeader();
  refreshConflictCount();
  if (current) await navigate(current.route, { replace: true, force: true });
}

// ---------- notifications ----------

function notify(message, kind = "error") {
  const close = h("button", { type: "button", class: "toast-close", "aria-label": t("action.close") }, "×");
  const toast = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" }, h("span", { class: "toast-text" }, message), close);
  const remove = () => toast.remove();
  close.addEventListener("click", remove);
  els.toasts.appendChild(toast);
  setTimeout(remove, kind === "error" ? 8000 : 4000);
}

// ---------- start ----------

/** Save whatever the current screen still holds. Resolves when it is written (or failed). */
function flushCurrent() {
  if (current && current.ctrl.flush) return Promise.resolve(current.ctrl.flush());
  return Promise.resolve(true);
}

async function start() {
  els.langVi.addEventListener("click", () => switchLanguage("vi"));
  els.langEn.addEventListener("click", () => switchLanguage("en"));
  els.navSync.addEventListener("click", () => {
    if (app.state && !(current && current.route.name === "sync")) navigate({ name: "sync" });
  });
  els.search.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const q = els.searchInput.value.trim();
    if (q && app.state) navigate({ name: "search", id: q });
  });
  els.device.addEventListener("click", () => {
    if (!current || current.route.name !== "laptops") navigate({ name: "laptops" });
  });
  els.navUnits.addEventListener("click", () => {
    // From a unit opened by its route (#/units/<id>) too: the directory from its top.
    if (app.state && !(current && current.route.name === "units" && current.route.id === undefined)) navigate({ name: "units" });
  });
  els.brand.addEventListener("click", (ev) => {
    ev.preventDefault();
    if (app.state) navigate({ name: "campaigns" });
  });
  window.addEventListener("hashchange", () => {
    const route = parseHash(location.hash);
    if (route && !sameRoute(route, current && current.route)) navigate(route, { fromHash: true });
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flushCurrent();
  });
  window.addEventListener("beforeunload", flushCurrent);
  window.addEventListener("pagehide", flushCurrent);
  // Closing the window waits for the last keystrokes to reach the database.
  api.onCloseRequested(async () => {
    try {
      await flushCurrent();
    } finally {
      await api.closeApp();
    }
  });

  setLang(getLang());
  renderHeader();
  try {
    app.state = await api.appState();
  } catch (err) {
    mount(
      els.main,
      h(
        "div",
        { class: "state-panel error-panel", role: "alert" },
        h("h1", { class: "state-title" }, t("error.start_title")),
        h("p", { class: "state-text" }, toError(err).message),
        h("div", { class: "state-actions" }, h("button", { type: "button", class: "btn btn-primary", onClick: () => location.reload() }, t("action.retry"))),
      ),
    );
    return;
  }
  setLang(app.state.lang);
  renderHeader();
  // The conflict badge in the header, whatever screen opens first (the sync screens refresh it too).
  if (app.state.onboarded || app.state.campaign_count > 0) refreshConflictCount();
  const fromHash = parseHash(location.hash);
  // A laptop is named by its people before anything else (never after its hostname).
  const route = !app.state.device_named
    ? { name: "laptops" }
    : fromHash || (!app.state.onboarded && app.state.campaign_count === 0 ? { name: "welcome" } : { name: "campaigns" });
  navigate(route, { replace: true });
}

start();
