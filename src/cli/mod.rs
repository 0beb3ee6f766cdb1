//! The command line: argument definitions (clap derive) and dispatch to one module per
//! subcommand. Each subcommand parses nothing itself, calls the core, and prints to the
//! writer it is given (stdout for data), so output can be tested without a terminal.

mod agree;
mod autocode;
mod check;
mod code;
mod codebook;
mod import;
mod init;
mod media;
mod play;
mod refi;
mod report;
mod search;
mod transcript;

use clap::{Parser, Subcommand};
use intercode::Error;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "intercode",
    version,
    about = "Qualitative coding of bilingual interview transcripts",
    long_about = "Qualitative coding of bilingual (Russian/English) interview transcripts: import Zoom \
                  transcripts, read and code them, search both languages, report.\n\nWithout a command, \
                  opens the terminal UI on the project. Run inside a project folder (one with \
                  transcripts/ and codebook/) or pass --project DIR.",
    after_help = "Examples:\n  intercode check\n  intercode import ~/Downloads/P07.ru.vtt\n  intercode transcript P01 --lang en"
)]
pub struct Cli {
    /// Project folder (default: the current directory)
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    project: PathBuf,
    /// Coder name (default: $INTERCODE_CODER, then the OS user name)
    #[arg(long, global = true, value_name = "NAME")]
    coder: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create a new project folder with the default codebook
    #[command(after_help = "Example:\n  intercode init ~/studies/belgrade-2024")]
    Init(init::Args),
    /// Validate the project: transcripts, participants.csv, codebook and survey
    #[command(
        after_help = "Example:\n  intercode check --project ~/studies/belgrade-2024\n\n\
                            Prints each problem as FILE:LINE: error|warning: message and a summary; \
                            exits 1 if there is any error."
    )]
    Check(check::Args),
    /// Import transcript files (Zoom VTT, WebVTT, Zoom .txt, SRT) or .text documents into transcripts/
    #[command(after_help = "Examples:\n  intercode import P07.ru.vtt P07.en.vtt\n  \
                            intercode import zoom_recording.vtt --interview P07 --lang ru\n\n\
                            The format and the encoding (UTF-8, UTF-16, Windows-1251, KOI8-R, ...) are \
                            detected; a normalised UTF-8 copy is written to transcripts/ID.LANG.EXT.")]
    Import(import::Args),
    /// Print one transcript as text or JSON
    #[command(after_help = "Examples:\n  intercode transcript P01 --lang ru\n  \
                            intercode transcript P01 --lang en --format json | jq '.segments[0]'")]
    Transcript(transcript::Args),
    /// Link interviews' recordings (never copied) and list them
    #[command(
        after_help = "Examples:\n  intercode media add ~/zoom/P01/audio_only.m4a --interview P01\n  \
                            intercode media list --format json\n\n\
                            Paths are kept relative to the project, or to $INTERCODE_MEDIA_DIR when the file is under it."
    )]
    Media(media::Args),
    /// Play a passage of an interview's recording (with mpv) and exit when it ends
    #[command(
        after_help = "Examples:\n  intercode play P01 --segment 12\n  intercode play P01 --at 00:03:10 --to 00:03:25 --format json\n\n\
                            Times are the transcript's; the link's offset turns them into the recording's. \
                            Extra mpv arguments come from $INTERCODE_MPV_ARGS (e.g. --ao=null), mpv itself \
                            from $INTERCODE_MPV or the PATH."
    )]
    Play(play::Args),
    /// Search every transcript in both languages
    #[command(after_help = search::QUERY_HELP_WITH_EXAMPLES)]
    Search(search::Args),
    /// Add, remove and list codings (scriptable coding)
    #[command(
        after_help = "Examples:\n  intercode code add --interview P01 --lang en --quote \"I was afraid\" --code fear\n  intercode code list --format json"
    )]
    Code(code::Args),
    /// Suggest codings from the codebook's rules; --apply accepts them
    #[command(
        after_help = "Examples:\n  intercode autocode --coder ana\n  intercode autocode --coder ana --code fear --apply"
    )]
    Autocode(autocode::Args),
    /// Inter-coder agreement: percent agreement, Cohen's and Fleiss' kappa, Krippendorff's alpha
    #[command(
        after_help = "Examples:\n  intercode agree --coders ana,boris\n  intercode agree --coders ana,boris --unit char --code fear --format json\n  intercode agree --coders ana,boris --disagreements\n  intercode agree --matrix ratings.csv\n\nDefinitions: docs/agreement.md. A statistic that is undefined for the data is shown as - (null in JSON)."
    )]
    Agree(agree::Args),
    /// Reports for the paper: frequencies, crosstabs, co-occurrence, quotes, survey themes
    #[command(
        after_help = "Examples:\n  intercode report frequencies\n  intercode report crosstab --by age_group --format md\n  intercode report quotes --code fear.deportation --format md --out fear.md\n  intercode report themes --format md > results.md\n  intercode report frequencies --format svg --out frequencies.svg\n\nQuotes are attributed only by participant attributes and redacted with codebook/redactions.json\n(participants' pseudonyms and speaker names are always redacted)."
    )]
    Report(report::Args),
    /// Export the codebook (.qdc) or the project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder
    #[command(
        after_help = "Examples:\n  intercode export qdc codebook.qdc\n  intercode export qdpx study.qdpx"
    )]
    Export(refi::ExportArgs),
    /// Import a REFI-QDA codebook (.qdc) or project (.qdpx)
    #[command(
        name = "import-refi",
        after_help = "Examples:\n  intercode import-refi colleague.qdpx\n  intercode import-refi codebook.qdc --force\n\nText sources become transcripts (one segment per paragraph), codings land under one coder per\nUser, codes get ids derived from their names (the mapping is printed). Nothing is overwritten\nwithout --force."
    )]
    ImportRefi(refi::ImportArgs),
    /// Show and edit the code tree
    #[command(
        after_help = "Examples:\n  intercode codebook list\n  intercode codebook merge fear.surveillance security.border"
    )]
    Codebook(codebook::Args),
}

