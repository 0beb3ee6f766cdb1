//! Correcting a transcript inside intercode: a segment's text, a speaker's name, a split or a
//! merge of segments, with every coder's codings following the edit. One edit is one
//! transaction (see [`crate::txn`]): the transcript file, every codings file it moves and the
//! segment-numbered logs (`decisions.tsv`, each coder's `rejected.tsv`) change together or
//! not at all, so a crash leaves either the old text with the old codings or the new text with
//! the new ones, never drift.
//!
//! Why every coder's file is rewritten now, under that coder's lock, rather than an edit log
//! replayed on each coder's next load: a coding is only ever read against the transcript it
//! was made on, so no reader (a report, `agree`, an export, another tool reading the JSON)
//! can meet a coding that has not yet followed an edit. A coder working in another session
//! holds their lock and the edit is refused, naming them, before anything is written.
//!
//! How codings follow (see [`map_span`]): the edit is the one region of the canonical text
//! that differs (the common prefix and suffix of the old and new text are kept). Codings
//! before it stay, codings after it shift, a coding that contains it grows or shrinks with
//! it, a coding that overlaps its edge keeps its offset into it. A coding whose text is
//! deleted whole is kept, with its old quote and an empty span at the place of the deletion:
//! `check` and every report list it as drifted ("its text was deleted"), and it can be
//! recoded or removed, never lost in silence.
//!
//! The file is rewritten in place: only the edited cue's text lines change (its id and
//! timings stay), so the edit is a readable one-line diff in git.

mod rewrite;

use crate::codings::{self, CodingFile};
use crate::error::{Error, Result};
use crate::project::TRANSCRIPTS_DIR;
use crate::transcript::{parse_bytes, Format, Transcript};
use crate::txn::{Change, ProjectLock};
use rewrite::{edit_document, edit_vtt, one_line};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One correction of one language version of one interview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Replace segment `segment`'s text (one line: line breaks become spaces).
    Text { segment: usize, text: String },
    /// Rename a speaker: in `segment` only, or in every segment spoken by `from`.
    Speaker {
        segment: Option<usize>,
        from: Option<String>,
        to: String,
    },
    /// Split `segment` before the character `at` of its text (code points); the first part
    /// ends and the second starts at `time_ms` (default: proportional to the text).
    Split {
        segment: usize,
        at: usize,
        time_ms: Option<u64>,
    },
    /// Merge `segment` with the next one (same speaker).
    Merge { segment: usize },
}

/// What is asked: the edit, where, and optionally the text the user saw in the segment (the
/// edit is refused when the file no longer has it: another session changed it first).
#[derive(Debug, Clone)]
pub struct Request {
    pub interview: String,
    pub lang: String,
    pub edit: Edit,
    pub expect: Option<String>,
}

/// What an edit did, and what undoes it.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// A sentence for the user.
    pub summary: String,
    /// Codings moved (shifted, grown or shrunk) across all coders.
    pub moved: usize,
    /// Codings whose text was deleted whole (kept, flagged as drifted).
    pub deleted: Vec<String>,
    /// Codings whose own text the edit changed (they overlap it): worth a look, since their
    /// words are not the ones coded.
    pub reworded: Vec<String>,
    /// Where the text changed (to move a cursor with it).
    pub region: Region,
    /// The files as they were and as they are now: [`restore`] puts either back.
    pub undo: Snapshot,
    /// The transcript as it is now.
    pub transcript: Transcript,
}

/// Files before and after one edit (paths relative to the project).
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub files: Vec<(PathBuf, Vec<u8>, Vec<u8>)>,
}

/// The one region where two texts differ, in code points: `old[a..b]` became
/// `new[a..a + n]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub a: usize,
    pub b: usize,
    pub n: usize,
}

