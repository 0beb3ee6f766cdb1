//! `intercode transcript ID`: print one language version of an interview, as readable text
//! (one line per segment with its number, turns separated by a blank line) or as JSON with
//! code point spans; `transcript edit|speaker|split|merge` correct it, every coder's codings
//! following (the use case is `ops::transcript_edit`).

use super::{inert, CmdResult, Context};
use intercode::transcript::format_time;
use intercode::{Error, Project};
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// Interview id, e.g. P01
    #[arg(required = true)]
    id: Option<String>,
    /// Language version (default: en if present, else the first)
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Where an edit applies.
#[derive(clap::Args, Debug)]
pub struct Place {
    /// Interview id, e.g. P01
    id: String,
    /// Language version
    #[arg(long, value_name = "LANG")]
    lang: String,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Corrections: one transaction each; every coder's codings follow.
#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Correct a segment's text (`--text`, or the text on standard input with `--stdin`)
    Edit {
        #[command(flatten)]
        place: Place,
        /// The segment's number (as `intercode transcript ID` shows it)
        #[arg(long)]
        segment: usize,
        #[arg(long, conflicts_with = "stdin", required_unless_present = "stdin")]
        text: Option<String>,
        #[arg(long)]
        stdin: bool,
    },
    /// Rename a speaker: in every segment of `--from`, or in one `--segment`
    Speaker {
        #[command(flatten)]
        place: Place,
        #[arg(long, required_unless_present = "from")]
        segment: Option<usize>,
        #[arg(long, value_name = "NAME")]
        from: Option<String>,
        #[arg(long, value_name = "NAME")]
        to: String,
    },
    /// Split a segment before character `--at` of its text; the time is proportional to the
    /// text unless `--time HH:MM:SS.mmm` is given
    Split {
        #[command(flatten)]
        place: Place,
        #[arg(long)]
        segment: usize,
        #[arg(long, value_name = "CHAR")]
        at: usize,
        #[arg(long, value_name = "TIME")]
        time: Option<String>,
    },
    /// Merge a segment with the next one (the same speaker)
    Merge {
        #[command(flatten)]
        place: Place,
        #[arg(long)]
        segment: usize,
    },
}

fn correct(ctx: &Context, action: Action, out: &mut dyn Write) -> CmdResult {
    use intercode::ops::transcript_edit::{edit_transcript, Edit, Request};
    let (place, edit) = match action {
        Action::Edit {
            place,
            segment,
            text,
            stdin,
        } => {
            let text = match (text, stdin) {
                (Some(t), _) => t,
                (None, _) => {
                    let mut t = String::new();
                    std::io::Read::read_to_string(&mut std::io::stdin(), &mut t)
                        .map_err(|e| Error::usage(format!("standard input: {e}")))?;
                    t
                }
            };
            (place, Edit::Text { segment, text })
        }
        Action::Speaker {
            place,
            segment,
            from,
            to,
        } => (place, Edit::Speaker { segment, from, to }),
        Action::Split {
            place,
            segment,
            at,
            time,
        } => {
            let time_ms = match time {
                Some(t) => Some(
                    intercode::transcript::webvtt::parse_timestamp(&t).ok_or_else(|| {
                        Error::usage(format!("--time {t}: write HH:MM:SS.mmm, e.g. 00:01:02.500"))
                    })?,
                ),
                None => None,
            };
            (
                place,
                Edit::Split {
                    segment,
                    at,
                    time_ms,
                },
            )
        }
        Action::Merge { place, segment } => (place, Edit::Merge { segment }),
    };
    let done = edit_transcript(
        &ctx.project,
        &Request {
            interview: place.id,
            lang: place.lang,
            edit,
            expect: None,
        },
    )?;
    match place.format {
        Format::Json => {
            let v = serde_json::json!({
                "summary": done.summary,
                "moved": done.moved,
                "deleted": done.deleted,
                "files": done.undo.files.iter().map(|(p, _, _)| p.display().to_string()).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut *out, &v)?;
            writeln!(out)?;
        }
        Format::Text => writeln!(out, "{}", inert(&done.summary))?,
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct JsonSegment<'a> {
    index: usize,
    start_ms: u64,
    end_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    speaker: Option<&'a str>,
    text: &'a str,
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct JsonTranscript<'a> {
    interview: &'a str,
    lang: &'a str,
    segments: Vec<JsonSegment<'a>>,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> CmdResult {
    if let Some(action) = args.action {
        return correct(ctx, action, out);
    }
    let id = args.id.unwrap_or_default();
    let (project, _) = Project::open(&ctx.project)?;
    let interview = project.interview(&id)?;
    let (_, t) = interview.version(args.lang.as_deref())?;
    match args.format {
        Format::Json => {
            let doc = JsonTranscript {
                interview: &t.interview,
                lang: &t.lang,
                segments: t
                    .segments
                    .iter()
                    .map(|s| {
                        let span = t.segment_span(s.index);
                        JsonSegment {
                            index: s.index,
                            start_ms: s.start_ms,
                            end_ms: s.end_ms,
                            line: s.line,
                            speaker: s.speaker.as_deref(),
                            text: &s.text,
                            start: span.start,
                            end: span.end,
                        }
                    })
                    .collect(),
            };
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)?;
        }
        Format::Text => {
            for (k, turn) in t.turns().iter().enumerate() {
                if k > 0 {
                    writeln!(out)?;
                }
                for s in &t.segments[turn.segments.clone()] {
                    // The segment's number first: what `transcript edit --segment` takes.
                    match &s.speaker {
                        Some(sp) => writeln!(
                            out,
                            "#{} [{}] {}: {}",
                            s.index,
                            stamp(s),
                            inert(sp),
                            inert(&s.text)
                        )?,
                        None => writeln!(out, "#{} [{}] {}", s.index, stamp(s), inert(&s.text))?,
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A segment's place in `transcript show`: its full time, or a document's line.
fn stamp(s: &intercode::transcript::Segment) -> String {
    match s.line {
        Some(_) => s.locator().to_string(),
        None => format_time(s.start_ms),
    }
}
