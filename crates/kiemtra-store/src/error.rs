//! The engine's errors: what a SQLite file of revisions can refuse or fail at. The layers
//! above wrap them (`kiemtra_core::Error` turns each into its own variant, with a code and a
//! message in the user's language); a record's own refusal (`Record::validate`) travels
//! through unchanged as `Rejected`.

/// What went wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file was made by a newer version (its migrations are unknown here).
    #[error("schema {found} is newer than {supported}")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("no {what} {id}")]
    NotFound { what: &'static str, id: String },
    #[error("{id} matches several records")]
    AmbiguousId { id: String },
    #[error("not a record id: {0}")]
    BadId(String),
    /// A required text (such as the device's name) was blank.
    #[error("{0} is empty")]
    Empty(&'static str),
    /// A write that would give a record another kind.
    #[error("{id} is a {kind}")]
    OtherKind { id: String, kind: String },
    /// A revision or row that is not what the engine wrote (a bad hash, a broken history).
    /// The text says what, in Vietnamese then English.
    #[error("{0}")]
    Corrupt(String),
    /// The record refused its own content (`Record::validate`); the error is the layer's
    /// above, kept whole.
    #[error("rejected: {0}")]
    Rejected(Box<dyn std::error::Error + Send + Sync>),
    #[error(transparent)]
    Db(#[from] rusqlite::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