/// The region where `old` and `new` differ: everything before it is their common prefix,
/// everything after their common suffix (the suffix not overlapping the prefix).
pub fn diff_region(old: &str, new: &str) -> Region {
    // On bytes (a 10-hour transcript is a megabyte), then back to whole characters.
    let (o, w) = (old.as_bytes(), new.as_bytes());
    let mut prefix = o.iter().zip(w).take_while(|(x, y)| x == y).count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = o.len().min(w.len()) - prefix;
    let mut suffix = o
        .iter()
        .rev()
        .zip(w.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    while !old.is_char_boundary(o.len() - suffix) || !new.is_char_boundary(w.len() - suffix) {
        suffix -= 1;
    }
    let a = old[..prefix].chars().count();
    Region {
        a,
        b: a + old[prefix..o.len() - suffix].chars().count(),
        n: new[prefix..w.len() - suffix].chars().count(),
    }
}

/// Where a coding `s..e` lies after the region `r` was replaced; `None` when its text was
/// deleted whole. A coding that contains the region grows or shrinks with it; text inserted
/// exactly at a coding's start or end is not taken into it; a coding edge inside the region
/// keeps its offset into it, up to the region's new end.
pub fn map_span(s: usize, e: usize, r: Region) -> Option<Range<usize>> {
    let Region { a, b, n } = r;
    let shifted = |p: usize| (p + n).saturating_sub(b - a);
    let inside = |p: usize| a + (p - a).min(n);
    let ns = if s < a {
        s
    } else if s >= b {
        shifted(s)
    } else {
        inside(s)
    };
    let contains = s <= a && e >= b && !(a == b && e == a);
    let ne = if contains {
        shifted(e)
    } else if e <= a {
        e
    } else if e > b {
        shifted(e)
    } else {
        inside(e)
    };
    (ns < ne).then_some(ns..ne)
}

/// The transcript file of `interview` in `lang`, relative to the project.
fn transcript_file(root: &Path, interview: &str, lang: &str) -> Result<PathBuf> {
    for ext in crate::project::TRANSCRIPT_EXTENSIONS {
        let rel = PathBuf::from(TRANSCRIPTS_DIR).join(format!("{interview}.{lang}.{ext}"));
        if root.join(&rel).is_file() {
            return Ok(rel);
        }
    }
    Err(Error::usage(format!(
        "{interview} has no `{lang}` transcript in {TRANSCRIPTS_DIR}/"
    )))
}

/// Applies `req` as one transaction; see the module's documentation.
pub fn edit_transcript(root: &Path, req: &Request) -> Result<Outcome> {
    edit_transcript_with(root, req, &mut |_| {}, &mut |_| {})
}

/// [`edit_transcript`] with the transaction's step hook (for kill tests) and `ready`, called
/// with the new transcript once it is known good and every file is prepared, just before the
/// commit: a search index can take the new text while the files are synced. (If the commit
/// then fails, the caller indexes the files as they are on disk again.)
pub fn edit_transcript_with(
    root: &Path,
    req: &Request,
    hook: &mut dyn FnMut(&str),
    ready: &mut dyn FnMut(&Transcript),
) -> Result<Outcome> {
    let lock = ProjectLock::take(root)?;
    let rel = transcript_file(root, &req.interview, &req.lang)?;
    let path = root.join(&rel);
    let before = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let imp = parse_bytes(&before, &path)?;
    if !matches!(imp.format, Format::WebVtt | Format::Document) {
        return Err(Error::usage(format!(
            "{} is {}: edits are made in WebVTT or document transcripts; import it with \
             `intercode import` first (it is converted to WebVTT)",
            rel.display(),
            imp.format.name()
        )));
    }
    // The new file text first (a cue's place is in the parse), then the old transcript from
    // the same parse, without a copy.
    let (old, new_text) = match imp.format {
        Format::Document => {
            let old = imp.transcript(&req.interview, &req.lang);
            let text = edit_document(&old, &req.edit)?;
            (old, text)
        }
        _ => {
            let text = edit_vtt(&imp, &req.edit)?;
            (imp.transcript(&req.interview, &req.lang), text)
        }
    };
    if let (Some(want), Some(k)) = (&req.expect, segment_of(&req.edit)) {
        let now = old.segments.get(k).map(|s| s.text.as_str());
        if now != Some(want.as_str()) {
            return Err(Error::usage(format!(
                "{} segment {k} changed on disk since you read it (another session?); reload and \
                 edit again. Nothing was changed.",
                rel.display()
            )));
        }
    }
    let after = new_text.into_bytes();

    // Every coder's codings of this interview follow, under every coder's lock (taken before
    // any of their files is read).
    let coders = codings::coders(root);
    let _locks = lock_every_coder(root, &coders)?;
    let files: Vec<(String, PathBuf)> = coders
        .iter()
        .map(|c| (c.clone(), codings::coding_path(root, c, &req.interview)))
        .filter(|(_, p)| p.is_file())
        .collect();
    // Reading the new text back and reading the codings files are independent: both cores.
    let (new, read) = std::thread::scope(|sc| {
        let parse = sc.spawn(|| -> Result<Transcript> {
            let new = parse_bytes(&after, &path)
                .map_err(|e| {
                    Error::usage(format!(
                        "the edit would make the transcript unreadable: {e}"
                    ))
                })?
                .transcript(&req.interview, &req.lang);
            check_result(&old, &new, &req.edit)?;
            Ok(new)
        });
        let readers: Vec<_> = files
            .iter()
            .map(|(_, p)| {
                sc.spawn(move || -> Result<(Vec<u8>, CodingFile)> {
                    let mut buf = Vec::new();
                    let f = CodingFile::read_with(p, &mut buf, codings::Quotes::Whole)?;
                    Ok((buf, f))
                })
            })
            .collect();
        let read: Vec<Result<(Vec<u8>, CodingFile)>> =
            readers.into_iter().map(|h| joined(h.join())).collect();
        (joined(parse.join()), read)
    });
    let new = new?;
    let region = diff_region(old.text(), new.text());
    let mut change = Change::new();
    let mut snapshot = Snapshot::default();
    let mut moved = 0;
    let mut deleted = Vec::new();
    let mut reworded = Vec::new();
    let read: Vec<(Vec<u8>, CodingFile)> = read.into_iter().collect::<Result<_>>()?;
    let followed: Vec<Result<Option<Followed>>> = std::thread::scope(|sc| {
        let hs: Vec<_> = read
            .into_iter()
            .zip(&files)
            .map(|((before, file), (coder, cpath))| {
                let (old, new) = (&old, &new);
                sc.spawn(move || follow(old, new, region, &req.lang, coder, cpath, before, file))
            })
            .collect();
        hs.into_iter().map(|h| joined(h.join())).collect()
    });
    for f in followed {
        let Some(f) = f? else { continue };
        moved += f.moved;
        deleted.extend(f.deleted);
        reworded.extend(f.reworded);
        let crel = f.path.strip_prefix(root).unwrap_or(&f.path).to_path_buf();
        snapshot
            .files
            .push((crel.clone(), f.before, f.json.clone().into_bytes()));
        change.write(crel, f.json);
    }
    // Logs that name segments by number follow a split or a merge.
    if let Some(renumber) = renumbering(&req.edit) {
        let mut logs = vec![crate::agreement::decisions_path(root)];
        logs.extend(
            coders
                .iter()
                .map(|c| crate::autocode::rejected_path(root, c)),
        );
        for log in logs {
            let Ok(text) = std::fs::read_to_string(&log) else {
                continue;
            };
            let new_log = renumber_log(&text, &req.interview, &req.lang, &renumber);
            if new_log != text {
                let lrel = log.strip_prefix(root).unwrap_or(&log).to_path_buf();
                snapshot.files.push((
                    lrel.clone(),
                    text.into_bytes(),
                    new_log.clone().into_bytes(),
                ));
                change.write(lrel, new_log);
            }
        }
    }
    snapshot.files.push((rel.clone(), before, after.clone()));
    change.write(rel.clone(), after);
    ready(&new);
    change.commit_under(&lock, root, hook)?;
    let mut summary = describe(&req.edit, &req.interview, &req.lang, moved, deleted.len());
    if !reworded.is_empty() {
        summary.push_str(&format!(
            "; {} coding(s) now cover edited words: {}",
            reworded.len(),
            reworded.join(", ")
        ));
    }
    Ok(Outcome {
        summary,
        moved,
        deleted,
        reworded,
        region,
        undo: snapshot,
        transcript: new,
    })
}

/// Every coder's lock: an edit moves every coder's codings. A coder at work in another
/// session is named, with where, and nothing is changed.
fn lock_every_coder(root: &Path, coders: &[String]) -> Result<Vec<std::fs::File>> {
    coders
        .iter()
        .map(|c| {
            codings::store::lock(root, c).map_err(|e| {
                if !e.to_string().contains("already working") {
                    return e;
                }
                let lock = root.join(crate::project::CODINGS_DIR).join(c).join(".lock");
                let holder = std::fs::read_to_string(&lock).unwrap_or_default();
                Error::usage(format!(
                    "coder `{c}` is working in another session ({}): a transcript edit moves every \
                     coder's codings, so it waits until that session is closed. Nothing was changed.",
                    if holder.trim().is_empty() { "holder unknown" } else { holder.trim() }
                ))
            })
        })
        .collect()
}

/// A thread's result, or an error if it panicked (no panic is expected; none is passed on).
fn joined<T>(r: std::thread::Result<Result<T>>) -> Result<T> {
    r.unwrap_or_else(|_| {
        Err(Error::usage(
            "internal error while editing; nothing was changed",
        ))
    })
}

/// One coder's file after the edit: its bytes before, its JSON now, and what moved.
struct Followed {
    path: PathBuf,
    before: Vec<u8>,
    json: String,
    moved: usize,
    deleted: Vec<String>,
    reworded: Vec<String>,
}

/// Moves one coder's codings of `lang` with the edit (`region` of `old` became `new`);
/// `None` when none of them changed.
#[allow(clippy::too_many_arguments)]
fn follow(
    old: &Transcript,
    new: &Transcript,
    region: Region,
    lang: &str,
    coder: &str,
    path: &Path,
    before: Vec<u8>,
    mut file: CodingFile,
) -> Result<Option<Followed>> {
    let (mut moved, mut deleted, mut reworded, mut touched) = (0, Vec::new(), Vec::new(), false);
    let Region { a, b, n } = region;
    for c in file.codings.iter_mut().filter(|c| c.lang == lang) {
        // Ending before the edit or where it starts: nothing changes (as `map_span` says).
        if c.end <= a {
            continue;
        }
        // Starting after it or where it ends: the same text, further on; only the span
        // moves (its quote, drifted or not, stays what it was).
        if c.start >= b {
            let shift = |p: usize| p + n - (b - a);
            if n != b - a {
                c.start = shift(c.start);
                c.end = shift(c.end);
                moved += 1;
                touched = true;
            }
            continue;
        }
        // Overlapping the edit. A coding that had drifted before it follows nothing.
        if crate::codings::drift::is_drifted(old, c) {
            continue;
        }
        match map_span(c.start, c.end, region) {
            // Untouched: the same span, the same text.
            Some(r) if r == c.span() && c.quote.matches(new.slice(r.clone())) => {}
            Some(r) => {
                // Only an edit wholly inside the coding leaves its own words whole.
                if !(c.start < region.a && region.b < c.end) {
                    reworded.push(format!("{coder}'s {} coding {}", c.code, c.id));
                }
                c.start = r.start;
                c.end = r.end;
                c.quote = new.slice(r).into();
                moved += 1;
                touched = true;
            }
            None => {
                // Kept with its old quote, at the place of the deletion: drifted.
                let at = region.a.min(new.char_len());
                c.start = at;
                c.end = at;
                deleted.push(format!("{coder}'s {} coding {}", c.code, c.id));
                touched = true;
            }
        }
    }
    if !touched {
        return Ok(None);
    }
    file.sort();
    Ok(Some(Followed {
        path: path.to_path_buf(),
        before,
        json: file.to_json()?,
        moved,
        deleted,
        reworded,
    }))
}

/// The segment an edit is about (for the `expect` check).
fn segment_of(edit: &Edit) -> Option<usize> {
    match edit {
        Edit::Text { segment, .. } | Edit::Split { segment, .. } | Edit::Merge { segment } => {
            Some(*segment)
        }
        Edit::Speaker { segment, .. } => *segment,
    }
}

/// Checks that the file as rewritten reads back as the edit meant: the same segments but the
/// edited ones, and the edited text as asked.
fn check_result(old: &Transcript, new: &Transcript, edit: &Edit) -> Result<()> {
    let want_count = match edit {
        Edit::Split { .. } => old.segments.len() + 1,
        Edit::Merge { .. } => old.segments.len() - 1,
        _ => old.segments.len(),
    };
    if new.segments.len() != want_count {
        return Err(Error::usage(
            "the edit would change other segments of the file (an empty text, or a line that \
             reads as a cue?); nothing was changed",
        ));
    }
    if let Edit::Text { segment, text } = edit {
        let got = &new.segments[*segment].text;
        if *got != one_line(text) {
            return Err(Error::usage(format!(
                "the new text would read back as “{got}” (a `Name:` at its start reads as a speaker); \
                 nothing was changed"
            )));
        }
        if new.segments[*segment].speaker != old.segments[*segment].speaker {
            return Err(Error::usage(
                "the new text would change the segment's speaker (it starts with `Name:`); nothing was changed",
            ));
        }
    }
    Ok(())
}

/// How segment numbers of one transcript change: split at k: after k, +1; merge k and k+1:
/// k+1 becomes k, after it -1.
enum Renumber {
    Split(usize),
    Merge(usize),
}

fn renumbering(edit: &Edit) -> Option<Renumber> {
    match edit {
        Edit::Split { segment, .. } => Some(Renumber::Split(*segment)),
        Edit::Merge { segment } => Some(Renumber::Merge(*segment)),
        _ => None,
    }
}

fn renumber_log(text: &str, interview: &str, lang: &str, r: &Renumber) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let fields: Vec<&str> = line.trim_end_matches('\n').split('\t').collect();
        let seg = fields.get(2).and_then(|s| s.parse::<usize>().ok());
        match seg {
            Some(s) if fields[0] == interview && fields[1] == lang => {
                let s2 = match r {
                    Renumber::Split(k) if s > *k => s + 1,
                    Renumber::Merge(k) if s > *k => s - 1,
                    _ => s,
                };
                let mut f: Vec<String> = fields.iter().map(|x| x.to_string()).collect();
                f[2] = s2.to_string();
                out.push_str(&f.join("\t"));
                if line.ends_with('\n') {
                    out.push('\n');
                }
            }
            _ => out.push_str(line),
        }
    }
    out
}

