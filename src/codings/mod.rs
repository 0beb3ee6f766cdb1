//! Codings: codes applied to passages by coders, and the files that keep them.
//!
//! One file per coder and interview, `codings/<coder>/<interview>.json`. A [`Coding`] is a code
//! point span (end exclusive) into the canonical text of one language version, with the quoted
//! text, so that a transcript edited under its codings is noticed ([`drift`]) instead of
//! silently shifting them. Writing goes through a [`store::Session`], which holds the coder's
//! lock and writes every change atomically; reading any coder's files needs no lock.
//!
//! Reading every coder's files comes in two kinds: [`load_all`], quotes and all, for what
//! shows or exports them, and [`load_for_analysis`], which keeps each quote as a fingerprint
//! ([`quote`]) and takes unchanged files from a snapshot in `.intercode/` (`snapshot`), for
//! reports, agreement, checks and the terminal UI.

pub mod drift;
mod fast;
pub mod quote;
mod snapshot;
pub mod store;

pub use quote::Quote;

use crate::error::{Error, Problem, Result};
use crate::project::{Project, CODINGS_DIR};
use crate::transcript::Transcript;
use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::{Path, PathBuf};
use unicode_segmentation::GraphemeCursor;

/// Where a coding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Made by the coder.
    Manual,
    /// An auto-coding suggestion the coder accepted.
    SuggestedAccepted,
    /// Copied from a coding on the other language version.
    Copied,
    /// A learned suggestion (the coding names the model, `model`): accepted by a coder, or
    /// saved as the coder `model`.
    Suggested,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Manual => "manual",
            Origin::SuggestedAccepted => "suggested-accepted",
            Origin::Copied => "copied",
            Origin::Suggested => "suggested",
        }
    }
}

/// One code applied to one passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coding {
    pub id: String,
    pub lang: CompactString,
    /// Code point offsets into the canonical text, end exclusive.
    pub start: usize,
    pub end: usize,
    pub code: CompactString,
    /// The coded text as it was when the coding was made (only its fingerprint when the
    /// coding was loaded for analysis; see [`quote`]).
    pub quote: Quote,
    #[serde(default)]
    pub memo: String,
    /// RFC 3339, UTC.
    pub created: CompactString,
    pub origin: Origin,
    /// The learned model that suggested it (`origin: suggested`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<CompactString>,
}

impl Coding {
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The order codings are kept in on disk: stable, so git diffs stay small.
    fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (&self.lang, self.start, self.end, &self.code, &self.id)
    }
}

/// The content of `codings/<coder>/<interview>.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodingFile {
    pub version: u32,
    pub coder: String,
    pub interview: String,
    pub codings: Vec<Coding>,
}

impl CodingFile {
    pub fn new(coder: &str, interview: &str) -> Self {
        CodingFile {
            version: 1,
            coder: coder.to_string(),
            interview: interview.to_string(),
            codings: Vec::new(),
        }
    }

    pub fn sort(&mut self) {
        self.codings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }

    /// JSON with one coding per line, in their stable order: a change to one coding is a
    /// one-line git diff, and the file stays compact enough to load a million codings fast.
    /// Fails only for a file loaded for analysis, whose quotes are fingerprints: such a file
    /// is never written, or it would lose its quotes.
    pub fn to_json(&self) -> Result<String> {
        let mut order: Vec<&Coding> = self.codings.iter().collect();
        order.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let head = |v: &str| serde_json::to_string(v).expect("strings serialise");
        let mut s = format!(
            "{{\"version\": {}, \"coder\": {}, \"interview\": {}, \"codings\": [",
            self.version,
            head(&self.coder),
            head(&self.interview)
        );
        s.reserve(order.len() * 400);
        for (i, c) in order.iter().enumerate() {
            s.push_str(if i == 0 { "\n" } else { ",\n" });
            fast::write_line(&mut s, c).map_err(|e| {
                Error::usage(format!(
                    "cannot write the codings of {} in {}: {e}",
                    self.coder, self.interview
                ))
            })?;
        }
        s.push_str(if order.is_empty() { "]}\n" } else { "\n]}\n" });
        Ok(s)
    }

    /// Reads and checks one file, quotes and all; the error names the file and line.
    pub fn read(path: &Path) -> Result<CodingFile> {
        Self::read_with(path, &mut Vec::new(), Quotes::Whole)
    }

