//! Importing transcript files (Zoom VTT, WebVTT, Zoom .txt, SRT, `.text` documents) into a
//! project: the use case behind `intercode import`. Detects format and encoding, validates,
//! and writes a normalised UTF-8 copy (a document byte for byte) to `transcripts/ID.LANG.EXT`.

use crate::error::{Error, Result};
use crate::fsutil;
use crate::project::{
    is_valid_interview_id, is_valid_lang, split_transcript_name, Project, TRANSCRIPTS_DIR,
    TRANSCRIPT_EXTENSIONS,
};
use crate::transcript::{self, Transcript};
use std::path::{Path, PathBuf};

/// What to import.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub files: Vec<PathBuf>,
    /// The interview id (default: from each file's name, `P01` in `P01.ru.vtt`).
    pub interview: Option<String>,
    /// The language (default: from the file's name); one file at a time.
    pub lang: Option<String>,
    /// Replace a transcript that is already in the project.
    pub force: bool,
}

/// One file imported.
#[derive(Debug, Clone)]
pub struct ImportedFile {
    pub source: PathBuf,
    /// Where it went, relative to the project.
    pub target: PathBuf,
    pub format: transcript::Format,
    pub encoding: &'static str,
    pub transcript: Transcript,
    /// Non-fatal problems by line (cues skipped).
    pub warnings: Vec<(usize, String)>,
}

struct Planned {
    source: PathBuf,
    target: PathBuf,
    imported: transcript::Imported,
    id: String,
    lang: String,
}

/// Imports transcript files into `root`'s `transcripts/`. Every file is read and checked
/// first; nothing is written unless all are good, and nothing is replaced without `force`
/// (with it, a version in another format is replaced, not left beside the new one).
pub fn import_transcripts(root: &Path, req: &Request) -> Result<Vec<ImportedFile>> {
    Project::ensure_project_dir(root)?;
    if req.files.len() > 1 && req.lang.is_some() {
        return Err(Error::usage(
            "--lang applies to one file at a time; name the files ID.LANG.EXT instead",
        ));
    }
    let tdir = root.join(TRANSCRIPTS_DIR);
    let mut plan: Vec<Planned> = Vec::new();
    for source in &req.files {
        if !source.is_file() {
            return Err(Error::usage(format!("{}: no such file", source.display())));
        }
        let name = source
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let from_name = split_transcript_name(name);
        let id = req
            .interview
            .clone()
            .or_else(|| from_name.map(|(i, _, _)| i.to_string()));
        let lang = req
            .lang
            .clone()
            .or_else(|| from_name.map(|(_, l, _)| l.to_string()));
        let (Some(id), Some(lang)) = (id, lang) else {
            return Err(Error::usage(format!(
                "{}: cannot tell the interview and language from the name; rename it ID.LANG.EXT \
                 (e.g. P07.ru.vtt) or pass --interview ID --lang ru",
                source.display()
            )));
        };
        if !is_valid_interview_id(&id) {
            return Err(Error::usage(format!(
                "`{id}` is not a valid interview id (letters, digits, `_`, `-`)"
            )));
        }
        if !is_valid_lang(&lang) {
            return Err(Error::usage(format!(
                "`{lang}` is not a language code (two or three lower-case letters, e.g. ru, en)"
            )));
        }
        let imported = transcript::parse_file(source)?;
        let target = tdir.join(format!("{id}.{lang}.{}", imported.format.extension()));
        if plan.iter().any(|p| p.id == id && p.lang == lang) {
            return Err(Error::usage(format!(
                "two files for {id} ({lang}) in one import"
            )));
        }
        let existing: Vec<PathBuf> = TRANSCRIPT_EXTENSIONS
            .iter()
            .map(|ext| tdir.join(format!("{id}.{lang}.{ext}")))
            .filter(|p| p.exists())
            .collect();
        if !existing.is_empty() && !req.force {
            return Err(Error::usage(format!(
                "{} already exists; pass --force to replace it (nothing was imported)",
                existing[0].display()
            )));
        }
        plan.push(Planned {
            source: source.clone(),
            target,
            imported,
            id,
            lang,
        });
    }
    for p in &plan {
        // With --force, a version in another format is replaced, not left beside the new one.
        for ext in TRANSCRIPT_EXTENSIONS {
            let other = tdir.join(format!("{}.{}.{ext}", p.id, p.lang));
            if other != p.target && other.exists() {
                std::fs::remove_file(&other).map_err(|e| Error::io(&other, e))?;
            }
        }
        fsutil::write_atomic(&p.target, p.imported.normalised.as_bytes())?;
    }
    Ok(plan
        .into_iter()
        .map(|p| ImportedFile {
            target: p
                .target
                .strip_prefix(root)
                .unwrap_or(&p.target)
                .to_path_buf(),
            transcript: p.imported.clone().transcript(&p.id, &p.lang),
            source: p.source,
            format: p.imported.format,
            encoding: p.imported.encoding,
            warnings: p.imported.warnings,
        })
        .collect())
}
