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
    /// A revision from elsewhere that is not a history the engine could have written.
    #[error("bad revision: {0:?}")]
    BadRevision(RevisionProblem),
    /// Local data that is not what the engine wrote (settings, keys, the file's journal).
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

/// What is wrong with a revision that arrived (the layer above words it for people).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevisionProblem {
    /// The revision id does not start with a generation.
    BadId { rev: String },
    /// The content does not hash to the revision id.
    ContentMismatch { rev: String, id: String },
    /// The clock reading is not one.
    BadTime { rev: String, hlc: String },
    /// A parent that is neither here nor in the same batch.
    MissingParent { rev: String, parent: String },
    /// The generation is not one past the highest parent's.
    WrongGeneration { rev: String },
    /// The revision gives a record another kind than the one it has.
    OtherKind {
        rev: String,
        id: String,
        kind: String,
        other: String,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