    /// Like [`CodingFile::read`], reusing `buf` for the bytes (loading thousands of files
    /// with one buffer per thread avoids most page faults and allocations), and keeping the
    /// quotes whole or only their fingerprints.
    pub fn read_with(path: &Path, buf: &mut Vec<u8>, quotes: Quotes) -> Result<CodingFile> {
        use std::io::Read;
        buf.clear();
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_end(buf))
            .map_err(|e| Error::io(path, e))?;
        // One SIMD pass checks the UTF-8 of the whole file; serde_json then parses a `&str` and
        // skips its own per-string check, which was the largest single cost of loading.
        let text = simdutf8::basic::from_utf8(buf).map_err(|_| {
            // The slow check runs only on the error path, to find where the bad byte is.
            let bad = std::str::from_utf8(buf)
                .err()
                .map_or(0, |e| e.valid_up_to());
            let line = 1 + buf[..bad].iter().filter(|&&b| b == b'\n').count();
            Error::data(path, Some(line), "invalid codings file: not UTF-8 text")
        })?;
        // Files this tool wrote take the fast path; anything else (hand-edited, escapes,
        // errors) goes through serde_json, which also words the error.
        let file = match fast::parse(text, quotes) {
            Some(file) => file,
            None => {
                let mut file: CodingFile = serde_json::from_str(text).map_err(|e| {
                    Error::data(path, Some(e.line()), format!("invalid codings file: {e}"))
                })?;
                if quotes == Quotes::Fingerprints {
                    for c in &mut file.codings {
                        c.quote = Quote::fingerprint_of(c.quote.as_str());
                    }
                }
                file
            }
        };
        if file.version != 1 {
            return Err(Error::data(
                path,
                Some(1),
                format!("unsupported codings version {}", file.version),
            ));
        }
        Ok(file)
    }
}

