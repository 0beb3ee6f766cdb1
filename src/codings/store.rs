//! A coder's writing session: the OS lock that keeps a second session of the same coder out,
//! validated changes written atomically one by one, and undo/redo of those changes.
//!
//! Every change is on disk (temp file, fsync, rename, fsync of the folder) before the call
//! returns, so a crash or `kill -9` loses at most the change in flight. A file that does not
//! parse is never overwritten: changes to that interview are refused until it is fixed.

use super::{check_span, coding_path, Coding, CodingFile, Origin};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::project::{Project, CODINGS_DIR};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What a new coding is made of; the session adds id, quote and time.
#[derive(Debug, Clone)]
pub struct NewCoding {
    pub interview: String,
    pub lang: String,
    pub span: Range<usize>,
    pub code: String,
    pub memo: String,
    pub origin: Origin,
    /// The learned model that suggested it.
    pub model: Option<String>,
}

/// Makes `change` to the codings of one file in memory, keeping their stable order.
fn change_in_memory(file: &mut CodingFile, change: &Change) {
    match change {
        Change::Added { coding, .. } => file.codings.push(coding.clone()),
        Change::Removed { coding, .. } => file.codings.retain(|c| c.id != coding.id),
        Change::Edited { after, .. } => {
            if let Some(c) = file.codings.iter_mut().find(|c| c.id == after.id) {
                *c = after.clone();
            }
        }
    }
    file.sort();
}

/// One undoable change.
#[derive(Debug, Clone)]
enum Change {
    Added {
        interview: String,
        coding: Coding,
    },
    Removed {
        interview: String,
        coding: Coding,
    },
    Edited {
        interview: String,
        before: Coding,
        after: Coding,
    },
}

impl Change {
    fn inverse(&self) -> Change {
        match self {
            Change::Added { interview, coding } => Change::Removed {
                interview: interview.clone(),
                coding: coding.clone(),
            },
            Change::Removed { interview, coding } => Change::Added {
                interview: interview.clone(),
                coding: coding.clone(),
            },
            Change::Edited {
                interview,
                before,
                after,
            } => Change::Edited {
                interview: interview.clone(),
                before: after.clone(),
                after: before.clone(),
            },
        }
    }

    /// A short description for status lines ("added fear to P01").
    fn describe(&self) -> String {
        match self {
            Change::Added { interview, coding } => format!("added {} in {interview}", coding.code),
            Change::Removed { interview, coding } => {
                format!("removed {} in {interview}", coding.code)
            }
            Change::Edited {
                interview,
                before,
                after,
            } if before.code != after.code => {
                format!("recoded {} as {} in {interview}", before.code, after.code)
            }
            Change::Edited {
                interview, after, ..
            } => format!("edited {} in {interview}", after.code),
        }
    }
}

type Clock = Box<dyn Fn() -> SystemTime + Send>;

/// A coder's session. Dropping it releases the lock.
pub struct Session {
    root: PathBuf,
    coder: String,
    _lock: File,
    files: BTreeMap<String, CodingFile>,
    undo: Vec<Change>,
    redo: Vec<Change>,
    clock: Clock,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("coder", &self.coder)
            .finish_non_exhaustive()
    }
}

/// Takes the coder's lock file, or says who holds it.
pub(crate) fn lock(root: &Path, coder: &str) -> Result<File> {
    let dir = root.join(CODINGS_DIR).join(coder);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let path = dir.join(".lock");
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            return Err(Error::data(
                &path,
                None,
                format!(
                    "coder `{coder}` is already working in another session ({}); close that session \
                     first, or work as another coder with --coder",
                    if holder.is_empty() { "holder unknown" } else { holder }
                ),
            ));
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
    }
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "this machine".into());
    let since = humantime::format_rfc3339_seconds(SystemTime::now());
    let _ = file.set_len(0);
    let _ = file.rewind();
    let _ = write!(file, "pid {} on {host} since {since}", std::process::id());
    let _ = file.sync_all();
    Ok(file)
}

impl Session {
    /// Opens a session for `coder`, taking the lock.
    pub fn open(root: &Path, coder: &str) -> Result<Session> {
        if !super::is_valid_coder(coder) {
            return Err(Error::usage(format!("`{coder}` cannot be a coder name")));
        }
        let lock = lock(root, coder)?;
        // Only the lock holder writes here: any temporary file is a killed writer's.
        crate::txn::remove_temporaries_in(&root.join(CODINGS_DIR).join(coder));
        Ok(Session {
            root: root.to_path_buf(),
            coder: coder.to_string(),
            _lock: lock,
            files: BTreeMap::new(),
            undo: Vec::new(),
            redo: Vec::new(),
            clock: Box::new(SystemTime::now),
        })
    }

