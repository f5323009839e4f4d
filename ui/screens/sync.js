// Sync: export a bundle, pick bundles (preview), import them with progress, import history,
// known computers. Everything a bundle carries (file names, device and inspector names, error
// messages) is shown as text.
import { h, mount } from "../lib/dom.js";
import { formatDateTime, formatNumber, formatBytes, peopleText } from "../lib/format.js";
import { toError } from "../lib/errors.js";
import { updateProgressBar } from "../lib/widgets.js";
import { t } from "../i18n.js";

// The pick and the import outlive the screen: Rust keeps the picked files until bundle_import, and
// an import keeps running if the person looks at another screen meanwhile.
const session = {
  overview: null, // sync_overview
  picking: false,
  picked: null, // bundle_pick result
  pickError: null,
  importing: false,
  progress: null, // last sync://progress payload
  summary: null, // bundle_import result
  importError: null,
  teams: null, // campaign id → [{id, name}], for enrolling a laptop from the preview
  choice: {}, // file index → the enrolment picked in its row ("team:<campaign>:<team>" | "secretariat:<campaign>")
  deciding: null, // file index whose enrol or trust call is running
  decideError: {}, // file index → message
  onChange: null, // the mounted screen's update function
};

function changed(what) {
  if (session.onChange) session.onChange(what);
}

function okFiles(picked) {
  return picked ? (picked.files || []).filter((f) => f.ok) : [];
}