fn describe(edit: &Edit, interview: &str, lang: &str, moved: usize, deleted: usize) -> String {
    let what = match edit {
        Edit::Text { segment, .. } => format!("edited segment {segment}"),
        Edit::Speaker { to, .. } => format!("renamed the speaker to {to}"),
        Edit::Split { segment, .. } => format!("split segment {segment}"),
        Edit::Merge { segment } => format!("merged segments {segment} and {}", segment + 1),
    };
    let mut s = format!("{interview} ({lang}): {what}; {moved} coding(s) moved");
    if deleted > 0 {
        s.push_str(&format!(
            "; {deleted} coding(s) lost their text and are kept as drifted (`intercode check` lists them)"
        ));
    }
    s
}

/// Puts the files of an edit back as they were (`undo`) or as the edit left them (redo),
/// as one transaction, if each is still as the edit left it (or as it was): a file changed
/// since by someone else is never written over.
pub fn restore(root: &Path, snap: &Snapshot, undo: bool) -> Result<()> {
    let lock = ProjectLock::take(root)?;
    let coders = codings::coders(root);
    let _locks = lock_every_coder(root, &coders)?;
    let mut change = Change::new();
    for (rel, before, after) in &snap.files {
        let (expect, put) = if undo {
            (after, before)
        } else {
            (before, after)
        };
        let now = std::fs::read(root.join(rel)).unwrap_or_default();
        if now != *expect {
            return Err(Error::usage(format!(
                "{} changed since the edit (another session?): not {}. Nothing was changed.",
                rel.display(),
                if undo { "undone" } else { "redone" }
            )));
        }
        change.write(rel.clone(), put.clone());
    }
    change.commit_under(&lock, root, &mut |_| {})
}

