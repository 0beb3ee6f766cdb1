//! The actions both shells (the command line and the terminal UI) perform on the project's
//! shared files, each written once: codebook edits and the merges and deletions that rewrite
//! every coder's codings, and deciding a disagreement. Each one reads the files as they are on disk *now*, under the
//! project's write lock, applies the edit to them and writes them back as one transaction
//! ([`crate::txn`]): no session writes over a newer version of a file, and a crash leaves the
//! change wholly done or wholly undone.

pub mod refi_import;
pub mod transcript_edit;
pub mod transcript_import;

use crate::codebook::{Codebook, Survey};
use crate::codings::{self, Recode};
use crate::error::{Error, Problem, Result};
use crate::project::{CODEBOOK_FILE, SURVEY_FILE};
use crate::txn::{Change, ProjectLock};
use std::path::Path;

fn problem(p: Problem) -> Error {
    Error::data(&p.location.path, p.location.line, p.message)
}

/// The codebook as it is on disk now.
pub fn read_codebook(root: &Path) -> Result<Codebook> {
    Codebook::load(&root.join(CODEBOOK_FILE))
        .map(|(cb, _)| cb)
        .map_err(problem)
}

/// The survey as it is on disk now (`None` when there is none).
fn read_survey(root: &Path, cb: &Codebook) -> Result<Option<Survey>> {
    let path = root.join(SURVEY_FILE);
    if !path.exists() {
        return Ok(None);
    }
    Survey::load(&path, Some(cb))
        .map(|(s, _)| Some(s))
        .map_err(problem)
}

/// The start of every edit: the project's write lock, the codebook as it is on disk now, and
/// whether it differs from the copy the caller knew.
fn begin(root: &Path, known: Option<&Codebook>) -> Result<(ProjectLock, Codebook, bool)> {
    let lock = ProjectLock::take(root)?;
    let cb = read_codebook(root)?;
    let was_newer = known.is_some_and(|k| *k != cb);
    Ok((lock, cb, was_newer))
}

/// The end of every edit: the survey (when links moved) and the codebook join the change,
/// which is committed as one transaction.
#[allow(clippy::too_many_arguments)]
fn finish(
    root: &Path,
    lock: &ProjectLock,
    mut change: Change,
    codebook: Codebook,
    survey: Option<Survey>,
    was_newer: bool,
    codings: usize,
    links: usize,
    hook: &mut dyn FnMut(&str),
) -> Result<Edited> {
    if links > 0 {
        if let Some(s) = &survey {
            change.write(SURVEY_FILE, s.to_json());
        }
    }
    change.write(CODEBOOK_FILE, codebook.to_json());
    change.commit_under(lock, root, hook)?;
    Ok(Edited {
        codebook,
        survey,
        was_newer,
        codings,
        links,
    })
}

/// What an edit found and did.
#[derive(Debug, Clone)]
pub struct Edited {
    /// The codebook as written.
    pub codebook: Codebook,
    /// The survey as written (or as it is, when the edit did not touch it).
    pub survey: Option<Survey>,
    /// Whether the codebook on disk differed from the copy the caller knew (another session
    /// changed it): the edit was applied to the newer version.
    pub was_newer: bool,
    /// Codings changed (reassigned or removed).
    pub codings: usize,
    /// Survey links moved.
    pub links: usize,
}

/// Applies `edit` to the codebook as it is on disk now and writes it. `known` is the copy the
/// caller shows (if any): when the file changed since, the edit is applied to the newer
/// version and [`Edited::was_newer`] says so, so a session never writes its stale copy over
/// another session's work.
pub fn edit_codebook(
    root: &Path,
    known: Option<&Codebook>,
    edit: impl FnOnce(&mut Codebook) -> std::result::Result<(), crate::codebook::EditError>,
) -> Result<Edited> {
    let (lock, mut cb, was_newer) = begin(root, known)?;
    edit(&mut cb)?;
    let survey = read_survey(root, &cb)?;
    finish(
        root,
        &lock,
        Change::new(),
        cb,
        survey,
        was_newer,
        0,
        0,
        &mut |_| {},
    )
}

