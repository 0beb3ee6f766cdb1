//! A project folder: the study on disk (`transcripts/`, `codebook/`, `codings/`) and the
//! loaded model of it. Loading never stops at the first bad file: every problem is collected
//! with its file and line so `intercode check` can list them all, and everything that did
//! load is usable.

use crate::codebook::{Codebook, Survey};
use crate::error::{Error, Problem, Result};
use crate::transcript::{self, align, Transcript};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const TRANSCRIPTS_DIR: &str = "transcripts";
pub const CODEBOOK_FILE: &str = "codebook/codebook.json";
pub const SURVEY_FILE: &str = "codebook/survey.json";
pub const PARTICIPANTS_FILE: &str = "transcripts/participants.csv";
pub const CODINGS_DIR: &str = "codings";
pub const CACHE_DIR: &str = ".intercode";

/// The transcript file extensions a project folder may hold.
/// (`text` is a document: untimed text kept exactly.)
pub const TRANSCRIPT_EXTENSIONS: [&str; 4] = ["vtt", "srt", "txt", "text"];

/// One interview: its language versions and its participant's attributes.
#[derive(Debug, Clone, Default)]
pub struct Interview {
    pub id: String,
    /// Language code -> transcript.
    pub versions: BTreeMap<String, Transcript>,
    /// Language code -> the file it was read from.
    pub files: BTreeMap<String, PathBuf>,
    /// Attribute name -> value, from `participants.csv` (empty values are left out).
    pub attributes: BTreeMap<String, String>,
}

impl Interview {
    /// The version in `lang`, or (none asked) English, else the first: (language, transcript).
    /// An unknown language names the ones there are.
    pub fn version(&self, lang: Option<&str>) -> Result<(String, &Transcript)> {
        let lang = match lang {
            Some(l) => l.to_string(),
            None if self.versions.contains_key("en") => "en".into(),
            None => self.versions.keys().next().cloned().unwrap_or_default(),
        };
        match self.versions.get(&lang) {
            Some(t) => Ok((lang, t)),
            None => {
                let have: Vec<&str> = self.versions.keys().map(String::as_str).collect();
                Err(Error::usage(format!(
                    "{} has no `{lang}` version (it has: {})",
                    self.id,
                    have.join(", ")
                )))
            }
        }
    }

    /// Aligns two language versions by time (`None` if either is missing).
    pub fn alignment(&self, left: &str, right: &str) -> Option<align::Alignment> {
        let (l, r) = (self.versions.get(left)?, self.versions.get(right)?);
        Some(align::align_by_time(&l.segments, &r.segments))
    }

    /// The other language of a bilingual interview (`None` if there is no single other one).
    /// Reads the language versions of an interview known only by its files (an outline),
    /// one at a time: the search index is built interview by interview this way, so that a
    /// large project is never held in memory whole. Files that fail to read are skipped;
    /// `intercode check` is where their problems are reported.
    pub fn read_versions(&self) -> Interview {
        let mut out = Interview {
            id: self.id.clone(),
            files: self.files.clone(),
            attributes: self.attributes.clone(),
            ..Interview::default()
        };
        for (lang, path) in &self.files {
            if let Ok(imp) = transcript::parse_file(path) {
                out.versions
                    .insert(lang.clone(), imp.transcript(&self.id, lang));
            }
        }
        out
    }

    pub fn other_lang(&self, lang: &str) -> Option<&str> {
        let mut others = self.versions.keys().filter(|l| *l != lang);
        let first = others.next()?;
        others.next().is_none().then_some(first.as_str())
    }
}

/// A loaded project.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub interviews: BTreeMap<String, Interview>,
    /// Attribute column names of `participants.csv`, in file order (without `id`).
    pub attribute_names: Vec<String>,
    pub codebook: Option<Codebook>,
    pub survey: Option<Survey>,
}

