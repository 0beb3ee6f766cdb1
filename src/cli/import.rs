//! `intercode import FILE...`: hands the files to the core's use case
//! (`ops::transcript_import`), says what each became, and keeps an existing search index
//! current.

use super::{inert, CmdResult, Context};
use intercode::{ops, Project};
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

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> CmdResult {
    let done = ops::transcript_import::import_transcripts(
        &ctx.project,
        &ops::transcript_import::Request {
            files: args.files,
            interview: args.interview,
            lang: args.lang,
            force: args.force,
        },
    )?;
    for f in &done {
        let t = &f.transcript;
        writeln!(
            out,
            "{} -> {}: {}, {}, {} segments, {} speakers, {}",
            f.source.display(),
            f.target.display(),
            f.format.name(),
            f.encoding,
            t.segments.len(),
            t.speakers().len(),
            t.extent(),
        )?;
        for (line, msg) in &f.warnings {
            // The message may quote the file's own text (a timing line): made inert.
            eprintln!(
                "{}:{line}: warning: {}",
                inert(&f.source.display().to_string()),
                inert(msg)
            );
        }
    }
    // Keep an existing search index current, so the new text is searchable at once.
    if intercode::search::SearchIndex::dir_of(&ctx.project).exists() {
        let (project, _) = Project::load(&ctx.project)?;
        let mut idx = super::search::open_index(&ctx.project, Some(&project))?;
        for id in done
            .iter()
            .map(|f| f.transcript.interview.as_str())
            .collect::<std::collections::BTreeSet<_>>()
        {
            idx.update_interview(&project, id)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