#[cfg(test)]
mod tests {
    use super::rewrite::{cue_escape, retime};
    use super::*;

    #[test]
    fn the_region_is_what_differs() {
        assert_eq!(diff_region("abcdef", "abXYef"), Region { a: 2, b: 4, n: 2 });
        assert_eq!(diff_region("abc", "abc"), Region { a: 3, b: 3, n: 0 });
        assert_eq!(diff_region("aa", "aaa"), Region { a: 2, b: 2, n: 1 });
        assert_eq!(diff_region("Борова", "Борава"), Region { a: 3, b: 4, n: 1 });
        assert_eq!(
            diff_region("ёлка 👋🏽", "ёлка 👋🏼"),
            Region { a: 6, b: 7, n: 1 }
        );
        assert_eq!(diff_region("a b", "a\nb"), Region { a: 1, b: 2, n: 1 });
    }

    #[test]
    fn codings_follow_an_edit() {
        // "I was afraid then" -> "I was very afraid then": insert "very " at 6.
        let r = Region { a: 6, b: 6, n: 5 };
        assert_eq!(map_span(0, 5, r), Some(0..5)); // before
        assert_eq!(map_span(6, 12, r), Some(11..17)); // starts at the insertion: shifted
        assert_eq!(map_span(0, 6, r), Some(0..6)); // ends at it: unchanged
        assert_eq!(map_span(2, 12, r), Some(2..17)); // contains it: grows
                                                     // Replace "afraid" (6..12) by "scared" and by "sure".
        let same = Region { a: 6, b: 12, n: 6 };
        assert_eq!(map_span(6, 12, same), Some(6..12));
        let shorter = Region { a: 6, b: 12, n: 4 };
        assert_eq!(map_span(6, 12, shorter), Some(6..10));
        assert_eq!(map_span(0, 17, shorter), Some(0..15));
        assert_eq!(map_span(13, 17, shorter), Some(11..15));
        // An edge inside the region keeps its offset, up to the new end.
        assert_eq!(map_span(8, 15, shorter), Some(8..13));
        assert_eq!(map_span(0, 11, shorter), Some(0..10));
        // Deleted whole.
        let gone = Region { a: 6, b: 12, n: 0 };
        assert_eq!(map_span(7, 11, gone), None);
        assert_eq!(map_span(6, 12, gone), None);
        assert_eq!(map_span(0, 12, gone), Some(0..6));
    }

    #[test]
    fn logs_are_renumbered_after_a_split_and_a_merge() {
        let log = "P01\tru\t3\tfirst\nP01\tru\t4\tboth\nP01\ten\t9\tx\nP02\tru\t9\ty\n";
        assert_eq!(
            renumber_log(log, "P01", "ru", &Renumber::Split(3)),
            "P01\tru\t3\tfirst\nP01\tru\t5\tboth\nP01\ten\t9\tx\nP02\tru\t9\ty\n"
        );
        assert_eq!(
            renumber_log(log, "P01", "ru", &Renumber::Merge(3)),
            "P01\tru\t3\tfirst\nP01\tru\t3\tboth\nP01\ten\t9\tx\nP02\tru\t9\ty\n"
        );
    }

    #[test]
    fn cue_text_is_escaped_and_timings_rewritten() {
        assert_eq!(cue_escape("a <b> & c-->d"), "a &lt;b&gt; &amp; c--&gt;d");
        assert_eq!(
            retime(
                "00:00:01.000 --> 00:00:04.000 align:start",
                None,
                Some(2500)
            ),
            "00:00:01.000 --> 00:00:02.500 align:start"
        );
    }
}