/// `P01.ru.vtt` -> (`P01`, `ru`, `vtt`).
pub fn split_transcript_name(file_name: &str) -> Option<(&str, &str, &str)> {
    let (rest, ext) = file_name.rsplit_once('.')?;
    let (id, lang) = rest.rsplit_once('.')?;
    let ext_ok = TRANSCRIPT_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str());
    (ext_ok && is_valid_interview_id(id) && is_valid_lang(lang)).then_some((id, lang, ext))
}

/// Interview ids: letters, digits, `_` and `-` (they become file names).
pub fn is_valid_interview_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Language codes: two or three lower-case ASCII letters (`ru`, `en`, `srp`).
pub fn is_valid_lang(lang: &str) -> bool {
    (2..=3).contains(&lang.len()) && lang.chars().all(|c| c.is_ascii_lowercase())
}

impl Project {
    /// Checks that `root` looks like a project folder.
    pub fn ensure_project_dir(root: &Path) -> Result<()> {
        if !root.join(TRANSCRIPTS_DIR).is_dir() {
            return Err(Error::usage(format!(
                "{} is not an intercode project (no `{TRANSCRIPTS_DIR}/` folder); \
                 create one with `intercode init DIR` or pass `--project DIR`",
                root.display()
            )));
        }
        Ok(())
    }

    /// Loads everything that loads and returns the problems found on the way.
    pub fn load(root: &Path) -> Result<(Project, Vec<Problem>)> {
        Self::load_with(root, true)
    }

    /// Everything but the transcripts' contents: interviews (with their files, no versions),
    /// participants, codebook and survey. Fast at any size; the terminal UI shows this first
    /// and loads the transcripts behind it.
    pub fn load_outline(root: &Path) -> Result<(Project, Vec<Problem>)> {
        Self::load_with(root, false)
    }