/// Coder names become folder names: letters (any script), digits, `_`, `-`, `.`; not
/// starting with `.`.
pub fn is_valid_coder(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// The coder for this session: `--coder`, then `INTERCODE_CODER`, then the OS user name.
pub fn resolve_coder(flag: Option<&str>) -> Result<String> {
    let env = |k: &str| std::env::var(k).ok().filter(|s| !s.is_empty());
    // The OS user name: $USER / $LOGNAME / $USERNAME, else the name of the home folder
    // (containers often leave USER unset), else a plain "coder".
    let name = flag
        .map(str::to_string)
        .or_else(|| env("INTERCODE_CODER"))
        .or_else(|| env("USER"))
        .or_else(|| env("LOGNAME"))
        .or_else(|| env("USERNAME"))
        .or_else(|| {
            env("HOME").and_then(|h| {
                std::path::Path::new(&h)
                    .file_name()
                    .and_then(|n| n.to_str())
                    .map(str::to_string)
            })
        })
        .unwrap_or_else(|| "coder".to_string());
    if !is_valid_coder(&name) {
        return Err(Error::usage(format!(
            "`{name}` cannot be a coder name (letters, digits, `_`, `-`, `.`; it becomes a folder name)"
        )));
    }
    Ok(name)
}

/// Path of a coder's file for an interview.
pub fn coding_path(root: &Path, coder: &str, interview: &str) -> PathBuf {
    root.join(CODINGS_DIR)
        .join(coder)
        .join(format!("{interview}.json"))
}

/// Coders with a folder under `codings/`, sorted.
pub fn coders(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root.join(CODINGS_DIR))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter(|n| is_valid_coder(n))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Checks that a span can be coded: inside the text, not empty, on grapheme boundaries (a
/// span must never split a user-perceived character such as an emoji or `é` written with a
/// combining accent).
pub fn check_span(t: &Transcript, span: &Range<usize>) -> crate::Result<()> {
    if span.start >= span.end {
        return Err(crate::Error::usage(format!(
            "empty span {}..{}",
            span.start, span.end
        )));
    }
    if span.end > t.char_len() {
        return Err(crate::Error::usage(format!(
            "span {}..{} is past the end of the text, which has {} characters",
            span.start,
            span.end,
            t.char_len()
        )));
    }
    for pos in [span.start, span.end] {
        let byte = t.byte_offset(pos);
        let mut cursor = GraphemeCursor::new(byte, t.text().len(), true);
        if !cursor.is_boundary(t.text(), 0).unwrap_or(true) {
            return Err(crate::Error::usage(format!(
                "position {pos} splits a character (a grapheme cluster such as an emoji or a letter with an accent); move it by one"
            )));
        }
    }
    Ok(())
}

/// Every character position where `needle` occurs in the text, as code point spans.
pub fn find_quote(t: &Transcript, needle: &str) -> Vec<Range<usize>> {
    if needle.is_empty() {
        return Vec::new();
    }
    let text = t.text();
    let len = needle.chars().count();
    let mut out = Vec::new();
    let mut chars_before = 0usize;
    let mut last_byte = 0usize;
    for (byte, _) in text.match_indices(needle) {
        chars_before += text[last_byte..byte].chars().count();
        last_byte = byte;
        out.push(chars_before..chars_before + len);
    }
    out
}

/// The span of the other language version aligned with `span`: the whole segments aligned
/// (by time) with every segment the span touches. Used to copy a coding across languages.
pub fn aligned_span(
    interview: &crate::project::Interview,
    lang: &str,
    span: &Range<usize>,
) -> Result<(String, Range<usize>)> {
    let other = interview.other_lang(lang).ok_or_else(|| {
        Error::usage(format!(
            "{} has no single other language version to copy to",
            interview.id
        ))
    })?;
    let (from, to) = (&interview.versions[lang], &interview.versions[other]);
    let alignment = crate::transcript::align::align_by_time(&from.segments, &to.segments);
    let first = from.segment_at(span.start).unwrap_or(0);
    let last = from
        .segment_at(span.end.saturating_sub(1).max(span.start))
        .unwrap_or(first);
    let mut targets = (first..=last)
        .map(|s| alignment.other_side(s))
        .filter(|r| !r.is_empty());
    let Some(mut range) = targets.next() else {
        return Err(Error::usage(format!(
            "no {other} text is aligned with {}..{} of {} ({lang})",
            span.start, span.end, interview.id
        )));
    };
    for r in targets {
        range = range.start.min(r.start)..range.end.max(r.end);
    }
    let start = to.segment_span(range.start).start;
    let end = to.segment_span(range.end - 1).end;
    Ok((other.to_string(), start..end))
}

/// Takes a coder's lock (as a session does), for a command that writes that coder's files
/// without a session (an import); released when the returned file is dropped.
pub fn lock_coder(root: &Path, coder: &str) -> Result<std::fs::File> {
    store::lock(root, coder)
}

/// What [`recode_into`] does with a coding's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recode {
    Keep,
    Replace(String),
    Remove,
}

/// Changes the code of codings in every coder's files (a codebook merge or delete), as
/// writes added to `change`. Every coder's lock is taken first and returned (hold it until
/// the change is committed), and every file must parse, so the change is refused before
/// anything is written if any coder is working or any file is broken. Returns the locks and
/// the number of codings changed or removed.
pub fn recode_into(
    root: &Path,
    change: &mut crate::txn::Change,
    f: impl Fn(&str) -> Recode,
) -> Result<(Vec<std::fs::File>, usize)> {
    let coders = coders(root);
    let locks: Vec<std::fs::File> = coders
        .iter()
        .map(|c| store::lock(root, c))
        .collect::<Result<_>>()?;
    let mut changed = 0;
    for coder in &coders {
        let dir = root.join(CODINGS_DIR).join(coder);
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let mut file = CodingFile::read(&path)?;
            let before = file.codings.len();
            let mut touched = 0;
            file.codings.retain_mut(|c| match f(&c.code) {
                Recode::Keep => true,
                Recode::Replace(new) => {
                    c.code = new.into();
                    touched += 1;
                    true
                }
                Recode::Remove => false,
            });
            touched += before - file.codings.len();
            if touched > 0 {
                changed += touched;
                let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                change.write(rel, file.to_json()?);
            }
        }
    }
    Ok((locks, changed))
}

/// All codings in a project, per coder file, with the problems met (unreadable files).
#[derive(Debug, Default)]
pub struct AllCodings {
    pub files: Vec<CodingFile>,
    pub problems: Vec<Problem>,
}

impl AllCodings {
    pub fn iter(&self) -> impl Iterator<Item = (&CodingFile, &Coding)> {
        self.files
            .iter()
            .flat_map(|f| f.codings.iter().map(move |c| (f, c)))
    }