    /// Replaces the clock (tests and benchmarks).
    pub fn with_clock(mut self, clock: impl Fn() -> SystemTime + Send + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    pub fn coder(&self) -> &str {
        &self.coder
    }

    fn file(&mut self, interview: &str) -> Result<&mut CodingFile> {
        if !self.files.contains_key(interview) {
            let path = coding_path(&self.root, &self.coder, interview);
            let file = if path.exists() {
                let f = CodingFile::read(&path)?;
                if f.coder != self.coder || f.interview != interview {
                    return Err(Error::data(
                        &path,
                        Some(1),
                        format!(
                            "the file says coder `{}`, interview `{}`; fix it before coding",
                            f.coder, f.interview
                        ),
                    ));
                }
                f
            } else {
                CodingFile::new(&self.coder, interview)
            };
            self.files.insert(interview.to_string(), file);
        }
        Ok(self.files.get_mut(interview).expect("just inserted"))
    }

    /// This coder's codings of one interview.
    pub fn codings(&mut self, interview: &str) -> Result<&[Coding]> {
        Ok(&self.file(interview)?.codings)
    }

    /// This coder's coding of `code` in `interview` and `lang` at exactly `span` (with
    /// `overlapping`, any span that overlaps it): a coding that would add nothing new.
    pub fn same_coding(
        &mut self,
        interview: &str,
        lang: &str,
        span: &std::ops::Range<usize>,
        code: &str,
        overlapping: bool,
    ) -> Result<Option<Coding>> {
        Ok(self
            .codings(interview)?
            .iter()
            .find(|c| {
                c.lang == lang
                    && c.code == code
                    && if overlapping {
                        c.start < span.end && span.start < c.end
                    } else {
                        c.span() == *span
                    }
            })
            .cloned())
    }

    fn save(&mut self, interview: &str) -> Result<()> {
        let path = coding_path(&self.root, &self.coder, interview);
        let json = self.files[interview].to_json()?;
        fsutil::write_atomic(&path, json.as_bytes())
    }

    /// Applies a change in memory and on disk; on a failed write the memory is restored (by
    /// the inverse change: a copy of the whole file per save cost more than the save's own
    /// work in an interview with thousands of codings).
    fn apply(&mut self, change: &Change) -> Result<()> {
        let interview = match change {
            Change::Added { interview, .. }
            | Change::Removed { interview, .. }
            | Change::Edited { interview, .. } => interview.clone(),
        };
        let file = self.file(&interview)?;
        change_in_memory(file, change);
        if let Err(e) = self.save(&interview) {
            change_in_memory(self.file(&interview)?, &change.inverse());
            return Err(e);
        }
        Ok(())
    }

    fn record(&mut self, change: Change) -> Result<()> {
        self.apply(&change)?;
        self.undo.push(change);
        self.redo.clear();
        Ok(())
    }

    /// Validates and saves a new coding; returns it as stored.
    pub fn add(&mut self, project: &Project, new: NewCoding) -> Result<Coding> {
        let interview = project.interview(&new.interview)?;
        let t = interview.versions.get(&new.lang).ok_or_else(|| {
            Error::usage(format!("{} has no `{}` version", new.interview, new.lang))
        })?;
        if let Some(cb) = &project.codebook {
            if !cb.contains(&new.code) {
                return Err(Error::usage(format!(
                    "unknown code `{}` (see `intercode codebook list`)",
                    new.code
                )));
            }
        }
        check_span(t, &new.span)
            .map_err(|m| Error::usage(format!("{} ({}): {m}", new.interview, new.lang)))?;
        let now = (self.clock)();
        let since = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        let ts = uuid::Timestamp::from_unix(uuid::NoContext, since.as_secs(), since.subsec_nanos());
        let coding = Coding {
            id: uuid::Uuid::new_v7(ts).to_string(),
            lang: new.lang.into(),
            start: new.span.start,
            end: new.span.end,
            code: new.code.into(),
            quote: t.slice(new.span).into(),
            memo: new.memo,
            created: humantime::format_rfc3339_seconds(now).to_string().into(),
            origin: new.origin,
            model: new.model.map(Into::into),
        };
        self.record(Change::Added {
            interview: new.interview,
            coding: coding.clone(),
        })?;
        Ok(coding)
    }

    /// Finds a coding of this coder by id (or unique id prefix) in any interview.
    pub fn find(&mut self, id: &str) -> Result<(String, Coding)> {
        let dir = self.root.join(CODINGS_DIR).join(&self.coder);
        let mut interviews: Vec<String> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.flatten()
                    .filter_map(|e| {
                        let p = e.path();
                        (p.extension()? == "json")
                            .then(|| p.file_stem()?.to_str().map(str::to_string))?
                    })
                    .collect()
            })
            .unwrap_or_default();
        interviews.extend(self.files.keys().cloned());
        interviews.sort();
        interviews.dedup();
        let mut found = Vec::new();
        for i in interviews {
            for c in &self.file(&i)?.codings {
                if c.id == id || (id.len() >= 8 && c.id.starts_with(id)) {
                    found.push((i.clone(), c.clone()));
                }
            }
        }
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(Error::usage(format!(
                "coder `{}` has no coding `{id}`",
                self.coder
            ))),
            n => Err(Error::usage(format!(
                "`{id}` matches {n} codings; give more of the id"
            ))),
        }
    }

    /// Removes a coding by id.
    pub fn remove(&mut self, id: &str) -> Result<Coding> {
        let (interview, coding) = self.find(id)?;
        self.record(Change::Removed {
            interview,
            coding: coding.clone(),
        })?;
        Ok(coding)
    }

    /// Replaces a coding's memo.
    pub fn set_memo(&mut self, id: &str, memo: &str) -> Result<Coding> {
        let (interview, before) = self.find(id)?;
        let after = Coding {
            memo: memo.to_string(),
            ..before.clone()
        };
        self.record(Change::Edited {
            interview,
            before,
            after: after.clone(),
        })?;
        Ok(after)
    }

    /// Gives a coding another code, keeping its span, memo and id: one change, undone as one.
    pub fn recode(&mut self, project: &Project, id: &str, code: &str) -> Result<Coding> {
        if let Some(cb) = &project.codebook {
            if !cb.contains(code) {
                return Err(Error::usage(format!(
                    "unknown code `{code}` (see `intercode codebook list`)"
                )));
            }
        }
        let (interview, before) = self.find(id)?;
        if before.code.as_str() == code {
            return Err(Error::usage(format!(
                "coding {id} already has code `{code}`"
            )));
        }
        let after = Coding {
            code: code.into(),
            ..before.clone()
        };
        self.record(Change::Edited {
            interview,
            before,
            after: after.clone(),
        })?;
        Ok(after)
    }

    /// Moves a drifted coding to the single nearby place its quote occurs.
    pub fn reanchor(&mut self, project: &Project, id: &str) -> Result<Coding> {
        let (interview, before) = self.find(id)?;
        let t = project
            .interviews
            .get(&interview)
            .and_then(|i| i.versions.get(before.lang.as_str()))
            .ok_or_else(|| {
                Error::usage(format!(
                    "{interview} ({}) is not in the project",
                    before.lang
                ))
            })?;
        match super::drift::check(t, &before) {
            super::drift::Status::Anchored => Err(Error::usage(format!("coding {id} is not drifted"))),
            super::drift::Status::Drifted { candidate: None } => Err(Error::usage(format!(
                "the quote of coding {id} does not occur exactly once near its old place; recode it by hand"
            ))),
            super::drift::Status::Drifted { candidate: Some(r) } => {
                let after = Coding { start: r.start, end: r.end, ..before.clone() };
                self.record(Change::Edited { interview, before, after: after.clone() })?;
                Ok(after)
            }
        }
    }

    /// Undoes the last change; returns what was undone.
    pub fn undo(&mut self) -> Result<Option<String>> {
        let Some(change) = self.undo.pop() else {
            return Ok(None);
        };
        if let Err(e) = self.apply(&change.inverse()) {
            self.undo.push(change);
            return Err(e);
        }
        let what = change.describe();
        self.redo.push(change);
        Ok(Some(what))
    }

    /// Redoes the last undone change.
    pub fn redo(&mut self) -> Result<Option<String>> {
        let Some(change) = self.redo.pop() else {
            return Ok(None);
        };
        if let Err(e) = self.apply(&change) {
            self.redo.push(change);
            return Err(e);
        }
        let what = change.describe();
        self.undo.push(change);
        Ok(Some(what))
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}
