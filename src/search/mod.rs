//! Search: a tantivy index of every segment of every transcript, kept in `.intercode/index`
//! as a cache (rebuilt when missing, corrupt, of an older schema or stale), the query
//! language of [`query`], and hits with highlight ranges and the aligned translation.

pub mod analyzer;
mod cachedir;
mod collect;
mod highlight;
mod index;
pub mod query;

pub use highlight::highlights;
pub use index::{Freshness, SearchIndex, SCHEMA_VERSION};

use serde::Serialize;

/// One matching segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub interview: String,
    pub lang: String,
    pub segment: usize,
    pub start_ms: u64,
    pub end_ms: u64,
    /// A document's segment: its line (documents have no times).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub speaker: Option<String>,
    pub text: String,
    /// Code point ranges into `text`, end exclusive.
    pub highlights: Vec<[usize; 2]>,
    /// The aligned segment(s) of the other language version, if any.
    pub translation: Option<String>,
    /// Code point span of the segment in its transcript's canonical text.
    #[serde(skip)]
    pub span: std::ops::Range<usize>,
    #[serde(skip)]
    pub score: f32,
}

impl Hit {
    /// Where the hit is, for people: its time, or a document's line.
    pub fn locator(&self) -> crate::transcript::Locator {
        crate::transcript::Locator {
            start_ms: self.start_ms,
            line: self.line,
        }
    }
}

/// The answer to a query: how many segments match, and the first `limit` of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    pub query: String,
    pub total: usize,
    pub hits: Vec<Hit>,
}