    pub fn len(&self) -> usize {
        self.files.iter().map(|f| f.codings.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How much of each quote a bulk load keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quotes {
    /// The text: for showing, exporting or writing codings.
    Whole,
    /// Only a fingerprint, which tells whether the quote still matches the transcript: for
    /// reports, agreement and checks, at half the memory and time (see [`quote`]).
    Fingerprints,
}

/// Reads every coder's files (or one coder's), quotes and all, in parallel over the
/// available cores.
pub fn load_all(root: &Path, only_coder: Option<&str>) -> AllCodings {
    load(root, only_coder, Quotes::Whole)
}

/// Reads every coder's files (or one coder's) for analysis: each quote is kept only as its
/// fingerprint. What reports, agreement, `check` and the terminal UI need; files read this way
/// cannot be written back ([`CodingFile::to_json`] refuses).
pub fn load_for_analysis(root: &Path, only_coder: Option<&str>) -> AllCodings {
    load(root, only_coder, Quotes::Fingerprints)
}

fn load(root: &Path, only_coder: Option<&str>, quotes: Quotes) -> AllCodings {
    let coders: Vec<String> = match only_coder {
        Some(c) => vec![c.to_string()],
        None => coders(root),
    };
    let mut paths: Vec<(String, PathBuf)> = Vec::new();
    for coder in &coders {
        let dir = root.join(CODINGS_DIR).join(coder);
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "json") {
                paths.push((coder.clone(), p));
            }
        }
    }
    paths.sort();
    // Loads for analysis take unchanged files from the snapshot (see `snapshot`).
    let snap = (quotes == Quotes::Fingerprints)
        .then(|| snapshot::Snapshot::open(root))
        .flatten();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    // Files are handed out one at a time from a shared counter, so a thread slowed down by
    // the machine's other work does not leave the rest of its share undone at the end.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut buf = Vec::new();
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some((coder, p)) = paths.get(i) else {
                return done;
            };
            // The stamp is taken before the file is read: a file changed in between is
            // newer than its stamp, and so read again next time.
            let stamp = std::fs::metadata(p).ok().map(|m| snapshot::Stamp::of(&m));
            let rel = relative(root, p);
            let cached = snap
                .as_ref()
                .zip(stamp)
                .and_then(|(s, stamp)| s.get(&rel, stamp, &mut buf));
            let parsed = cached.is_none();
            let file = match cached {
                Some(f) => Ok(f),
                None => read_checked(root, coder, p, &mut buf, quotes),
            };
            done.push(Loaded {
                order: i,
                file,
                rel,
                stamp,
                parsed,
            });
        }
    };
    let results: Vec<Vec<Loaded>> = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut all = vec![work()];
        // A reader that panicked would lose files silently: let the panic through.
        all.extend(
            helpers
                .into_iter()
                .map(|h| h.join().expect("codings reader")),
        );
        all
    });
    let mut flat: Vec<Loaded> = results.into_iter().flatten().collect();
    flat.sort_by_key(|l| l.order);
    // A full load for analysis writes the snapshot when there is none, or when more than a
    // few files had to be read from their JSON. A few changed files (a coding session's
    // worth) are cheaper to parse on each load than a rewrite of the whole snapshot, which
    // at a million codings is 120 MB; entries of changed or deleted files are never used.
    if quotes == Quotes::Fingerprints && only_coder.is_none() {
        // Files with problems are never in it, so they do not count.
        let parsed = flat.iter().filter(|l| l.parsed && l.file.is_ok()).count();
        let good = flat.iter().filter(|l| l.file.is_ok()).count();
        let stale = match &snap {
            None => parsed > 0,
            Some(_) => parsed > (good / 20).max(64),
        };
        if stale {
            let files: Vec<(String, snapshot::Stamp, &CodingFile)> = flat
                .iter()
                .filter_map(|l| Some((l.rel.clone(), l.stamp?, l.file.as_ref().ok()?)))
                .collect();
            snapshot::write(root, &files);
        }
    }
    let mut all = AllCodings::default();
    for l in flat {
        match l.file {
            Ok(f) => all.files.push(f),
            Err(p) => all.problems.push(p),
        }
    }
    all
}

/// One codings file as a load found it.
struct Loaded {
    /// Its place in the sorted list of paths.
    order: usize,
    file: std::result::Result<CodingFile, Problem>,
    /// Its path relative to the project: its key in the snapshot.
    rel: String,
    stamp: Option<snapshot::Stamp>,
    /// Read from its JSON, not from the snapshot.
    parsed: bool,
}