    fn load_with(root: &Path, parse: bool) -> Result<(Project, Vec<Problem>)> {
        Self::ensure_project_dir(root)?;
        let mut problems = Vec::new();
        // A change that a crash interrupted is finished or dropped before anything is read.
        let recovered = crate::txn::recover(root)?;
        if !recovered.is_empty() {
            problems.push(Problem::warning(crate::txn::JOURNAL_DIR, None, recovered));
        }
        let mut interviews: BTreeMap<String, Interview> = BTreeMap::new();
        let tdir = root.join(TRANSCRIPTS_DIR);
        // The entry's type comes with the directory listing (no stat per file), and names
        // are sorted as strings, not as paths: both mattered at 10,000 interviews, where the
        // outline is what the terminal UI waits for before its first frame.
        let mut named: Vec<(std::ffi::OsString, PathBuf)> = std::fs::read_dir(&tdir)
            .map_err(|e| Error::io(&tdir, e))?
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_type()
                    .is_ok_and(|t| t.is_file() || (t.is_symlink() && e.path().is_file()))
            })
            .map(|e| (e.file_name(), e.path()))
            .collect();
        named.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let entries: Vec<PathBuf> = named.into_iter().map(|(_, p)| p).collect();
        // Parsing is the costly part: do it on every core first, then assemble in order.
        let parsed = if parse {
            parse_all(&entries)
        } else {
            entries.iter().map(|_| None).collect()
        };
        for (path, result) in entries.into_iter().zip(parsed) {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name == "participants.csv" || name.starts_with('.') {
                continue;
            }
            let Some((id, lang, _)) = split_transcript_name(name) else {
                problems.push(Problem::warning(
                    rel(root, &path),
                    None,
                    "ignored: transcript files are named `<ID>.<lang>.<vtt|srt|txt|text>`, e.g. `P01.ru.vtt`",
                ));
                continue;
            };
            let interview = interviews
                .entry(id.to_string())
                .or_insert_with(|| Interview {
                    id: id.to_string(),
                    ..Interview::default()
                });
            if let Some(prev) = interview.files.get(lang) {
                problems.push(Problem::error(
                    rel(root, &path),
                    None,
                    format!(
                        "a second `{lang}` version of {id} (already read {}); keep one",
                        rel(root, prev).display()
                    ),
                ));
                continue;
            }
            let Some(result) = result else {
                // An outline: the file is known, its content is not read.
                interview.files.insert(lang.to_string(), path.clone());
                continue;
            };
            match result {
                Ok(imp) => {
                    for (line, msg) in &imp.warnings {
                        problems.push(Problem::warning(rel(root, &path), Some(*line), msg.clone()));
                    }
                    interview
                        .versions
                        .insert(lang.to_string(), imp.transcript(id, lang));
                    interview.files.insert(lang.to_string(), path.clone());
                }
                Err(Error::Data { location, message }) => problems.push(Problem::error(
                    rel(root, &location.path),
                    location.line,
                    message,
                )),
                Err(e) => problems.push(Problem::error(rel(root, &path), None, e.to_string())),
            }
        }
        // An interview whose every file failed is still listed (its problems say why), but
        // one with no versions at all is dropped from the model.
        interviews.retain(|_, i| !i.versions.is_empty() || (!parse && !i.files.is_empty()));

        let attribute_names = load_participants(root, &mut interviews, &mut problems);

        let mut codebook = None;
        let cb_path = root.join(CODEBOOK_FILE);
        if cb_path.is_file() {
            match Codebook::load(&cb_path) {
                Ok((cb, p)) => {
                    problems.extend(p.into_iter().map(|p| relocate(root, p)));
                    codebook = Some(cb);
                }
                Err(p) => problems.push(relocate(root, p)),
            }
        } else {
            problems.push(Problem::error(
                CODEBOOK_FILE,
                None,
                "missing: every project needs a codebook",
            ));
        }
        let mut survey = None;
        let sv_path = root.join(SURVEY_FILE);
        if sv_path.is_file() {
            match Survey::load(&sv_path, codebook.as_ref()) {
                Ok((s, p)) => {
                    problems.extend(p.into_iter().map(|p| relocate(root, p)));
                    survey = Some(s);
                }
                Err(p) => problems.push(relocate(root, p)),
            }
        }
        let project = Project {
            root: root.to_path_buf(),
            interviews,
            attribute_names,
            codebook,
            survey,
        };
        Ok((project, problems))
    }

    /// Loads the project and fails on the first error-level problem (for commands that need
    /// a consistent project). Warnings are returned.
    pub fn open(root: &Path) -> Result<(Project, Vec<Problem>)> {
        let (p, problems) = Self::load(root)?;
        if let Some(first) = problems
            .iter()
            .find(|p| p.severity == crate::error::Severity::Error)
        {
            return Err(Error::Data {
                location: first.location.clone(),
                message: format!(
                    "{} (run `intercode check` for every problem)",
                    first.message
                ),
            });
        }
        Ok((p, problems))
    }

    /// All language codes present, in sorted order.
    pub fn languages(&self) -> Vec<String> {
        let mut langs: Vec<String> = self
            .interviews
            .values()
            .flat_map(|i| i.versions.keys().cloned())
            .collect();
        langs.sort();
        langs.dedup();
        langs
    }

    pub fn interview(&self, id: &str) -> Result<&Interview> {
        self.interviews.get(id).ok_or_else(|| {
            let known: Vec<&str> = self.interviews.keys().map(String::as_str).collect();
            Error::usage(format!(
                "unknown interview `{id}` (the project has: {})",
                known.join(", ")
            ))
        })
    }
}

