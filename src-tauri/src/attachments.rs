//! Attachments in the app: chosen in the open dialog or dropped on the window, shown through
//! the `kiemtra-file:` protocol (thumbnails and the files themselves, by hash only), and
//! copied out through the save dialog.

use std::path::PathBuf;

use kiemtra_core::attachments::AttachmentView;
use kiemtra_core::{Error, ErrorPayload, Localize};
use serde::Serialize;
use tauri::http::{header, Request, Response, StatusCode};
use tauri::{AppHandle, Runtime, State, UriSchemeContext};

use crate::dialogs::{filter, FileDialog, Pick};
use crate::messages::Message;
use crate::state::AppState;

/// The protocol the page loads images from: `kiemtra-file://localhost/thumb/<sha256>` and
/// `kiemtra-file://localhost/file/<sha256>`. Only blobs of this database, named by hash.
pub const SCHEME: &str = "kiemtra-file";

const THUMB_PX: u32 = 320;

/// Answered off the main thread: the store may be held by a command waiting on a dialog,
/// whose GTK loop runs on the main thread.
pub fn serve<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    req: Request<Vec<u8>>,
    responder: tauri::UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    std::thread::spawn(move || responder.respond(answer(&app, req.uri().path())));
}

pub(crate) fn answer<R: Runtime>(app: &AppHandle<R>, path: &str) -> Response<Vec<u8>> {
    use tauri::Manager;
    let state = app.state::<AppState>();
    let path = path.trim_start_matches('/');
    let (what, sha) = path.split_once('/').unwrap_or(("", ""));
    if what == "preview" {
        return preview(&state, sha);
    }
    let found = state
        .with(|s| {
            let Some(file) = s.blob_path(sha) else {
                return Ok(None);
            };
            match what {
                "thumb" => s.thumbnail(sha, THUMB_PX).map(|b| Some((b, "image/jpeg"))),
                "file" => {
                    let bytes = std::fs::read(&file)?;
                    let mime = kiemtra_core::attachments::sniff(&bytes[..bytes.len().min(16)])
                        .unwrap_or("application/octet-stream");
                    Ok(Some((bytes, mime)))
                }
                _ => Ok(None),
            }
        })
        .ok()
        .flatten();
    match found {
        Some((bytes, mime)) => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, mime)
            // Content-addressed: a name never changes its bytes.
            .header(header::CACHE_CONTROL, "max-age=31536000, immutable")
            .body(bytes)
            .unwrap_or_default(),
        None => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Vec::new())
            .unwrap_or_default(),
    }
}

/// The report preview: Rust's own printable HTML (all text escaped), framed without
/// scripts; its CSP allows only its inline styles and embedded images.
fn preview(state: &AppState, token: &str) -> Response<Vec<u8>> {
    let current = state
        .preview
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    match current {
        Some((n, html)) if n.to_string() == token => Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .header(
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
            )
            .body(html)
            .unwrap_or_default(),
        _ => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Vec::new())
            .unwrap_or_default(),
    }
}

#[derive(Serialize)]
pub struct AddOutcome {
    file: String,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorPayload>,
}

fn add_all(
    state: &AppState,
    visit: &str,
    item: Option<&str>,
    paths: &[PathBuf],
) -> Vec<AddOutcome> {
    paths
        .iter()
        .map(|p| {
            let file = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let r = state.with(|s| s.attach(visit, p, "", item));
            AddOutcome {
                file,
                ok: r.is_ok(),
                error: r.err(),
            }
        })
        .collect()
}

#[tauri::command(async)]
pub fn attachments_list(
    state: State<'_, AppState>,
    visit: String,
) -> Result<Vec<AttachmentView>, ErrorPayload> {
    state.with(|s| s.attachments_of(&visit))
}

/// Choose photos or scans in the open dialog and attach them. None: cancelled.
#[tauri::command(async)]
pub fn attachment_pick<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    visit: String,
    item: Option<String>,
) -> Result<Option<Vec<AddOutcome>>, ErrorPayload> {
    let lang = state.lang();
    let picked = state.file_dialog(
        &app,
        FileDialog {
            pick: Pick::Files,
            title: Message::AttachFiles.message(lang),
            filter: filter(
                Message::PhotosAndPdf.message(lang),
                &[
                    "jpg", "jpeg", "png", "webp", "gif", "pdf", "JPG", "JPEG", "PNG", "PDF",
                ],
            ),
            file_name: None,
        },
    );
    let Some(paths) = picked else {
        return Ok(None);
    };
    Ok(Some(add_all(&state, &visit, item.as_deref(), &paths)))
}

/// Attach the files last dropped on the window (Rust keeps their paths; the page only
/// learns their names).
#[tauri::command(async)]
pub fn attachment_add_dropped(
    state: State<'_, AppState>,
    visit: String,
    item: Option<String>,
) -> Result<Vec<AddOutcome>, ErrorPayload> {
    let paths = std::mem::take(&mut *state.dropped.lock().unwrap_or_else(|p| p.into_inner()));
    Ok(add_all(&state, &visit, item.as_deref(), &paths))
}

#[tauri::command(async)]
pub fn attachment_caption(
    state: State<'_, AppState>,
    id: String,
    caption: String,
) -> Result<(), ErrorPayload> {
    state.with(|s| s.attachment_caption(&id, &caption).map(|_| ()))
}

#[tauri::command(async)]
pub fn attachment_remove(state: State<'_, AppState>, id: String) -> Result<(), ErrorPayload> {
    state.with(|s| s.attachment_remove(&id))
}

/// Save a copy of an attachment's file where the person chooses. None: cancelled.
#[tauri::command(async)]
pub fn attachment_save_copy<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Option<String>, ErrorPayload> {
    let (src, name, lang) = state.with(|s| {
        let a = s.require::<kiemtra_core::model::Attachment>(&id)?;
        let src = s.blob_path(&a.body.sha256).ok_or_else(|| Error::NotFound {
            what: "file",
            id: a.body.file_name.clone(),
        })?;
        Ok((src, a.body.file_name, s.lang()?))
    })?;
    let picked = state.file_dialog_one(
        &app,
        FileDialog {
            pick: Pick::SaveAs,
            title: Message::SaveAttachmentCopy.message(lang),
            filter: None,
            file_name: Some(name),
        },
    );
    let Some(dest) = picked else {
        return Ok(None);
    };
    state.with(|_| {
        std::fs::copy(&src, &dest)?;
        Ok(Some(dest.display().to_string()))
    })
}
