//! `intercode transcript ID`: print one language version of an interview, as readable text
//! (one line per segment, turns separated by a blank line) or as JSON with code point spans.

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
pub struct Args {
    /// Interview id, e.g. P01
    id: String,
    /// Language version (default: en if present, else the first)
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
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
    let (project, _) = Project::open(&ctx.project)?;
    let interview = project.interview(&args.id)?;
    let lang = match &args.lang {
        Some(l) => l.clone(),
        None if interview.versions.contains_key("en") => "en".into(),
        None => interview
            .versions
            .keys()
            .next()
            .cloned()
            .unwrap_or_default(),
    };
    let t = interview.versions.get(&lang).ok_or_else(|| {
        let have: Vec<&str> = interview.versions.keys().map(String::as_str).collect();
        Error::usage(format!(
            "{} has no `{lang}` version (it has: {})",
            args.id,
            have.join(", ")
        ))
    })?;
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
                    match &s.speaker {
                        Some(sp) => {
                            writeln!(out, "[{}] {}: {}", stamp(s), inert(sp), inert(&s.text))?
                        }
                        None => writeln!(out, "[{}] {}", stamp(s), inert(&s.text))?,
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
