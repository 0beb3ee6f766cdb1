//! Changes that span several project files, all or nothing (a codebook merge rewrites every
//! coder's codings, the survey links and the codebook; an import writes many files).
//!
//! A redo log in `.intercode-journal/` (not a cache: it is the change in flight):
//! 1. every new file content is staged in the journal and synced, with a manifest;
//! 2. a `COMMITTED` marker is written: the point of no return;
//! 3. each staged file is renamed over its target (each rename atomic);
//! 4. the journal is removed.
//!
//! [`recover`] runs before any command reads the project: a journal with its marker is
//! finished (the renames are redone; a staged file already moved is skipped), one without is
//! dropped (no target was touched yet). So a crash or `kill -9` at any moment leaves the
//! change wholly done or wholly undone. One change at a time: the journal's lock is held from
//! staging to removal, and recovery leaves alone a journal whose writer is alive.
//!
//! The same place cleans up temporary files that a killed writer left behind
//! (`.intercode-tmp-*`, see [`crate::fsutil::write_atomic`]).

use crate::error::{Error, Result};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The journal folder, relative to the project.
pub const JOURNAL_DIR: &str = ".intercode-journal";
/// Where imports keep the files they replaced, relative to the project.
pub const BACKUP_DIR: &str = ".intercode-backup";
const MANIFEST: &str = "manifest.tsv";
const COMMITTED: &str = "COMMITTED";
const LOCK: &str = ".lock";

/// A change being prepared: files and their new contents.
#[derive(Debug, Default)]
pub struct Change {
    /// (target relative to the project, new contents)
    writes: Vec<(PathBuf, Vec<u8>)>,
}

impl Change {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file to write (`rel` relative to the project root).
    pub fn write(&mut self, rel: impl Into<PathBuf>, contents: impl Into<Vec<u8>>) -> &mut Self {
        self.writes.push((rel.into(), contents.into()));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }

    /// Copies every file this change will replace into `.intercode-backup/<stamp>/`, under
    /// its path in the project, before anything is written; returns that folder (`None` when
    /// nothing is replaced). Imports keep what they replace this way, to be copied back.
    pub fn back_up(&self, root: &Path, stamp: &str) -> Result<Option<PathBuf>> {
        // Two imports in one second keep two backups.
        let mut dir = root.join(BACKUP_DIR).join(stamp);
        let mut k = 2;
        while dir.exists() {
            dir = root.join(BACKUP_DIR).join(format!("{stamp}-{k}"));
            k += 1;
        }
        let mut any = false;
        for (rel, _) in &self.writes {
            let from = root.join(rel);
            if !from.is_file() {
                continue;
            }
            let to = dir.join(rel);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::copy(&from, &to).map_err(|e| Error::io(&to, e))?;
            any = true;
        }
        Ok(any.then_some(dir))
    }

    /// Writes every file, all or nothing (see the module notes).
    pub fn commit(self, root: &Path) -> Result<()> {
        let lock = ProjectLock::take(root)?;
        self.commit_under(&lock, root, &mut |_| {})
    }

    /// Writes every file, all or nothing, under a lock the caller already holds (a
    /// read-modify-write: read the files, change them, commit, all under one lock). `hook`
    /// is called at each step ("staged", "committed", "applied N"), for kill tests.
    pub fn commit_under(
        self,
        _lock: &ProjectLock,
        root: &Path,
        hook: &mut dyn FnMut(&str),
    ) -> Result<()> {
        if self.writes.is_empty() {
            return Ok(());
        }
        for (rel, _) in &self.writes {
            if rel.is_absolute()
                || rel
                    .components()
                    .any(|c| !matches!(c, std::path::Component::Normal(_)))
            {
                return Err(Error::usage(format!(
                    "refusing to write outside the project: {}",
                    rel.display()
                )));
            }
        }
        let dir = root.join(JOURNAL_DIR);
        // A journal left by a crash is finished (or dropped) first.
        recover_locked(root, &dir)?;
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let mut manifest = String::new();
        for (i, (rel, _)) in self.writes.iter().enumerate() {
            let rel = rel.to_string_lossy();
            if rel.contains(['\t', '\n']) {
                return Err(Error::usage(format!("unusable file name: {rel:?}")));
            }
            manifest.push_str(&format!("{i}.new\t{rel}\n"));
        }
        // Each file is staged and synced on its own thread: the syncs of a change that spans
        // files (an edit moving three coders' codings) overlap instead of queueing.
        let stage = |i: usize, contents: &[u8]| -> Result<()> {
            let staged = dir.join(format!("{i}.new"));
            let mut f = File::create(&staged).map_err(|e| Error::io(&staged, e))?;
            f.write_all(contents).map_err(|e| Error::io(&staged, e))?;
            f.sync_all().map_err(|e| Error::io(&staged, e))
        };
        std::thread::scope(|sc| {
            let hs: Vec<_> = self
                .writes
                .iter()
                .enumerate()
                .skip(1)
                .map(|(i, (_, contents))| sc.spawn(move || stage(i, contents)))
                .collect();
            let first = self.writes.first().map_or(Ok(()), |(_, c)| stage(0, c));
            hs.into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(Error::usage("staging a file failed")))
                })
                .chain(std::iter::once(first))
                .collect::<Result<Vec<()>>>()
        })?;
        crate::fsutil::write_atomic(&dir.join(MANIFEST), manifest.as_bytes())?;
        hook("staged");
        crate::fsutil::write_atomic(&dir.join(COMMITTED), b"")?;
        hook("committed");
        apply(root, &dir, hook)?;
        Ok(())
    }
}