/// Everything a subcommand needs besides its own arguments.
pub struct Context {
    pub project: PathBuf,
    /// `--coder` as given (commands that need a coder resolve the default themselves).
    pub coder: Option<String>,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let ctx = Context {
        project: cli.project,
        coder: cli.coder,
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = match cli.command {
        Some(Command::Init(a)) => init::run(&ctx, a, &mut out),
        Some(Command::Check(a)) => check::run(&ctx, a, &mut out),
        Some(Command::Import(a)) => import::run(&ctx, a, &mut out),
        Some(Command::Transcript(a)) => transcript::run(&ctx, a, &mut out),
        Some(Command::Media(a)) => media::run(&ctx, a, &mut out),
        Some(Command::Play(a)) => play::run(&ctx, a, &mut out),
        Some(Command::Search(a)) => search::run(&ctx, a, &mut out),
        Some(Command::Code(a)) => code::run(&ctx, a, &mut out),
        Some(Command::Autocode(a)) => autocode::run(&ctx, a, &mut out),
        Some(Command::Codebook(a)) => codebook::run(&ctx, a, &mut out),
        Some(Command::Agree(a)) => agree::run(&ctx, a, &mut out),
        Some(Command::Report(a)) => report::run(&ctx, a, &mut out),
        Some(Command::Export(a)) => refi::export(&ctx, a, &mut out),
        Some(Command::ImportRefi(a)) => refi::import(&ctx, a, &mut out),
        None => tui(&ctx, &mut out),
    };
    let result = result.and_then(|code| {
        out.flush()?;
        Ok(code)
    });
    match result {
        Ok(code) => code,
        Err(err) => report(&err),
    }
}

/// A bare `intercode`: the terminal UI on a terminal, the project overview otherwise.
fn tui(ctx: &Context, out: &mut dyn Write) -> CmdResult {
    use std::io::IsTerminal;
    if !(io::stdout().is_terminal() && io::stdin().is_terminal()) {
        return check::overview(ctx, out);
    }
    intercode::Project::ensure_project_dir(&ctx.project)?;
    let coder = intercode::codings::resolve_coder(ctx.coder.as_deref())?;
    intercode::tui::run(&ctx.project, &coder)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints an error and chooses the exit code: usage problems 2, everything else 1.
fn report(err: &anyhow::Error) -> ExitCode {
    for cause in err.chain() {
        if let Some(io) = cause.downcast_ref::<io::Error>() {
            if io.kind() == io::ErrorKind::BrokenPipe {
                return ExitCode::SUCCESS;
            }
        }
        if let Some(Error::Io { cause: source, .. }) = cause.downcast_ref::<Error>() {
            if source.kind() == io::ErrorKind::BrokenPipe {
                return ExitCode::SUCCESS;
            }
        }
        // JSON and CSV writers wrap the pipe's error in their own.
        if let Some(j) = cause.downcast_ref::<serde_json::Error>() {
            if j.io_error_kind() == Some(io::ErrorKind::BrokenPipe) {
                return ExitCode::SUCCESS;
            }
        }
        if let Some(c) = cause.downcast_ref::<csv::Error>() {
            if let csv::ErrorKind::Io(e) = c.kind() {
                if e.kind() == io::ErrorKind::BrokenPipe {
                    return ExitCode::SUCCESS;
                }
            }
        }
    }
    eprintln!("intercode: {err:#}");
    let usage = err
        .chain()
        .any(|c| matches!(c.downcast_ref::<Error>(), Some(Error::Usage(_))));
    ExitCode::from(if usage { 2 } else { 1 })
}

/// Result of a subcommand: the exit code to use when nothing failed outright.
pub type CmdResult = anyhow::Result<ExitCode>;

pub use intercode::transcript::cuetext::inert;

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn inert_removes_escapes() {
        assert_eq!(inert("a\u{1b}[31mb"), "a\u{FFFD}[31mb");
    }
}
