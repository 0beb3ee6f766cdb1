//! `intercode export qdc|qdpx FILE` and `intercode import-refi FILE`: REFI-QDA exchange with
//! NVivo, ATLAS.ti, MAXQDA and QualCoder.

use super::{inert, CmdResult, Context};
use intercode::ops;
use intercode::{codings, fsutil, refi, Error, Project};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum What {
    /// The codebook (.qdc)
    Qdc,
    /// The whole project (.qdpx): transcripts, codebook, codings, memos, participants
    Qdpx,
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    what: What,
    file: PathBuf,
    /// Put the interviews' linked recordings in the .qdpx: each becomes an audio or video
    /// source with its transcripts synchronised by time (recordings are sensitive: only
    /// when asked)
    #[arg(long)]
    with_media: bool,
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// A .qdc codebook or a .qdpx project
    file: PathBuf,
    /// Replace transcripts, codings and codes that already exist
    #[arg(long)]
    force: bool,
    /// Read only the REFI-QDA part of an intercode export (what another tool receives),
    /// not the project files it carries
    #[arg(long)]
    refi_only: bool,
}

pub fn export(ctx: &Context, args: ExportArgs, out: &mut dyn Write) -> CmdResult {
    let (project, _) = Project::open(&ctx.project)?;
    let cb = project
        .codebook
        .as_ref()
        .ok_or_else(|| Error::usage("the project has no codebook"))?;
    let bytes = match args.what {
        What::Qdc => refi::export_qdc(cb).into_bytes(),
        What::Qdpx => {
            let all = codings::load_all(&ctx.project, None);
            if let Some(p) = all.problems.first() {
                return Err(
                    Error::data(&p.location.path, p.location.line, p.message.clone()).into(),
                );
            }
            let mut media = refi::Recordings::new();
            if args.with_media {
                if args.what == What::Qdc {
                    return Err(Error::usage("--with-media is for a .qdpx project export").into());
                }
                let links = intercode::media::Links::load(&ctx.project)?;
                for l in &links.media {
                    if project.interviews.contains_key(&l.interview) {
                        // A missing or swapped recording is refused: its times would lie.
                        media.insert(
                            l.interview.clone(),
                            intercode::media::playable(&ctx.project, &l.interview)?,
                        );
                    }
                }
                if media.is_empty() {
                    return Err(Error::usage(
                        "--with-media: no interview has a recording linked (intercode media add)",
                    )
                    .into());
                }
            }
            refi::export_qdpx_with(&project, &all, &media)?
        }
    };
    fsutil::write_atomic(&args.file, &bytes)?;
    writeln!(out, "wrote {} ({} bytes)", args.file.display(), bytes.len())?;
    Ok(ExitCode::SUCCESS)
}

pub fn import(ctx: &Context, args: ImportArgs, out: &mut dyn Write) -> CmdResult {
    let opts = ops::refi_import::Options {
        force: args.force,
        refi_only: args.refi_only,
    };
    let done = ops::refi_import::import_refi(&ctx.project, &args.file, opts)?;
    for n in &done.notes {
        eprintln!("{}", inert(n));
    }
    match done.imported {
        ops::refi_import::Imported::Own { written, same } => writeln!(
            out,
            "imported the intercode project carried in the archive: {written} file(s) written, {same} already identical \
             (transcripts with speakers and times, codebook, survey, redactions, settings, participants and every coder's codings, exactly)"
        )?,
        ops::refi_import::Imported::Refi {
            codes,
            sources,
            codings,
            mapping,
        } => {
            writeln!(
                out,
                "imported {codes} code(s), {sources} source(s), {codings} coding(s)"
            )?;
            if !mapping.is_empty() {
                writeln!(out, "\n{:<48} id", "code (as named in the file)")?;
                for (name, id) in &mapping {
                    writeln!(out, "{:<48} {}", inert(name), id)?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