export function create(app) {
  let exportCampaign = "";
  let exportPlain = false; // a plain bundle only by an explicit choice
  let exportReaders = null; // who an export of the current choice would be readable by
  let readersFor = undefined; // the choice exportReaders was asked for
  let readersOverview = undefined; // and the overview then (an import or enrolment since may add readers)
  let exporting = false;
  let exportResult = null;
  let exportError = null;
  /** DOM of the current render. */
  let refs = null;

  async function load() {
    // Back on the screen while an import runs: Rust is busy with it, show what we have.
    if (session.importing && session.overview) return;
    session.overview = await app.api.syncOverview();
    app.setConflictCount(session.overview.conflict_count);
  }

  async function refreshOverview() {
    const overview = await app.refreshConflictCount();
    if (overview) {
      session.overview = overview;
      changed("overview");
    }
  }

  // ---------- export ----------

  async function runExport() {
    if (exporting) return;
    exporting = true;
    exportResult = null;
    exportError = null;
    replaceExportCard();
    try {
      const res = await app.api.bundleExport(exportCampaign === "" ? null : exportCampaign, exportPlain);
      exportResult = res || null; // null: the person cancelled the dialog
    } catch (err) {
      exportError = toError(err).message;
    } finally {
      exporting = false;
      replaceExportCard(true);
    }
  }

  // ---------- pick and import ----------

  async function pick() {
    if (session.picking || session.importing) return;
    session.picking = true;
    session.pickError = null;
    changed("import");
    try {
      const res = await app.api.bundlePick();
      if (res) {
        // A new choice replaces the previous one (Rust has replaced it too).
        session.picked = { files: res.files || [] };
        session.choice = {};
        session.decideError = {};
        session.teams = null;
        session.summary = null;
        session.importError = null;
      }
    } catch (err) {
      session.pickError = toError(err).message;
    } finally {
      session.picking = false;
      changed("import-picked");
    }
  }

  // ---------- a laptop nobody here knows: enrol it, or trust a campaign's owner ----------

  async function loadTeams() {
    if (session.teams) return;
    session.teams = {};
    const campaigns = (session.overview && session.overview.campaigns) || [];
    for (const c of campaigns) {
      try {
        const o = await app.api.campaignOverview(c.id);
        session.teams[c.id] = (o.teams || []).map((tm) => ({ id: tm.id, name: tm.name }));
      } catch {
        session.teams[c.id] = [];
      }
    }
    changed("import-picked");
  }

  async function decide(index, run) {
    if (session.deciding !== null) return;
    session.deciding = index;
    delete session.decideError[index];
    changed("import-picked");
    try {
      const outcome = await run();
      session.picked.files[index] = outcome;
      loadReaders(); // an enrolled laptop reads what is exported from now on
    } catch (err) {
      session.decideError[index] = toError(err).message;
    } finally {
      session.deciding = null;
      changed("import-picked");
    }
  }

  function enrol(index) {
    const picked = session.choice[index] || "";
    const [role, campaign, team] = picked.split(":");
    if (!campaign) return;
    decide(index, () => app.api.trustEnrollMaker({ file_index: index, campaign, role, team: team || null }));
  }

  function trustOwner(index, device) {
    decide(index, () => app.api.trustOwner(index, device));
  }

  async function runImport() {
    if (session.importing || session.picking || !okFiles(session.picked).length) return;
    session.importing = true;
    session.progress = null;
    session.summary = null;
    session.importError = null;
    changed("import");
    let unlisten = null;
    try {
      unlisten = await app.api.onSyncProgress((p) => {
        if (!session.importing || !p) return;
        session.progress = p;
        changed("progress");
      });
      session.summary = await app.api.bundleImport();
    } catch (err) {
      session.importError = toError(err).message;
    } finally {
      if (unlisten) unlisten();
      session.importing = false;
      session.picked = null; // Rust has used up the picked files either way
      changed("import-done");
    }
    await refreshOverview();
  }

  // ---------- rendering ----------

  function cardHead(icon, title, id) {
    return h("div", { class: "sync-card-head" }, h("span", { class: "sync-card-icon", "aria-hidden": "true" }, icon), h("h2", { class: "sync-card-title", id }, title));
  }

  function banner() {
    const n = session.overview ? session.overview.conflict_count || 0 : 0;
    if (n > 0) {
      return h(
        "div",
        { id: "conflict-banner", class: "sync-banner warn", role: "status" },
        h("span", { class: "sync-banner-icon", "aria-hidden": "true" }, "!"),
        h("div", { class: "sync-banner-text" }, h("strong", null, t("sync.banner_count", { n })), h("span", null, t("sync.banner_text"))),
        h("button", { type: "button", id: "btn-conflicts", class: "btn btn-warn", onClick: () => app.navigate({ name: "conflicts" }) }, t("sync.banner_action"), h("span", { "aria-hidden": "true" }, "→")),
      );
    }
    return h("div", { id: "conflict-banner", class: "sync-banner ok", role: "status" }, h("span", { class: "sync-banner-icon", "aria-hidden": "true" }, "✓"), h("div", { class: "sync-banner-text" }, h("span", null, t("sync.banner_none"))));
  }

  function exportCard() {
    const campaigns = session.overview ? session.overview.campaigns || [] : [];
    if (exportCampaign !== "" && !campaigns.some((c) => String(c.id) === exportCampaign)) exportCampaign = "";
    const select = h(
      "select",
      { id: "export-campaign", class: "select", disabled: exporting || session.importing },
      h("option", { value: "" }, t("export.all")),
      campaigns.map((c) => h("option", { value: String(c.id), title: c.name }, c.year ? `${c.year} · ${c.name}` : c.name)),
    );
    select.value = exportCampaign;
    select.addEventListener("change", () => {
      exportCampaign = select.value;
      loadReaders();
    });
    if (readersFor !== exportCampaign || readersOverview !== session.overview) loadReaders();
    const plainBox = h("input", { type: "checkbox", id: "export-plain", disabled: exporting || session.importing, checked: exportPlain });
    plainBox.addEventListener("change", () => {
      exportPlain = plainBox.checked;
      replaceExportCard();
    });
    const plainField = h(
      "div",
      { class: "field sync-field export-plain" },
      h("label", { class: "check", for: "export-plain" }, plainBox, t("export.plain")),
      exportPlain ? h("p", { class: "form-warning", id: "export-plain-warning", role: "note" }, t("export.plain_warning")) : null,
    );
    let outcome = null;
    if (exportResult) {
      outcome = h(
        "div",
        { id: "export-result", class: "sync-result ok", role: "status", tabindex: "-1" },
        h("p", { class: "sync-result-title" }, h("span", { class: "tick", "aria-hidden": "true" }, "✓"), t("export.done")),
        h("p", { class: "path", title: String(exportResult.path ?? "") }, String(exportResult.path ?? "")),
        h(
          "p",
          { class: "sync-result-counts" },
          t("export.counts", {
            revisions: formatNumber(exportResult.revisions),
            records: formatNumber(exportResult.records),
            size: formatBytes(exportResult.bytes),
          }),
        ),
        readersLine(exportResult),
        (exportResult.without_key || []).length
          ? h("p", { class: "form-warning", id: "export-without-key" }, t("export.without_key", { names: exportResult.without_key.join(", ") }))
          : null,
      );
    } else if (exportError) {
      outcome = h("p", { id: "export-error", class: "form-error", role: "alert" }, exportError);
    }
    const card = h(
      "section",
      { class: "card sync-card", id: "export-card", "aria-labelledby": "export-title" },
      cardHead("↑", t("export.title"), "export-title"),
      h("p", { class: "sync-card-text" }, t("export.text")),
      h("div", { class: "field sync-field" }, h("label", { class: "field-label", for: "export-campaign" }, t("export.scope")), select),
      exportPlain || !exportReaders || exportResult ? null : readersLine({ ...exportReaders, before: true }),
      plainField,
      h(
        "div",
        { class: "sync-actions" },
        h(
          "button",
          { type: "button", id: "btn-export", class: "btn btn-primary", disabled: exporting || session.importing, "aria-busy": exporting ? "true" : null, onClick: runExport },
          exporting ? h("span", { class: "spinner small", "aria-hidden": "true" }) : null,
          exporting ? t("export.working") : t("export.button"),
        ),
      ),
      outcome,
    );
    refs.exportCard = card;
    return card;
  }

  function lockIcon() {
    return h("img", { class: "lock-small", src: "assets/lock.svg", alt: "", width: "14", height: "14" });
  }

  /** Who can open the file (about to be) written: the readers' names, or that anyone can. */
  function readersLine(res) {
    const id = res.before ? "export-readers-before" : "export-readers";
    if (res.introduction) return h("p", { class: "export-readers", id }, t("export.introduction"));
    if (!res.readers) return h("p", { class: "export-readers form-warning", id }, t("export.readers_plain"));
    const names = res.readers.map((r) => (r.id === "recovery" ? t("export.recovery_key") : r.name));
    if (res.before && res.readers.length < 2) return h("p", { class: "export-readers form-warning", id }, t("export.nobody_else"));
    return h("p", { class: "export-readers", id }, lockIcon(), t(res.before ? "export.readers_before" : "export.readers", { names: names.join(", ") }));
  }

  /** Ask Rust who an export of the current choice would be readable by (the card shows it). */
  async function loadReaders() {
    const asked = exportCampaign;
    readersFor = asked;
    readersOverview = session.overview;
    try {
      const r = await app.api.bundleReaders(asked === "" ? null : asked);
      if (readersFor !== asked) return; // a newer choice was made meanwhile
      exportReaders = r;
    } catch {
      exportReaders = null;
    }
    replaceExportCard();
  }

  function replaceExportCard(focusOutcome) {
    if (!refs || !refs.exportCard || !refs.exportCard.isConnected) return;
    const old = refs.exportCard;
    const hadFocus = old.contains(document.activeElement) || document.activeElement === document.body;
    const next = exportCard(); // sets refs.exportCard
    old.replaceWith(next);
    if (focusOutcome && hadFocus) {
      const target = next.querySelector("#export-result") || next.querySelector("#btn-export");
      if (target) target.focus({ preventScroll: true });
    }
  }

  function signerCell(rep) {
    const dev = rep.device || {};
    const fp = rep.fingerprint || "";
    return h(
      "td",
      { class: "pv-signer" },
      h(
        "div",
        { class: "pv-device" },
        h("span", { class: "pv-device-name" }, dev.name || dev.id || "—"),
        rep.new_device ? h("span", { class: "badge badge-unknown", title: t("import.unknown_device_title") }, t("import.unknown_device")) : null,
      ),
      rep.inspector ? h("div", { class: "pv-sub" }, t("import.inspector", { name: rep.inspector })) : null,
      rep.new_device && fp ? h("div", { class: "pv-sub mono", title: t("devices.fingerprint") }, t("import.fingerprint", { fp })) : null,
      // Its maker's clock runs ahead: the revisions are taken, and marked.
      rep.clock_ahead > 0
        ? h("div", { class: "pv-sub" }, h("span", { class: "badge badge-clock-ahead", title: t("import.clock_ahead_title") }, t("import.clock_ahead", { n: formatNumber(rep.clock_ahead) })))
        : null,
      // Who it was encrypted to (a finder of the stick reads nothing), or that it was not.
      rep.encrypted_to
        ? h("div", { class: "pv-sub pv-readers" }, lockIcon(), t("import.encrypted_to", { names: rep.encrypted_to.map((r) => (r.kind === "recovery" ? t("export.recovery_key") : r.name)).join(", ") }))
        : h("div", { class: "pv-sub pv-readers" }, t("import.plain")),
      // Records of signed minutes it changes: kept, shown on the visit, never in the signed text.
      (rep.changed_after_signing || []).length
        ? h("div", { class: "pv-sub" }, h("span", { class: "badge badge-refused", title: t("import.after_signing_title") }, t("import.after_signing", { n: rep.changed_after_signing.length })))
        : null,
    );
  }

  function countCell(n, cls) {
    const v = Number(n) || 0;
    return h("td", { class: ["num", cls, v === 0 && "zero"] }, formatNumber(v));
  }

  function previewTable(files) {
    return h(
      "table",
      { id: "import-preview", class: "sync-table preview-table" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          h("th", { scope: "col" }, t("import.col_file")),
          h("th", { scope: "col" }, t("import.col_signer")),
          h("th", { scope: "col" }, t("import.col_created")),
          h("th", { scope: "col", class: "num" }, t("import.col_new")),
          h("th", { scope: "col", class: "num" }, t("import.col_known")),
          h("th", { scope: "col", class: "num" }, t("import.col_conflicts")),
        ),
      ),
      h(
        "tbody",
        null,
        files.map((f, index) => {
          const fileCell = h("td", { class: "pv-file" }, h("span", { class: "file-name" }, String(f.file ?? "")));
          if (!f.ok && f.stranger) return strangerRow(f, index);
          if (!f.ok) {
            const err = f.error || {};
            return h(
              "tr",
              { class: "preview-row refused", dataset: { file: f.file, ok: "false" } },
              fileCell,
              h(
                "td",
                { colspan: "5", class: "pv-error-cell" },
                h("span", { class: "badge badge-refused" }, t("import.refused")),
                h("span", { class: "preview-error" }, String(err.message ?? err.code ?? "")),
              ),
            );
          }
          const rep = f.report || {};
          return h(
            "tr",
            { class: ["preview-row", rep.new_device && "new-device"], dataset: { file: f.file, ok: "true" } },
            fileCell,
            signerCell(rep),
            h("td", { class: "pv-created nowrap" }, formatDateTime(rep.created_at) || "—"),
            countCell(rep.new_revisions, "pv-new"),
            countCell(rep.known_revisions, "pv-known"),
            countCell(rep.new_conflicts, "pv-conflicts"),
          );
        }),
      ),
    );
  }

  /** A refused bundle whose laptop nobody here knows: who it is, and the choice to make. */
  function strangerRow(f, index) {
    const s = f.stranger;
    const unknown = f.error && f.error.code === "unknown_laptop";
    const people = peopleText(s.people);
    const busy = session.deciding === index;
    let action;
    if (unknown) {
      if (!session.teams) loadTeams();
      const campaigns = (session.overview && session.overview.campaigns) || [];
      const options = [h("option", { value: "" }, "—")];
      for (const c of campaigns) {
        const teams = (session.teams && session.teams[c.id]) || [];
        options.push(
          h(
            "optgroup",
            { label: c.name },
            teams.map((tm) => h("option", { value: `team:${c.id}:${tm.id}` }, t("import.enrol_team", { campaign: c.name, team: tm.name }))),
            h("option", { value: `secretariat:${c.id}` }, t("import.enrol_secretariat", { campaign: c.name })),
          ),
        );
      }
      const select = h("select", { id: `enrol-choice-${index}`, class: "text-input enrol-choice", disabled: busy }, options);
      select.value = session.choice[index] || "";
      select.addEventListener("change", () => {
        session.choice[index] = select.value;
        changed("import-picked");
      });
      action = campaigns.length
        ? h(
            "div",
            { class: "stranger-action" },
            h("label", { class: "field-label", for: `enrol-choice-${index}` }, t("import.enrol_into")),
            select,
            h("button", { type: "button", class: "btn btn-primary btn-enrol", disabled: busy || !session.choice[index], "aria-busy": busy ? "true" : null, onClick: () => enrol(index) }, t("import.enrol_button")),
          )
        : h("p", { class: "muted small" }, t("import.enrol_none"));
    } else {
      action = h(
        "div",
        { class: "stranger-action" },
        h("button", { type: "button", class: "btn btn-primary btn-trust-owner", disabled: busy, "aria-busy": busy ? "true" : null, onClick: () => trustOwner(index, s.device_id) }, t("import.trust_button")),
      );
    }
    // The file's row says why it waits; the row under it, across the table, whom to enrol or trust.
    return [
      h(
        "tr",
        { class: "preview-row refused stranger", dataset: { file: f.file, ok: "false", code: f.error.code } },
        h("td", { class: "pv-file" }, h("span", { class: "file-name" }, String(f.file ?? ""))),
        h(
          "td",
          { colspan: "5", class: "pv-error-cell" },
          h("p", { class: "stranger-title" }, h("span", { class: "badge badge-refused" }, t("import.refused")), " ", unknown ? t("import.stranger_unknown", { name: s.name }) : t("import.stranger_owner", { name: s.name, campaign: s.campaign_name || "" })),
        ),
      ),
      h(
        "tr",
        { class: "stranger-detail" },
        h(
          "td",
          { colspan: "6", class: "stranger-cell" },
          h(
            "dl",
            { class: "stranger-facts" },
            h("dt", null, t("import.stranger_people")),
            h("dd", { class: "stranger-people" }, people || "—"),
            h("dt", null, t("laptops.fingerprint")),
            h("dd", { class: "fingerprint-big mono stranger-fingerprint" }, s.fingerprint || "—"),
          ),
          h("p", { class: "muted small" }, t("import.stranger_compare")),
          action,
          session.decideError[index] ? h("p", { class: "form-error", role: "alert" }, session.decideError[index]) : null,
        ),
      ),
    ];
  }

  function progressText(p) {
    if (!p) return t("import.backing_up");
    return t("import.progress", {
      file: p.file_index,
      files: p.file_count,
      done: formatNumber(p.done),
      total: formatNumber(p.total),
    });
  }

  /** Overall fraction across files (file_index is 1-based), in thousandths. */
  function progressValue(p) {
    if (!p || !p.file_count) return 0;
    const within = p.total > 0 ? Math.min(p.done / p.total, 1) : 1;
    return Math.round(((Math.max(p.file_index, 1) - 1 + within) / p.file_count) * 1000);
  }

  function updateProgress() {
    if (!refs || !refs.progressBar) return;
    const p = session.progress;
    updateProgressBar(refs.progressBar, progressValue(p), 1000);
    refs.progressText.textContent = progressText(p);
    refs.progressFile.textContent = p && p.file ? String(p.file) : "";
  }

  function summaryBlock(sum) {
    const files = sum.files || [];
    const ok = files.filter((f) => f.ok);
    const newConflicts = ok.reduce((acc, f) => acc + (Number(f.report && f.report.new_conflicts) || 0), 0);
    const afterSigning = ok.flatMap((f) => (f.report && f.report.changed_after_signing) || []);
    const allOk = ok.length === files.length;
    return h(
      "div",
      { id: "import-summary", class: ["sync-result", allOk ? "ok" : "partial"], role: "status", tabindex: "-1" },
      h(
        "p",
        { class: "sync-result-title" },
        h("span", { class: "tick", "aria-hidden": "true" }, allOk ? "✓" : "!"),
        allOk ? t("import.done_title") : t("import.done_partial", { ok: ok.length, n: files.length }),
      ),
      h(
        "ul",
        { class: "summary-list" },
        files.map((f) => {
          const rep = f.report || {};
          return h(
            "li",
            { class: ["summary-row", f.ok ? "ok" : "failed"], dataset: { file: f.file, ok: String(!!f.ok) } },
            h(
              "span",
              { class: "summary-file" },
              h("span", { class: "file-name" }, String(f.file ?? "")),
              f.ok && rep.new_device
                ? h("span", { class: "badge badge-unknown", title: t("import.new_device_title", { name: (rep.device && rep.device.name) || "" }) }, t("import.new_device"))
                : null,
            ),
            f.ok
              ? h(
                  "span",
                  { class: "summary-counts" },
                  t("import.file_result", {
                    new: formatNumber(rep.new_revisions || 0),
                    known: formatNumber(rep.known_revisions || 0),
                  }),
                  rep.new_conflicts > 0 ? h("span", { class: "summary-conflicts" }, " · " + t("import.file_conflicts", { n: Number(rep.new_conflicts) })) : null,
                )
              : h("span", { class: "preview-error" }, String((f.error && (f.error.message || f.error.code)) ?? "")),
          );
        }),
      ),
      sum.backup ? h("p", { class: "summary-backup" }, h("span", { class: "muted" }, t("import.backup") + ": "), h("span", { class: "path", id: "import-backup" }, String(sum.backup))) : null,
      afterSigning.length
        ? h(
            "div",
            { class: "summary-after-signing", id: "summary-after-signing", role: "note" },
            h("p", null, h("span", { class: "badge badge-refused" }, t("seal.badge")), " ", t("import.after_signing_text")),
            h(
              "ul",
              null,
              afterSigning.map((c) =>
                h(
                  "li",
                  null,
                  h(
                    "a",
                    {
                      href: `#/visit/${encodeURIComponent(String(c.visit_id))}`,
                      class: "after-signing-link",
                      dataset: { visit: c.visit_id },
                      onClick: (ev) => {
                        ev.preventDefault();
                        app.navigate({ name: "visit", id: String(c.visit_id) });
                      },
                    },
                    c.unit || c.visit_id,
                  ),
                  " · ",
                  t("import.after_signing_count", { n: c.count }),
                ),
              ),
            ),
          )
        : null,
      newConflicts > 0
        ? h(
            "div",
            { class: "sync-actions" },
            h("button", { type: "button", id: "btn-summary-conflicts", class: "btn btn-warn", onClick: () => app.navigate({ name: "conflicts" }) }, t("import.resolve", { n: newConflicts }), h("span", { "aria-hidden": "true" }, "→")),
          )
        : null,
    );
  }

  function importCard() {
    refs.progressBar = null;
    const picked = session.picked;
    const files = picked ? picked.files : [];
    const nOk = okFiles(picked).length;
    const busy = session.picking || session.importing;

    const pickBtn = h(
      "button",
      { type: "button", id: "btn-pick", class: ["btn", !picked && !session.summary && "btn-primary"], disabled: busy, "aria-busy": session.picking ? "true" : null, onClick: pick },
      session.picking ? h("span", { class: "spinner small", "aria-hidden": "true" }) : null,
      session.picking ? t("import.picking") : t("import.pick"),
    );

    const body = [];
    if (session.pickError) body.push(h("p", { id: "pick-error", class: "form-error", role: "alert" }, session.pickError));
    if (picked) {
      const nBad = files.length - nOk;
      body.push(
        h(
          "div",
          { class: "preview-head" },
          h("h3", { class: "sub-title" }, t("import.preview_title", { n: files.length })),
          h("span", { class: "preview-tally" }, nBad ? t("import.preview_tally", { ok: nOk, bad: nBad }) : t("import.preview_all_ok")),
        ),
        h("div", { class: "table-wrap" }, previewTable(files)),
      );
      const importBtn = h(
        "button",
        { type: "button", id: "btn-import", class: "btn btn-primary", disabled: nOk === 0 || busy, "aria-busy": session.importing ? "true" : null, onClick: runImport },
        session.importing ? h("span", { class: "spinner small", "aria-hidden": "true" }) : null,
        session.importing ? t("import.working") : t("import.button", { n: nOk }),
      );
      body.push(
        h(
          "div",
          { class: "sync-actions import-actions" },
          nOk === 0 ? h("span", { class: "muted small" }, t("import.none_ok")) : h("span", { class: "muted small" }, t("import.backup_note")),
          importBtn,
        ),
      );
    }
    if (session.importing) {
      const bar = h("progress", { id: "import-progress", class: "bar import-bar", max: "1000", value: "0" });
      bar.setAttribute("aria-label", t("import.working"));
      const text = h("span", { id: "import-progress-text", class: "import-progress-text" });
      const fileEl = h("span", { class: "import-progress-file" });
      refs.progressBar = bar;
      refs.progressText = text;
      refs.progressFile = fileEl;
      body.push(h("div", { class: "import-status", role: "status", "aria-live": "polite" }, h("div", { class: "import-status-line" }, text, fileEl), bar));
    }
    if (session.importError) body.push(h("p", { id: "import-error", class: "form-error", role: "alert" }, session.importError));
    if (session.summary) body.push(summaryBlock(session.summary));

    const card = h(
      "section",
      { class: "card sync-card", id: "import-card", "aria-labelledby": "import-title" },
      h("div", { class: "sync-card-top" }, cardHead("↓", t("import.title"), "import-title"), pickBtn),
      h("p", { class: "sync-card-text" }, t("import.text")),
      body,
    );
    refs.importCard = card;
    if (session.importing) updateProgress();
    return card;
  }

  function replaceImportCard(focus) {
    if (!refs || !refs.importCard || !refs.importCard.isConnected) return;
    const old = refs.importCard;
    const hadFocus = old.contains(document.activeElement) || document.activeElement === document.body;
    const next = importCard(); // sets refs.importCard and the progress refs
    old.replaceWith(next);
    // the export card follows the import (disabled while importing)
    replaceExportCard(false);
    if (!focus || !hadFocus) return;
    let target = null;
    if (focus === "picked") target = next.querySelector("#btn-import:not(:disabled)") || next.querySelector("#pick-error") || next.querySelector("#btn-pick");
    else if (focus === "done") target = next.querySelector("#import-summary") || next.querySelector("#import-error") || next.querySelector("#btn-pick");
    if (target) target.focus({ preventScroll: focus !== "done" });
    if (focus === "done" && target) target.scrollIntoView({ block: "nearest" });
  }

  function historyCard() {
    const rows = session.overview ? session.overview.imports || [] : [];
    let content;
    if (!rows.length) {
      content = h("p", { class: "muted small empty-line" }, t("history.empty"));
    } else {
      content = h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { id: "import-history", class: "sync-table history-table" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              h("th", { scope: "col" }, t("history.col_at")),
              h("th", { scope: "col" }, t("history.col_file")),
              h("th", { scope: "col" }, t("history.col_created")),
              h("th", { scope: "col", class: "num" }, t("history.col_new")),
              h("th", { scope: "col", class: "num" }, t("history.col_conflicts")),
            ),
          ),
          h(
            "tbody",
            null,
            rows.map((r) =>
              h(
                "tr",
                { class: "history-row", dataset: { device: r.device_id } },
                h("td", { class: "nowrap" }, formatDateTime(r.at)),
                h("td", { class: "hist-file" }, h("span", { class: "file-name" }, String(r.file_name ?? "")), h("span", { class: "pv-sub" }, String(r.device_name || r.device_id || ""))),
                h("td", { class: "nowrap" }, formatDateTime(r.created_at)),
                h("td", { class: "num nowrap" }, h("span", { class: "strong" }, formatNumber(r.new_revisions)), h("span", { class: "muted" }, " / " + formatNumber(r.revisions))),
                h("td", { class: ["num", r.conflicts > 0 ? "has-conflicts" : "zero"] }, formatNumber(r.conflicts)),
              ),
            ),
          ),
        ),
      );
    }
    return h(
      "section",
      { class: "card sync-card", id: "history-card", "aria-labelledby": "history-title" },
      h("div", { class: "sync-card-head" }, h("span", { class: "sync-card-icon", "aria-hidden": "true" }, "≡"), h("h2", { class: "sync-card-title", id: "history-title" }, t("sync.history_title")), rows.length ? h("span", { class: "side-count" }, String(rows.length)) : null),
      content,
    );
  }

  function devicesCard() {
    const devices = session.overview ? session.overview.devices || [] : [];
    return h(
      "section",
      { class: "card sync-card", id: "devices-card", "aria-labelledby": "devices-title" },
      h("div", { class: "sync-card-head" }, h("span", { class: "sync-card-icon", "aria-hidden": "true" }, "▣"), h("h2", { class: "sync-card-title", id: "devices-title" }, t("devices.title")), h("span", { class: "side-count" }, String(devices.length))),
      h(
        "ul",
        { id: "devices", class: "device-list" },
        devices.map((d) => {
          const fp = d.fingerprint || "";
          return h(
            "li",
            { class: ["device-item", d.is_self && "is-self"], dataset: { id: d.id } },
            h("div", { class: "device-line" }, h("span", { class: "device-name" }, d.name || d.id), d.is_self ? h("span", { class: "self-tag" }, t("devices.self")) : null),
            h(
              "div",
              { class: "device-facts" },
              h("span", { class: ["fingerprint", "mono", !fp && "none"], title: t("devices.fingerprint") }, fp || t("devices.no_key")),
              d.first_seen ? h("span", { class: "device-seen" }, t("devices.first_seen", { date: formatDateTime(d.first_seen) })) : null,
            ),
          );
        }),
      ),
    );
  }

  function render() {
    refs = { exportCard: null, importCard: null, progressBar: null, progressText: null, progressFile: null, banner: null, history: null, devices: null };
    refs.banner = banner();
    refs.history = historyCard();
    refs.devices = devicesCard();
    return h(
      "section",
      { id: "sync", class: "screen sync" },
      h("div", { class: "page-head" }, h("div", null, h("h1", { class: "page-title" }, t("sync.title")), h("p", { class: "page-sub" }, t("sync.subtitle")))),
      refs.banner,
      h(
        "div",
        { class: "sync-layout" },
        h("div", { class: "sync-col-main" }, importCard(), refs.history),
        h("div", { class: "sync-col-side" }, exportCard(), refs.devices),
      ),
    );
  }

  function onSessionChange(what) {
    if (!refs) return;
    if (what === "progress") return updateProgress();
    if (what === "overview") {
      for (const [key, make] of [["banner", banner], ["history", historyCard], ["devices", devicesCard]]) {
        if (refs[key] && refs[key].isConnected) {
          const next = make();
          refs[key].replaceWith(next);
          refs[key] = next;
        }
      }
      return replaceExportCard(false); // campaigns may have arrived with the import
    }
    replaceImportCard(what === "import-picked" ? "picked" : what === "import-done" ? "done" : null);
  }

  session.onChange = onSessionChange;

  return {
    load,
    render,
    dispose: () => {
      if (session.onChange === onSessionChange) session.onChange = null;
      refs = null;
    },
    breadcrumb: () => [{ label: t("nav.campaigns"), route: { name: "campaigns" } }, { label: t("nav.sync") }],
  };
}
