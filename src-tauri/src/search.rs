//! Search from the header: every word, diacritics ignored (đ too), over units, visits,
//! findings and recommendations.

use kiemtra_core::search::{SearchHit, SearchOptions};
use kiemtra_core::ErrorPayload;
use tauri::State;

use crate::state::AppState;

#[tauri::command(async)]
pub fn search(
    state: State<'_, AppState>,
    query: String,
    kind: Option<String>,
) -> Result<Vec<SearchHit>, ErrorPayload> {
    state.with(|s| {
        s.search(
            &query,
            &SearchOptions {
                kind: kind.filter(|k| !k.is_empty()),
                ..Default::default()
            },
        )
    })
}