/// Parses every file that is named like a transcript, in parallel; other entries get `None`.
fn parse_all(paths: &[PathBuf]) -> Vec<Option<Result<transcript::Imported>>> {
    let wanted = |p: &PathBuf| {
        p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            n != "participants.csv" && !n.starts_with('.') && split_transcript_name(n).is_some()
        })
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = paths.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|p| wanted(p).then(|| transcript::parse_file(p)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

fn rel(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

fn relocate(root: &Path, mut p: Problem) -> Problem {
    p.location.path = rel(root, &p.location.path);
    p
}

/// Reads `participants.csv` into the interviews' attributes; returns the attribute names.
fn load_participants(
    root: &Path,
    interviews: &mut BTreeMap<String, Interview>,
    problems: &mut Vec<Problem>,
) -> Vec<String> {
    let path = root.join(PARTICIPANTS_FILE);
    let shown = Path::new(PARTICIPANTS_FILE);
    if path.exists() && !path.is_file() {
        problems.push(Problem::error(
            shown,
            None,
            "is not a file (a folder?): it must be a CSV file with an `id` column",
        ));
        return Vec::new();
    }
    if !path.is_file() {
        if !interviews.is_empty() {
            problems.push(Problem::warning(shown, None, "missing: without it, reports cannot attribute quotes or break counts down by participant"));
        }
        return Vec::new();
    }
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            problems.push(Problem::error(shown, None, format!("cannot read: {e}")));
            return Vec::new();
        }
    };
    let text = match transcript::encoding::decode(&bytes) {
        Ok(d) => d.text,
        Err(e) => {
            problems.push(Problem::error(shown, None, e.0));
            return Vec::new();
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => {
            problems.push(Problem::error(
                shown,
                Some(1),
                format!("unreadable header: {e}"),
            ));
            return Vec::new();
        }
    };
    let Some(id_col) = headers.iter().position(|h| h.eq_ignore_ascii_case("id")) else {
        problems.push(Problem::error(
            shown,
            Some(1),
            "the header must have an `id` column (the interview id, e.g. P01)",
        ));
        return Vec::new();
    };
    let names: Vec<String> = headers
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != id_col)
        .map(|(_, h)| h.clone())
        .collect();
    for (i, h) in names.iter().enumerate() {
        if h.is_empty() {
            problems.push(Problem::error(
                shown,
                Some(1),
                format!("column {} has no name", i + 2),
            ));
        } else if names[..i].contains(h) {
            problems.push(Problem::error(
                shown,
                Some(1),
                format!("column `{h}` appears twice"),
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    // One record reused for every row: a project of 10,000 interviews has 10,000 rows, read
    // before the terminal UI's first frame.
    let mut rec = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize);
                problems.push(Problem::error(shown, line, format!("unreadable row: {e}")));
                continue;
            }
        }
        let line = rec.position().map(|p| p.line() as usize);
        let id = rec.get(id_col).unwrap_or_default().to_string();
        if id.is_empty() {
            problems.push(Problem::error(shown, line, "a row without an interview id"));
            continue;
        }
        if !seen.insert(id.clone()) {
            problems.push(Problem::error(
                shown,
                line,
                format!("interview `{id}` is listed twice"),
            ));
            continue;
        }
        match interviews.get_mut(&id) {
            Some(interview) => {
                for (col, value) in rec.iter().enumerate() {
                    if col != id_col && !value.is_empty() {
                        interview
                            .attributes
                            .insert(headers[col].clone(), value.to_string());
                    }
                }
            }
            None => problems.push(Problem::warning(
                shown,
                line,
                format!("no transcript for interview `{id}`"),
            )),
        }
    }
    for id in interviews.keys() {
        if !seen.contains(id) {
            problems.push(Problem::warning(
                shown,
                None,
                format!("interview `{id}` has no row: its quotes cannot be attributed"),
            ));
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcript_names() {
        assert_eq!(
            split_transcript_name("P01.ru.vtt"),
            Some(("P01", "ru", "vtt"))
        );
        assert_eq!(
            split_transcript_name("int-7.en.SRT"),
            Some(("int-7", "en", "SRT"))
        );
        assert_eq!(split_transcript_name("P01.vtt"), None);
        assert_eq!(split_transcript_name("P01.russian.vtt"), None);
        assert_eq!(split_transcript_name("notes.ru.docx"), None);
    }
}