/// `path` relative to the project, with `/` between its parts: its key in the snapshot.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn read_checked(
    root: &Path,
    coder: &str,
    path: &Path,
    buf: &mut Vec<u8>,
    quotes: Quotes,
) -> std::result::Result<CodingFile, Problem> {
    let shown = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let f = CodingFile::read_with(path, buf, quotes).map_err(|e| match e {
        Error::Data { location, message } => Problem::error(&shown, location.line, message),
        other => Problem::error(&shown, None, other.to_string()),
    })?;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if f.coder != coder || f.interview != stem {
        return Err(Problem::error(
            &shown,
            Some(1),
            format!(
                "the file says coder `{}`, interview `{}`, but it sits at {}",
                f.coder,
                f.interview,
                shown.display()
            ),
        ));
    }
    Ok(f)
}

/// Whether `s` is an ISO 8601 date and time (`2026-11-22T10:00:00Z`, with or without
/// fractions and a zone, as REFI-QDA tools write them). An empty `created` means unknown.
fn is_date_time(s: &str) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$",
        )
        .expect("a fixed pattern")
    })
    .is_match(s)
}

/// Checks every coding of every coder against the project: interview, language, code and
/// span must exist, and the quote must still match (drift). Returns problems to report.
pub fn validate_all(project: &Project, all: &AllCodings) -> Vec<Problem> {
    let mut problems = Vec::new();
    // Ids identify a coding for `code rm`, undo and exchange: one per coding, per coder.
    let mut ids: std::collections::HashMap<(&str, &str), PathBuf> = Default::default();
    for f in &all.files {
        let shown = PathBuf::from(CODINGS_DIR)
            .join(&f.coder)
            .join(format!("{}.json", f.interview));
        for (k, c) in f.codings.iter().enumerate() {
            let line = Some(k + 2);
            if c.id.trim().is_empty() {
                problems.push(Problem::error(&shown, line, "a coding without an id"));
            } else if let Some(first) = ids.insert((&f.coder, &c.id), shown.clone()) {
                problems.push(Problem::error(
                    &shown,
                    line,
                    format!(
                        "coding id `{}` is used twice by coder `{}` (also in {})",
                        c.id,
                        f.coder,
                        first.display()
                    ),
                ));
            }
            if !c.created.is_empty() && !is_date_time(&c.created) {
                problems.push(Problem::error(
                    &shown,
                    line,
                    format!(
                        "coding {}: `created` is `{}`, not a time like 2026-11-22T10:00:00Z",
                        c.id, c.created
                    ),
                ));
            }
        }
        let Some(interview) = project.interviews.get(&f.interview) else {
            problems.push(Problem::error(
                &shown,
                None,
                format!("unknown interview `{}`", f.interview),
            ));
            continue;
        };
        // Read whole only if a drifted coding was loaded with its quote's fingerprint: looking
        // for the quote nearby needs its text.
        let mut whole: Option<Option<CodingFile>> = None;
        // Files hold one coding per line after a header line, in the order read.
        for (k, c) in f.codings.iter().enumerate() {
            let line = Some(k + 2);
            let what = || format!("coding {} ({}, {}..{})", c.id, c.code, c.start, c.end);
            if project
                .codebook
                .as_ref()
                .is_some_and(|cb| !cb.contains(&c.code))
            {
                problems.push(Problem::error(
                    &shown,
                    line,
                    format!("{}: unknown code `{}`", what(), c.code),
                ));
            }
            let Some(t) = interview.versions.get(c.lang.as_str()) else {
                problems.push(Problem::error(
                    &shown,
                    line,
                    format!("{}: the interview has no `{}` version", what(), c.lang),
                ));
                continue;
            };
            let mut status = drift::check(t, c);
            if status != drift::Status::Anchored && c.quote.text().is_none() {
                let file =
                    whole.get_or_insert_with(|| CodingFile::read(&project.root.join(&shown)).ok());
                if let Some(w) = file
                    .as_ref()
                    .and_then(|w| w.codings.iter().find(|w| w.id == c.id))
                {
                    status = drift::check(t, w);
                }
            }
            match status {
                drift::Status::Anchored => {}
                drift::Status::Drifted { candidate } => {
                    let hint = match candidate {
                        Some(r) => format!(
                            "; the quote occurs once nearby, at {}..{}: `intercode code reanchor {}` moves it there",
                            r.start, r.end, c.id
                        ),
                        None => "; the quote was not found nearby: recode the passage by hand".to_string(),
                    };
                    problems.push(Problem::error(
                        &shown,
                        line,
                        format!("{} has drifted: the transcript text at its span no longer matches its quote{hint}", what()),
                    ));
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::Segment;

    fn t(texts: &[&str]) -> Transcript {
        Transcript::new(
            "P01",
            "ru",
            texts
                .iter()
                .enumerate()
                .map(|(i, s)| Segment::new(i, 0, 0, None, s))
                .collect(),
        )
    }

    #[test]
    fn spans_must_be_inside_and_on_grapheme_boundaries() {
        let tr = t(&["Приве\u{301}т 👋🏽", "ok"]);
        assert!(check_span(&tr, &(0..7)).is_ok());
        assert!(check_span(&tr, &(0..5))
            .unwrap_err()
            .to_string()
            .contains("splits a character"));
        assert!(check_span(&tr, &(8..9))
            .unwrap_err()
            .to_string()
            .contains("splits"));
        assert!(check_span(&tr, &(8..10)).is_ok());
        assert!(check_span(&tr, &(11..14))
            .unwrap_err()
            .to_string()
            .contains("past the end"));
        assert!(check_span(&tr, &(3..3))
            .unwrap_err()
            .to_string()
            .contains("empty"));
    }

    #[test]
    fn quotes_are_found_in_code_points() {
        let tr = t(&["ёж и ёж", "ёж"]);
        assert_eq!(find_quote(&tr, "ёж"), vec![0..2, 5..7, 8..10]);
        assert!(find_quote(&tr, "").is_empty());
    }

    #[test]
    fn coder_names() {
        assert!(is_valid_coder("ana"));
        assert!(is_valid_coder("Анна_2"));
        assert!(!is_valid_coder("../x"));
        assert!(!is_valid_coder(".hidden"));
        assert!(!is_valid_coder("a b"));
    }

    #[test]
    fn a_load_for_analysis_keeps_fingerprints_and_is_never_written() {
        // The bundled study: both loads read the same codings; the analysis load keeps no
        // quote text, and a file from it refuses to be serialised (it would lose its quotes).
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (whole, prints) = (load_all(root, None), load_for_analysis(root, None));
        assert!(whole.problems.is_empty() && prints.problems.is_empty());
        assert!(whole.len() > 1000);
        assert_eq!(whole.files, prints.files);
        assert!(whole.iter().all(|(_, c)| c.quote.text().is_some()));
        assert!(prints.iter().all(|(_, c)| c.quote.text().is_none()));
        assert!(whole.files[0].to_json().is_ok());
        let err = prints.files[0].to_json().unwrap_err().to_string();
        assert!(err.contains("cannot be written"), "{err}");
        // Hand-edited files (pretty-printed, so serde_json reads them) are fingerprinted too.
        let dir = tempfile::tempdir().unwrap();
        let f = &whole.files[0];
        let path = coding_path(dir.path(), &f.coder, &f.interview);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, serde_json::to_string_pretty(f).unwrap()).unwrap();
        let hand = load_for_analysis(dir.path(), None);
        assert_eq!(hand.files, vec![f.clone()]);
        assert!(hand.iter().all(|(_, c)| c.quote.text().is_none()));
    }

    #[test]
    fn files_serialise_in_stable_order() {
        let mut f = CodingFile::new("ana", "P01");
        for (id, start) in [("b", 5), ("a", 1)] {
            f.codings.push(Coding {
                id: id.into(),
                lang: "ru".into(),
                start,
                end: start + 1,
                code: "fear".into(),
                quote: "x".into(),
                memo: String::new(),
                created: "2026-11-22T10:00:00Z".into(),
                origin: Origin::Manual,
                model: None,
            });
        }
        let json = f.to_json().unwrap();
        assert!(json.find("\"a\"").unwrap() < json.find("\"b\"").unwrap());
        assert!(json.contains("\"origin\":\"manual\""));
        // One coding per line, between a header line and a closing line.
        assert_eq!(json.lines().count(), 4);
        assert!(json.lines().nth(1).unwrap().starts_with("{\"id\":\"a\""));
        let back: CodingFile = serde_json::from_str(&json).unwrap();
        assert_eq!(back.codings[0].id, "a");
    }
}