/// Merges code `from` into `into`: every coder's codings of `from` become `into`, survey
/// links follow, `from`'s sub-codes move under `into`. Needs every coder's lock (a session
/// that holds its own must step aside). One transaction.
pub fn merge_codes(
    root: &Path,
    known: Option<&Codebook>,
    from: &str,
    into: &str,
) -> Result<Edited> {
    merge_codes_with(root, known, from, into, &mut |_| {})
}

/// [`merge_codes`] with the transaction's step hook (for kill tests).
pub fn merge_codes_with(
    root: &Path,
    known: Option<&Codebook>,
    from: &str,
    into: &str,
    hook: &mut dyn FnMut(&str),
) -> Result<Edited> {
    let (lock, mut cb, was_newer) = begin(root, known)?;
    cb.merge(from, into)?;
    let mut survey = read_survey(root, &cb)?;
    let links = survey
        .as_mut()
        .map_or(0, |s| s.relink(&[from.to_string()], into));
    let mut change = Change::new();
    let (_locks, n) = codings::recode_into(root, &mut change, |c| {
        if c == from {
            Recode::Replace(into.to_string())
        } else {
            Recode::Keep
        }
    })?;
    finish(root, &lock, change, cb, survey, was_newer, n, links, hook)
}

/// Deletes code `id` and its sub-codes. Codings of them are reassigned to `reassign`, or
/// removed with `remove`; with neither, a code in use is refused. Survey links follow a
/// reassignment and otherwise block. One transaction.
pub fn delete_code(
    root: &Path,
    known: Option<&Codebook>,
    id: &str,
    reassign: Option<&str>,
    remove: bool,
) -> Result<Edited> {
    let (lock, mut cb, was_newer) = begin(root, known)?;
    let doomed = cb.subtree_ids(id);
    if doomed.is_empty() {
        return Err(Error::usage(format!("unknown code `{id}`")));
    }
    if let Some(r) = reassign {
        if !cb.contains(r) || doomed.iter().any(|d| d == r) {
            return Err(Error::usage(format!(
                "cannot reassign to `{r}`: it is unknown or deleted with `{id}`"
            )));
        }
    }
    let mut survey = read_survey(root, &cb)?;
    let mut links = 0;
    if let Some(s) = &mut survey {
        let linked = s.links_to(&doomed);
        match reassign {
            Some(to) if !linked.is_empty() => links = s.relink(&doomed, to),
            None if !linked.is_empty() => {
                return Err(Error::usage(format!(
                "codebook/survey.json links {} to `{id}` (or its sub-codes); pass --reassign CODE \
                     to move them, or edit survey.json. Nothing was changed.",
                linked.join(", ")
            )))
            }
            _ => {}
        }
    }
    let mut change = Change::new();
    let used = std::cell::Cell::new(0usize);
    let (_locks, n) = codings::recode_into(root, &mut change, |c| {
        if !doomed.iter().any(|d| d == c) {
            return Recode::Keep;
        }
        used.set(used.get() + 1);
        match reassign {
            Some(r) => Recode::Replace(r.to_string()),
            None if remove => Recode::Remove,
            None => Recode::Keep,
        }
    })?;
    if reassign.is_none() && !remove && used.get() > 0 {
        return Err(Error::usage(format!(
            "`{id}` (with its sub-codes) is used by {} coding(s); pass --reassign CODE to move them \
             or --remove-codings to delete them. Nothing was changed.",
            used.get()
        )));
    }
    cb.detach(id);
    finish(
        root,
        &lock,
        change,
        cb,
        survey,
        was_newer,
        n,
        links,
        &mut |_| {},
    )
}

/// What deciding a disputed passage did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    /// Ids of the codings given to the consensus coder (what an undo removes).
    pub added: Vec<String>,
    /// Whose codes were taken, in words ("both", a coder, "neither").
    pub took: String,
}

