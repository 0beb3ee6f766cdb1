//! intercode: qualitative coding of bilingual interview transcripts.
//!
//! This crate is the product's core. It reads a project folder (transcripts in several
//! formats and encodings, participant attributes, a codebook and survey figures), and knows
//! nothing of terminals: the command line (`cli`, in the binary) and the terminal UI (`tui`,
//! the only module that uses ratatui, behind the default `tui` feature) are thin shells over
//! it. `cargo test --lib --no-default-features` builds and tests the core alone.
//!
//! - [`transcript`]: the transcript model, canonical text and code point positions, importers,
//!   encoding detection and cross-language alignment;
//! - [`project`]: the project folder and its validation;
//! - [`report`]: frequencies, crosstabs, co-occurrence, quotes and survey evidence;
//! - [`refi`]: REFI-QDA `.qdc` / `.qdpx` export and import;
//! - [`report::render`]: tables, Markdown, CSV, JSON and SVG renderings of reports;
//! - [`search`]: the tantivy index, the query language and hits with highlights;
//! - [`codebook`]: the code tree and the survey themes;
//! - [`codings`]: coders' codings, their atomic store, drift and undo;
//! - [`autocode`]: rule-based coding suggestions;
//! - [`learn`]: suggestions learned from the coders' codings, and their honest score;
//! - [`agreement`]: inter-coder agreement statistics and disagreements;
//! - [`media`]: recordings linked to interviews, and media time;
//! - [`player`]: mpv as a child process, driven over its JSON IPC;
//! - [`ops`]: the actions both shells perform on shared files (codebook edits, merges);
//! - [`txn`]: changes that span files, all or nothing, and recovery after a crash;
//! - [`error`]: errors and validation problems, each naming a file and line.

pub mod agreement;
pub mod autocode;
pub mod codebook;
pub mod codings;
pub mod error;
pub mod fsutil;
pub mod jsonloc;
pub mod learn;
pub mod media;
pub mod ops;
pub mod player;
pub mod project;
pub mod refi;
pub mod report;
pub mod search;
pub mod transcript;
#[cfg(feature = "tui")]
pub mod tui;
pub mod txn;

pub use error::{Error, Problem, Result, Severity};
pub use project::{Interview, Project};
pub use transcript::{Segment, Transcript, Turn};
