// Bản sao lưu (backups), a part of the settings screen: the copies the laptop made before each
// import, when and why, and restoring one. A restore first backs up the data it replaces (so
// it can be undone), asks before it runs, and then the whole app reloads its state.
import { h } from "../lib/dom.js";
import { toError } from "../lib/errors.js";
import { formatBytes, formatDateTime } from "../lib/format.js";
import { t } from "../i18n.js";

/** Why a backup was made, in words (the file names as they were). */
export function reasonText(reason) {
  if (!reason) return t("backups.reason_unknown");
  if (reason.before === "import") return t("backups.reason_import", { files: (reason.files || []).join(", ") });
  if (reason.before === "unit_import") return t("backups.reason_unit_import", { file: reason.file || "" });
  if (reason.before === "restore") return t("backups.reason_restore", { at: formatDateTime(reason.from_at) });
  return t("backups.reason_unknown");
}

/** The section, as `{load, render}`: `render()` returns the card, drawn from what `load` read. */
export function backupsPart(app) {
  let list = [];
  let loadError = null;

  async function load() {
    try {
      list = await app.api.backupsList();
      loadError = null;
    } catch (err) {
      list = [];
      loadError = toError(err).message;
    }
  }

  /** The confirmation, in a modal dialog: what will happen, then the restore or nothing. */
  function confirmRestore(b) {
    const at = formatDateTime(b.created_at);
    let busy = false;
    const error = h("p", { class: "form-error", role: "alert", id: "restore-error", hidden: true });
    const confirm = h("button", { type: "button", class: "btn btn-primary btn-warn", id: "restore-confirm" }, t("backups.restore_confirm"));
    const cancel = h("button", { type: "button", class: "btn", id: "restore-cancel", onClick: () => dialog.close() }, t("action.cancel"));
    const dialog = h(
      "dialog",
      { class: "history-dialog restore-dialog", id: "restore-dialog", "aria-labelledby": "restore-title" },
      h("header", { class: "dialog-head" }, h("h2", { class: "dialog-title", id: "restore-title" }, t("backups.restore_title", { at }))),
      h(
        "div",
        { class: "restore-body" },
        h("p", { id: "restore-what" }, t("backups.restore_what", { at })),
        h("p", { id: "restore-lost" }, t("backups.restore_lost")),
        h("p", { class: "muted", id: "restore-undo" }, t("backups.restore_undo")),
        error,
        h("div", { class: "state-actions" }, confirm, cancel),
      ),
    );
    confirm.addEventListener("click", async () => {
      if (busy) return;
      busy = true;
      confirm.disabled = cancel.disabled = true;
      error.hidden = true;
      try {
        const done = await app.api.backupRestore(b.name);
        dialog.close();
        // The data under every screen changed: the header, the counts and this screen read it again.
        await app.reloadState();
        app.notify(t("backups.restored", { at, saved: formatDateTime(done.saved.created_at) }), "ok");
      } catch (err) {
        busy = false;
        confirm.disabled = cancel.disabled = false;
        error.textContent = toError(err).message;
        error.hidden = false;
      }
    });
    // Escape while the restore runs would hide a dialog whose answer is still coming.
    dialog.addEventListener("cancel", (ev) => {
      if (busy) ev.preventDefault();
    });
    dialog.addEventListener("close", () => dialog.remove());
    document.body.appendChild(dialog);
    dialog.showModal();
    cancel.focus();
  }

  function row(b) {
    return h(
      "tr",
      { class: "backup-row", dataset: { name: b.name } },
      h("td", { class: "nowrap backup-time" }, formatDateTime(b.created_at)),
      h("td", { class: "nowrap num backup-size" }, formatBytes(b.size)),
      h("td", { class: ["backup-reason", !b.reason && "muted"] }, reasonText(b.reason)),
      h(
        "td",
        { class: "backup-action" },
        h("button", { type: "button", class: "btn btn-small backup-restore", title: t("backups.restore_hint"), onClick: () => confirmRestore(b) }, t("backups.restore")),
      ),
    );
  }

  function render() {
    let body;
    if (loadError) body = h("p", { class: "form-error", role: "alert" }, loadError);
    else if (!list.length) body = h("p", { class: "muted", id: "backups-empty" }, t("backups.empty"));
    else
      body = h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "sync-table", id: "backups-table" },
          h("thead", null, h("tr", null, h("th", { scope: "col" }, t("backups.col_time")), h("th", { scope: "col" }, t("backups.col_size")), h("th", { scope: "col" }, t("backups.col_reason")), h("th", { scope: "col" }, h("span", { class: "sr-only" }, t("backups.restore"))))),
          h("tbody", null, list.map(row)),
        ),
      );
    return h("section", { class: "card laptops-backups", id: "backups", "aria-labelledby": "backups-title" }, h("h2", { class: "sub-title", id: "backups-title" }, t("backups.title")), h("p", { class: "muted small" }, t("backups.hint")), body);
  }

  return { load, render };
}
