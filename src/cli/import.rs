//! `intercode import FILE...`: detect format and encoding, validate, and copy a normalised
//! UTF-8 file into `transcripts/ID.LANG.EXT`. Nothing is written unless every file is good,
//! and nothing is overwritten without `--force`.

use super::{inert, CmdResult, Context};
use intercode::project::{
    is_valid_interview_id, is_valid_lang, split_transcript_name, TRANSCRIPTS_DIR,
    TRANSCRIPT_EXTENSIONS,
};
use intercode::transcript;
use intercode::{fsutil, Error, Project};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Transcript files (.vtt, .srt, Zoom .txt) or documents (.text: untimed UTF-8 text kept
    /// exactly); named ID.LANG.EXT unless --interview/--lang say
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Interview id (default: from the file name, e.g. P01 in P01.ru.vtt)
    #[arg(long, value_name = "ID")]
    interview: Option<String>,
    /// Language of the transcript (default: from the file name)
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// Replace a transcript that is already in the project
    #[arg(long)]
    force: bool,
}

struct Planned {
    source: PathBuf,
    target: PathBuf,
    imported: transcript::Imported,
    id: String,
    lang: String,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> CmdResult {
    Project::ensure_project_dir(&ctx.project)?;
    if args.files.len() > 1 && args.lang.is_some() {
        return Err(Error::usage(
            "--lang applies to one file at a time; name the files ID.LANG.EXT instead",
        )
        .into());
    }
    let tdir = ctx.project.join(TRANSCRIPTS_DIR);
    let mut plan: Vec<Planned> = Vec::new();
    for source in &args.files {
        if !source.is_file() {
            return Err(Error::usage(format!("{}: no such file", source.display())).into());
        }
        let name = source
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let from_name = split_transcript_name(name);
        let id = args
            .interview
            .clone()
            .or_else(|| from_name.map(|(i, _, _)| i.to_string()));
        let lang = args
            .lang
            .clone()
            .or_else(|| from_name.map(|(_, l, _)| l.to_string()));
        let (Some(id), Some(lang)) = (id, lang) else {
            return Err(Error::usage(format!(
                "{}: cannot tell the interview and language from the name; rename it ID.LANG.EXT \
                 (e.g. P07.ru.vtt) or pass --interview ID --lang ru",
                source.display()
            ))
            .into());
        };
        if !is_valid_interview_id(&id) {
            return Err(Error::usage(format!(
                "`{id}` is not a valid interview id (letters, digits, `_`, `-`)"
            ))
            .into());
        }
        if !is_valid_lang(&lang) {
            return Err(Error::usage(format!(
                "`{lang}` is not a language code (two or three lower-case letters, e.g. ru, en)"
            ))
            .into());
        }
        let imported = transcript::parse_file(source)?;
        let target = tdir.join(format!("{id}.{lang}.{}", imported.format.extension()));
        if plan.iter().any(|p| p.id == id && p.lang == lang) {
            return Err(Error::usage(format!("two files for {id} ({lang}) in one import")).into());
        }
        let existing: Vec<PathBuf> = TRANSCRIPT_EXTENSIONS
            .iter()
            .map(|ext| tdir.join(format!("{id}.{lang}.{ext}")))
            .filter(|p| p.exists())
            .collect();
        if !existing.is_empty() && !args.force {
            return Err(Error::usage(format!(
                "{} already exists; pass --force to replace it (nothing was imported)",
                existing[0].display()
            ))
            .into());
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
        let t = p.imported.clone().transcript(&p.id, &p.lang);
        writeln!(
            out,
            "{} -> {}: {}, {}, {} segments, {} speakers, {}",
            p.source.display(),
            p.target
                .strip_prefix(&ctx.project)
                .unwrap_or(&p.target)
                .display(),
            p.imported.format.name(),
            p.imported.encoding,
            t.segments.len(),
            t.speakers().len(),
            t.extent(),
        )?;
        for (line, msg) in &p.imported.warnings {
            // The message may quote the file's own text (a timing line): made inert.
            eprintln!(
                "{}:{line}: warning: {}",
                inert(&p.source.display().to_string()),
                inert(msg)
            );
        }
    }
    // Keep an existing search index current, so the new text is searchable at once.
    if intercode::search::SearchIndex::dir_of(&ctx.project).exists() {
        let (project, _) = Project::load(&ctx.project)?;
        let mut idx = super::search::open_index(&ctx.project, Some(&project))?;
        for id in plan
            .iter()
            .map(|p| p.id.as_str())
            .collect::<std::collections::BTreeSet<_>>()
        {
            idx.update_interview(&project, id)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
