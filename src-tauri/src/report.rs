//! Reports: a campaign's results report and a visit's minutes, previewed in the app (the
//! printable HTML, served through `kiemtra-file:` into a sandboxed frame) and exported as
//! DOCX, XLSX or HTML through the save dialog.

use std::sync::atomic::{AtomicU64, Ordering};

use kiemtra_core::report::{self, Report, ReportKind, Warning};
use kiemtra_core::{Error, ErrorPayload, Localize, Store};
use kiemtra_render::{Format, Render};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::dialogs::{filter, FileDialog, Pick};
use crate::messages::Message;
use crate::state::AppState;

static NEXT_PREVIEW: AtomicU64 = AtomicU64::new(1);

/// The document `target` names (`campaign` or `visit`) for `id`, rendered in `format`.
fn render(
    s: &Store,
    target: &str,
    id: &str,
    format: Format,
    figures_done: &dyn Fn(),
) -> Result<(Report, Vec<u8>), Error> {
    let report = s.report(ReportKind::parse(target)?, id)?;
    figures_done();
    let bytes = match &report {
        Report::Campaign(r) => r.render(format)?,
        Report::Visit(m) => m.render(format)?,
    };
    Ok((report, bytes))
}

#[derive(Serialize)]
pub struct Preview {
    /// Where the frame loads the printable HTML from.
    url: String,
    warnings: Vec<Warning>,
    /// Marked "DỰ THẢO": not every visit signed, or a conflict open.
    draft: bool,
}

fn preview_url(token: u64) -> String {
    let path = format!("preview/{token}");
    if cfg!(windows) {
        format!("http://{}.localhost/{path}", crate::attachments::SCHEME)
    } else {
        format!("{}://localhost/{path}", crate::attachments::SCHEME)
    }
}

#[tauri::command(async)]
pub fn report_preview(
    state: State<'_, AppState>,
    target: String,
    id: String,
) -> Result<Preview, ErrorPayload> {
    let (report, html) = state.with(|s| render(s, &target, &id, Format::Html, &|| {}))?;
    let token = NEXT_PREVIEW.fetch_add(1, Ordering::SeqCst);
    *state.preview.lock().unwrap_or_else(|p| p.into_inner()) = Some((token, html));
    Ok(Preview {
        url: preview_url(token),
        warnings: report.warnings().to_vec(),
        draft: match &report {
            Report::Campaign(r) => r.draft,
            Report::Visit(m) => m.draft,
        },
    })
}

/// A starting point for the secretariat's words in the campaign's report, from what its
/// counted visits recorded; nothing is saved.
#[tauri::command(async)]
pub fn report_texts_suggest(
    state: State<'_, AppState>,
    campaign: String,
) -> Result<kiemtra_core::model::ReportTexts, ErrorPayload> {
    state.with(|s| Ok(s.campaign_report(&campaign)?.suggested_texts()))
}

/// Write the document where the person chooses. None: cancelled.
#[tauri::command(async)]
pub fn report_export<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    target: String,
    id: String,
    format: String,
) -> Result<Option<String>, ErrorPayload> {
    let lang = state.lang();
    let fmt = Format::parse(&format)
        .ok_or_else(|| Error::invalid_field("format", format.clone()).payload(lang))?;
    // Progress in three steps the person can read: figures, document, file.
    let step = |done: u32| {
        let _ = app.emit("report://progress", ReportProgress { done, total: 3 });
    };
    step(0);
    let (report, bytes) = state.with(|s| render(s, &target, &id, fmt, &|| step(1)))?;
    step(2);
    let ext = format.to_ascii_lowercase();
    let picked = state.file_dialog_one(
        &app,
        FileDialog {
            pick: Pick::SaveAs,
            title: Message::SaveDocument {
                ext: ext.to_uppercase(),
            }
            .message(lang),
            filter: filter(ext.to_uppercase(), &[ext.as_str()]),
            file_name: Some(report.file_name(&ext)),
        },
    );
    let Some(path) = picked else {
        return Ok(None);
    };
    let path = if path.extension().is_none() {
        path.with_extension(&ext)
    } else {
        path
    };
    let written = state.with(|_| {
        report::write_file(&path, &bytes)?;
        Ok(Some(path.display().to_string()))
    });
    step(3);
    written
}

#[derive(Clone, Serialize)]
struct ReportProgress {
    done: u32,
    total: u32,
}

/// Print the document last previewed (or save it as PDF from the print dialog): it opens in a
/// window of its own, which has no access to the app's commands, and prints once loaded.
#[tauri::command]
pub async fn report_print<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<(), ErrorPayload> {
    use tauri::webview::PageLoadEvent;
    use tauri::{Manager, WebviewUrl, WebviewWindowBuilder};
    let lang = state.lang();
    let token = state
        .preview
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .map(|(n, _)| *n)
        .ok_or_else(|| {
            Error::NotFound {
                what: "file",
                id: "preview".into(),
            }
            .payload(lang)
        })?;
    let url = preview_url(token)
        .parse()
        .map_err(|_| Error::invalid_field("url", "preview").payload(lang))?;
    // Printing again while the window is open shows the newest preview in it (and prints
    // once it has loaded): closing it and building another under the same label races with
    // the close.
    if let Some(open) = app.get_webview_window(PRINT_WINDOW) {
        open.navigate(url)
            .map_err(|e| Error::Io(std::io::Error::other(e.to_string())).payload(lang))?;
        let _ = open.set_focus();
        return Ok(());
    }
    WebviewWindowBuilder::new(&app, PRINT_WINDOW, WebviewUrl::CustomProtocol(url))
        .title(Message::PrintWindow.message(lang))
        .inner_size(900.0, 900.0)
        .on_page_load(|w, payload| {
            if payload.event() == PageLoadEvent::Finished {
                let _ = w.print();
            }
        })
        .build()
        .map_err(|e| Error::Io(std::io::Error::other(e.to_string())).payload(lang))?;
    Ok(())
}

/// The print window's label: not in any capability, so its page can call nothing.
const PRINT_WINDOW: &str = "print";
