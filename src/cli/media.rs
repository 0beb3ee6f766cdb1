//! `intercode media add|list`: link interviews' recordings (never copied) and list the links
//! with whether each file is there and unchanged (the use case is `intercode::media`).

use super::{inert, CmdResult, Context};
use intercode::media::{self, Links, State};
use intercode::{Error, Project};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand, Debug)]
enum Action {
    /// Link a recording to an interview (both language versions share it); replaces a link
    Add {
        /// The audio or video file (kept where it is; never copied)
        file: PathBuf,
        #[arg(long)]
        interview: String,
        /// Where the transcript's zero is in the recording, in milliseconds
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        offset: i64,
    },
    /// Unlink an interview's recording (the file itself is left where it is)
    Remove {
        #[arg(long)]
        interview: String,
    },
    /// List the linked recordings and whether each is there and unchanged
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

fn state_word(s: &State) -> (&'static str, Option<&PathBuf>) {
    match s {
        State::Ok(p) => ("ok", Some(p)),
        State::Missing(p) => ("missing", Some(p)),
        State::Changed(p) => ("changed", Some(p)),
        State::NoMediaDir => ("no media folder", None),
    }
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> CmdResult {
    match args.action {
        Action::Add {
            file,
            interview,
            offset,
        } => {
            let (project, _) = Project::load_outline(&ctx.project)?;
            if !project.interviews.contains_key(&interview) {
                return Err(Error::usage(format!(
                    "no interview `{interview}` in the project (see `intercode check`)"
                ))
                .into());
            }
            let (link, note) = media::add(&ctx.project, &file, &interview, offset)?;
            if let Some(n) = note {
                eprintln!("note: {}", inert(&n));
            }
            writeln!(
                out,
                "linked {} ({}, {} bytes) to {interview}, offset {} ms, in {}",
                inert(&link.path),
                format!("{:?}", link.kind).to_lowercase(),
                link.size,
                link.offset_ms,
                media::MEDIA_FILE
            )?;
        }
        Action::Remove { interview } => {
            let link = media::remove(&ctx.project, &interview)?;
            writeln!(
                out,
                "unlinked {} from {interview} in {} (the file is where it was)",
                inert(&link.path),
                media::MEDIA_FILE
            )?;
        }
        Action::List { format } => {
            let links = Links::load(&ctx.project)?;
            match format {
                Format::Json => {
                    let rows: Vec<serde_json::Value> = links
                        .media
                        .iter()
                        .map(|l| {
                            let state = l.state(&ctx.project);
                            let (word, path) = state_word(&state);
                            serde_json::json!({
                                "interview": l.interview,
                                "path": l.path,
                                "kind": l.kind,
                                "size": l.size,
                                "offset_ms": l.offset_ms,
                                "state": word,
                                "resolved": path.map(|p| p.display().to_string()),
                            })
                        })
                        .collect();
                    serde_json::to_writer_pretty(&mut *out, &rows)?;
                    writeln!(out)?;
                }
                Format::Table => {
                    if links.media.is_empty() {
                        writeln!(
                            out,
                            "no recordings linked (intercode media add FILE --interview ID)"
                        )?;
                    }
                    for l in &links.media {
                        let (word, _) = state_word(&l.state(&ctx.project));
                        writeln!(
                            out,
                            "{:<8} {:<6} {:>12} {:>8} ms  {:<16} {}",
                            inert(&l.interview),
                            format!("{:?}", l.kind).to_lowercase(),
                            l.size,
                            l.offset_ms,
                            word,
                            inert(&l.path)
                        )?;
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
