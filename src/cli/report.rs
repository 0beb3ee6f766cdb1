//! `intercode report KIND`: frequencies, crosstabs, co-occurrence, attributed quotes and the
//! survey themes beside the interview evidence, as a table, Markdown, CSV, JSON or SVG. Parses
//! the arguments and hands them to the core's use case (`report::build`), which counts and
//! renders; says on stderr what was left out.

use super::{CmdResult, Context};
use intercode::report::{self, render::Format, Kind};
use intercode::{codings, Error, Project};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(value_enum)]
    kind: Kind,
    /// Count these coders' codings as one set (`consensus` alone: the reconciled coding).
    /// Default: the consensus when any disagreement was decided, else every coder
    #[arg(long, value_delimiter = ',', conflicts_with = "all_coders")]
    coders: Vec<String>,
    /// Count every coder's codings (the consensus coder aside)
    #[arg(long)]
    all_coders: bool,
    /// Only this code and its sub-codes (required for quotes)
    #[arg(long)]
    code: Option<String>,
    /// Only codings in this language; quotes and themes are printed in it (default en)
    #[arg(long)]
    lang: Option<String>,
    /// The participant attribute of a crosstab
    #[arg(long, default_value = "gender")]
    by: String,
    /// Quotes per survey figure in `report themes`
    #[arg(long, default_value_t = 2)]
    quotes: usize,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Quotes: add each passage's time in the interview's recording, where one is linked
    /// (Markdown and JSON)
    #[arg(long)]
    media_time: bool,
    /// Write to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> CmdResult {
    let (project, _) = Project::open(&ctx.project)?;
    let all = codings::load_for_analysis(&ctx.project, None);
    if let Some(p) = all.problems.first() {
        return Err(Error::data(&p.location.path, p.location.line, p.message.clone()).into());
    }
    // `--coder` (or $INTERCODE_CODER) alone means that coder's codings.
    let coders: Vec<String> = match (&ctx.coder, args.coders.is_empty()) {
        (Some(c), true) if !args.all_coders => vec![c.clone()],
        _ => args.coders,
    };
    let built = report::build(
        &project,
        &all,
        &report::Request {
            kind: args.kind,
            coders,
            all_coders: args.all_coders,
            code: args.code,
            lang: args.lang,
            by: args.by,
            quotes: args.quotes,
            format: args.format,
            media_time: args.media_time,
        },
    )?;
    for line in &built.left_out {
        eprintln!("intercode: {line}");
    }
    match &args.out {
        Some(path) => {
            intercode::fsutil::write_atomic(path, built.document.as_bytes())?;
            eprintln!("wrote {}", path.display());
        }
        None => out.write_all(built.document.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