/// The project's write lock: held while shared files are read, changed and written (so no
/// session writes over a newer version of a file), and by a [`Change`] from staging to the
/// end. Released when dropped (and by the OS when the process dies).
#[derive(Debug)]
pub struct ProjectLock {
    _file: File,
}

impl ProjectLock {
    /// Takes the lock, waiting up to 10 seconds for another command to finish. A change a
    /// crash left in the journal is finished (or dropped) first, so whatever the holder reads
    /// next is the project as it now is, never a version a recovery is about to replace.
    pub fn take(root: &Path) -> Result<ProjectLock> {
        let dir = root.join(JOURNAL_DIR);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Some(f) = take_lock(&dir)? {
                recover_locked(root, &dir)?;
                return Ok(ProjectLock { _file: f });
            }
            if std::time::Instant::now() > deadline {
                return Err(Error::data(
                    dir.join(LOCK),
                    None,
                    "another intercode command has been changing this project for 10 s; try again when it has finished",
                ));
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

/// Takes the journal's lock without waiting; `None` when another process holds it.
fn take_lock(dir: &Path) -> Result<Option<File>> {
    let path = dir.join(LOCK);
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    match f.try_lock() {
        Ok(()) => Ok(Some(f)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
    }
}

/// Renames every staged file over its target, then removes the journal.
fn apply(root: &Path, dir: &Path, hook: &mut dyn FnMut(&str)) -> Result<()> {
    let manifest_path = dir.join(MANIFEST);
    let manifest =
        std::fs::read_to_string(&manifest_path).map_err(|e| Error::io(&manifest_path, e))?;
    let mut dirs: Vec<PathBuf> = Vec::new();
    for (n, line) in manifest.lines().enumerate() {
        let Some((staged, rel)) = line.split_once('\t') else {
            return Err(Error::data(
                &manifest_path,
                Some(n + 1),
                "damaged journal line",
            ));
        };
        let staged = dir.join(staged);
        let target = root.join(rel);
        if !staged.exists() {
            continue; // moved before a crash
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            if !dirs.iter().any(|d| d == parent) {
                dirs.push(parent.to_path_buf());
            }
        }
        keep_permissions(&target, &staged);
        std::fs::rename(&staged, &target).map_err(|e| Error::io(&target, e))?;
        hook(&format!("applied {}", n + 1));
    }
    for d in &dirs {
        crate::fsutil::sync_dir(d)?;
    }
    // The marker goes first: a journal without it is dropped, which is now right.
    let _ = std::fs::remove_file(dir.join(COMMITTED));
    crate::fsutil::sync_dir(dir)?;
    remove_journal(dir);
    Ok(())
}

/// A staged file takes the permissions of the file it replaces (new ones 0644), as
/// [`crate::fsutil::write_atomic`] does.
fn keep_permissions(target: &Path, staged: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::metadata(target)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
        let _ = std::fs::set_permissions(staged, perms);
    }
}

fn remove_journal(dir: &Path) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.file_name() != LOCK {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Finishes or drops a change a crash left in the journal, and removes temporary files that
/// killed writers left behind. Every command calls this before it reads the project (through
/// [`crate::Project::load`]). Returns what it did, for a message ("" when nothing).
pub fn recover(root: &Path) -> Result<String> {
    let dir = root.join(JOURNAL_DIR);
    let mut did = String::new();
    if has_entries(&dir) {
        // A live writer holds the lock: its change is not ours to finish.
        if let Some(_lock) = take_lock(&dir)? {
            did = recover_locked(root, &dir)?;
        }
    }
    remove_stale_temporaries(root);
    Ok(did)
}

fn recover_locked(root: &Path, dir: &Path) -> Result<String> {
    if dir.join(COMMITTED).exists() {
        apply(root, dir, &mut |_| {})?;
        Ok("finished a change that was interrupted (from .intercode-journal/)".into())
    } else if has_entries(dir) {
        remove_journal(dir);
        Ok(
            "dropped a change that was interrupted before it began (nothing had been written)"
                .into(),
        )
    } else {
        Ok(String::new())
    }
}

/// Whether the journal holds anything but its lock (staged files, a manifest, or the
/// temporary file of a write the crash cut short).
fn has_entries(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|rd| rd.flatten().any(|e| e.file_name() != LOCK))
}

/// How old a temporary file must be before it is taken for a killed writer's: far longer
/// than any write takes.
const STALE: std::time::Duration = std::time::Duration::from_secs(120);

/// Removes `.intercode-tmp-*` files older than [`STALE`] in the project's folders (a live
/// writer's temporary file exists for milliseconds; a coder's own folder is cleaned without
/// waiting when the coder's lock is taken, see [`remove_temporaries_in`]).
pub fn remove_stale_temporaries(root: &Path) {
    let mut dirs = vec![
        root.to_path_buf(),
        root.join("codebook"),
        root.join("transcripts"),
    ];
    if let Ok(rd) = std::fs::read_dir(root.join(crate::project::CODINGS_DIR)) {
        dirs.extend(rd.flatten().map(|e| e.path()).filter(|p| p.is_dir()));
    }
    let now = std::time::SystemTime::now();
    for d in dirs {
        remove_matching(&d, |m| {
            m.modified()
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age > STALE)
        });
    }
}

/// Removes every `.intercode-tmp-*` file in `dir` (for a folder only its lock holder writes).
pub fn remove_temporaries_in(dir: &Path) {
    remove_matching(dir, |_| true);
}

fn remove_matching(dir: &Path, old_enough: impl Fn(&std::fs::Metadata) -> bool) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        if e.file_name()
            .to_string_lossy()
            .starts_with(".intercode-tmp-")
            && e.metadata().is_ok_and(|m| m.is_file() && old_enough(&m))
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("a.txt"), "old a").unwrap();
        std::fs::write(t.path().join("b.txt"), "old b").unwrap();
        t
    }

    fn change() -> Change {
        let mut c = Change::new();
        c.write("a.txt", "new a")
            .write("sub/b.txt", "new b")
            .write("b.txt", "new b");
        c
    }

    fn read(t: &tempfile::TempDir, f: &str) -> String {
        std::fs::read_to_string(t.path().join(f)).unwrap_or_default()
    }

    #[test]
    fn a_change_is_written_whole() {
        let t = setup();
        change().commit(t.path()).unwrap();
        assert_eq!(
            (read(&t, "a.txt"), read(&t, "b.txt"), read(&t, "sub/b.txt")),
            ("new a".into(), "new b".into(), "new b".into())
        );
        assert!(!t.path().join(JOURNAL_DIR).join(MANIFEST).exists());
    }

    /// A crash at each step, simulated by stopping there (the hook panics) and copying the
    /// project as the disk would have it; recovery then gives all or nothing.
    #[test]
    fn a_crash_at_any_step_leaves_all_or_nothing() {
        for stop in ["staged", "committed", "applied 1", "applied 2"] {
            let t = setup();
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let lock = ProjectLock::take(t.path()).unwrap();
                change()
                    .commit_under(&lock, t.path(), &mut |step| {
                        if step == stop {
                            panic!("killed");
                        }
                    })
                    .unwrap();
            }));
            assert!(r.is_err());
            let said = recover(t.path()).unwrap();
            let state = (read(&t, "a.txt"), read(&t, "b.txt"));
            if stop == "staged" {
                assert_eq!(state, ("old a".into(), "old b".into()), "{stop}");
                assert!(said.contains("dropped"), "{said}");
            } else {
                assert_eq!(state, ("new a".into(), "new b".into()), "{stop}");
                assert_eq!(read(&t, "sub/b.txt"), "new b");
                assert!(said.contains("finished"), "{said}");
            }
            assert_eq!(
                recover(t.path()).unwrap(),
                "",
                "a second recovery has nothing to do"
            );
        }
    }

    #[test]
    fn paths_outside_the_project_are_refused() {
        let t = setup();
        let mut c = Change::new();
        c.write("../evil", "x");
        assert!(c.commit(t.path()).is_err());
        let mut c = Change::new();
        c.write("/etc/evil", "x");
        assert!(c.commit(t.path()).is_err());
    }

    #[test]
    fn stale_temporaries_are_removed_and_fresh_ones_kept() {
        let t = setup();
        let old = t.path().join(".intercode-tmp-old");
        let fresh = t.path().join(".intercode-tmp-fresh");
        std::fs::write(&old, "x").unwrap();
        std::fs::write(&fresh, "x").unwrap();
        let f = File::options().write(true).open(&old).unwrap();
        f.set_modified(std::time::SystemTime::now() - 2 * STALE)
            .unwrap();
        recover(t.path()).unwrap();
        assert!(!old.exists() && fresh.exists());
    }
}