/// Decides disputed passage `p` between the `compared` pair, in every language it has: the
/// chosen coder's (or both coders') codings on its segments are copied to the consensus
/// coder, and the decision is recorded in `decisions.tsv` with who made it (`by`). The
/// codings are saved first: a crash before the record leaves the passage open, to be decided
/// again (a coding already there is not added twice).
pub fn decide(
    root: &Path,
    project: &crate::project::Project,
    all: &codings::AllCodings,
    compared: &[String],
    p: &crate::agreement::DisputedPassage,
    decision: crate::agreement::Decision,
    by: &str,
) -> Result<Decided> {
    use crate::agreement::{Decision, CONSENSUS};
    let [first, second] = compared else {
        return Err(Error::usage("deciding needs the two compared coders"));
    };
    let takes: Vec<&String> = match decision {
        Decision::Both => vec![first, second],
        Decision::First => vec![first],
        Decision::Second => vec![second],
        Decision::Neither => vec![],
    };
    let interview = project.interview(&p.interview)?;
    let mut chosen: Vec<codings::Coding> = Vec::new();
    for d in &p.parts {
        let t = interview
            .versions
            .get(&d.lang)
            .ok_or_else(|| Error::usage(format!("{} has no `{}` version", d.interview, d.lang)))?;
        if d.segment >= t.segments.len() {
            return Err(Error::usage(format!(
                "{} {} has no segment {}",
                d.interview, d.lang, d.segment
            )));
        }
        let span = t.segment_span(d.segment);
        for coder in &takes {
            let on_segment = all.iter().filter(|(f, c)| {
                &f.coder == *coder
                    && f.interview == d.interview
                    && c.lang == d.lang
                    && c.start < span.end
                    && span.start < c.end
            });
            for (_, c) in on_segment {
                if !chosen
                    .iter()
                    .any(|x| x.lang == c.lang && x.code == c.code && x.span() == c.span())
                {
                    chosen.push(c.clone());
                }
            }
        }
    }
    let mut session = codings::store::Session::open(root, CONSENSUS)?;
    let mut added = Vec::new();
    for c in &chosen {
        let there = session
            .codings(&p.interview)?
            .iter()
            .any(|x| x.lang == c.lang && x.code == c.code && x.span() == c.span());
        if there {
            continue;
        }
        let new = session.add(
            project,
            codings::store::NewCoding {
                interview: p.interview.clone(),
                lang: c.lang.to_string(),
                span: c.span(),
                code: c.code.to_string(),
                memo: c.memo.clone(),
                origin: codings::Origin::Copied,
                model: None,
            },
        )?;
        added.push(new.id);
    }
    drop(session);
    let decisions = crate::agreement::decisions_path(root);
    for d in &p.parts {
        crate::agreement::record_decision(root, d, decision, by)
            .map_err(|e| Error::io(&decisions, e))?;
    }
    Ok(Decided {
        added,
        took: match decision {
            Decision::Both => "both".into(),
            Decision::First => first.clone(),
            Decision::Second => second.clone(),
            Decision::Neither => "neither".into(),
        },
    })
}

/// Undoes the decision on passage `p` that added the consensus codings `added`: those
/// codings are removed and the passage's last decision records are dropped, both files in
/// one transaction, so the passage is open again exactly as before.
pub fn undo_decision(
    root: &Path,
    p: &crate::agreement::DisputedPassage,
    added: &[String],
) -> Result<()> {
    use crate::agreement::CONSENSUS;
    let lock = ProjectLock::take(root)?;
    let _consensus = codings::lock_coder(root, CONSENSUS)?;
    let mut change = Change::new();
    let path = codings::coding_path(root, CONSENSUS, &p.interview);
    if !added.is_empty() && path.exists() {
        let mut file = codings::CodingFile::read(&path)?;
        file.codings.retain(|c| !added.contains(&c.id));
        file.sort();
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        change.write(rel, file.to_json()?);
    }
    let log = crate::agreement::decisions_path(root);
    let mut records = crate::fsutil::read_records(&log);
    for d in &p.parts {
        let seg = d.segment.to_string();
        if let Some(k) = records
            .iter()
            .rposition(|r| r.len() >= 3 && r[0] == d.interview && r[1] == d.lang && r[2] == seg)
        {
            records.remove(k);
        }
    }
    let text: String = records.iter().map(|r| r.join("\t") + "\n").collect();
    let rel = log.strip_prefix(root).unwrap_or(&log).to_path_buf();
    change.write(rel, text);
    change.commit_under(&lock, root, &mut |_| {})
}
