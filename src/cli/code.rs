//! `intercode code add|rm|list|memo|reanchor`: scriptable coding. Changes go through the
//! core's coding session (lock, validation, atomic save); listing reads every coder's files.

use super::{inert, CmdResult, Context};
use intercode::codings::{self, store::NewCoding, store::Session, Origin};
use intercode::transcript::cuetext::data_safe;
use intercode::{Error, Project};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::io::{BufRead, Write};
use std::ops::Range;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(clap::Subcommand, Debug)]
enum Sub {
    /// Code a passage (by code point offsets or by its exact text)
    #[command(
        after_help = "Examples:\n  intercode code add --interview P01 --lang en --start 120 --end 188 --code fear\n  \
        intercode code add --interview P01 --lang ru --quote \"боюсь говорить\" --code fear.speaking_out --both\n  \
        printf '{\"interview\":\"P01\",\"lang\":\"en\",\"quote\":\"afraid\",\"code\":\"fear\"}\\n' | intercode code add --stdin\n\n\
        Prints the new coding's id on stdout. With --stdin, reads one JSON object per line \
        (interview, lang, start+end or quote, code, memo, both) and answers each line, once saved, \
        with {\"ok\":true,\"ids\":[...]} or {\"ok\":false,\"error\":\"...\"}."
    )]
    Add(AddArgs),
    /// Remove a coding by id (or a unique prefix of at least 8 characters)
    #[command(after_help = "Example:\n  intercode code rm 0193a2b4-77c1")]
    Rm { id: String },
    /// Replace the memo of a coding
    #[command(
        after_help = "Example:\n  intercode code memo 0193a2b4-77c1 \"ironic tone; check the Russian\""
    )]
    Memo { id: String, memo: String },
    /// Move a drifted coding to where its quote now is (see `intercode check`)
    #[command(after_help = "Example:\n  intercode code reanchor 0193a2b4-77c1")]
    Reanchor { id: String },
    /// List codings of every coder (or one)
    #[command(after_help = "Examples:\n  intercode code list --interview P01\n  \
        intercode code list --coder ana --code fear --format csv > fear.csv\n\n\
        --code includes the code's sub-codes. Without --coder, every coder's codings are listed.")]
    List(ListArgs),
}

#[derive(clap::Args, Debug)]
struct AddArgs {
    #[arg(long, value_name = "ID", required_unless_present = "stdin")]
    interview: Option<String>,
    #[arg(long, value_name = "LANG", required_unless_present = "stdin")]
    lang: Option<String>,
    /// Start, in code points of the transcript's text
    #[arg(long, requires = "end", conflicts_with = "quote")]
    start: Option<usize>,
    /// End (exclusive), in code points
    #[arg(long, requires = "start")]
    end: Option<usize>,
    /// The exact text to code (must occur exactly once in that transcript)
    #[arg(long, conflicts_with = "start")]
    quote: Option<String>,
    #[arg(long, value_name = "CODE", required_unless_present = "stdin")]
    code: Option<String>,
    #[arg(long, default_value = "")]
    memo: String,
    /// Also code the aligned passage of the other language version
    #[arg(long)]
    both: bool,
    /// Read codings as JSON lines from standard input
    #[arg(long, conflicts_with_all = ["interview", "lang", "start", "end", "quote", "code"])]
    stdin: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default)]
enum Format {
    #[default]
    Text,
    Json,
    Csv,
}

#[derive(clap::Args, Debug)]
struct ListArgs {
    #[arg(long)]
    code: Option<String>,
    #[arg(long)]
    interview: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddLine {
    interview: String,
    lang: String,
    start: Option<usize>,
    end: Option<usize>,
    quote: Option<String>,
    code: String,
    #[serde(default)]
    memo: String,
    #[serde(default)]
    both: bool,
}

#[derive(Serialize)]
/// One coding as listed; text fields made safe as data (see `data_safe`): a memo or quote
/// never carries an escape sequence into a terminal or a spreadsheet.
struct Row<'a> {
    id: Cow<'a, str>,
    coder: Cow<'a, str>,
    interview: Cow<'a, str>,
    lang: Cow<'a, str>,
    start: usize,
    end: usize,
    code: Cow<'a, str>,
    quote: Cow<'a, str>,
    memo: Cow<'a, str>,
    origin: &'a str,
    created: Cow<'a, str>,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> CmdResult {
    match args.command {
        Sub::Add(a) => add(ctx, a, out),
        Sub::Rm { id } => {
            let mut s = open_session(ctx)?;
            let c = s.remove(&id)?;
            writeln!(out, "{}", c.id)?;
            eprintln!(
                "removed {} ({}..{}) from {}",
                c.code,
                c.start,
                c.end,
                s.coder()
            );
            Ok(ExitCode::SUCCESS)
        }
        Sub::Memo { id, memo } => {
            let mut s = open_session(ctx)?;
            let c = s.set_memo(&id, &memo)?;
            writeln!(out, "{}", c.id)?;
            Ok(ExitCode::SUCCESS)
        }
        Sub::Reanchor { id } => {
            let (project, _) = Project::open(&ctx.project)?;
            let mut s = open_session(ctx)?;
            let c = s.reanchor(&project, &id)?;
            writeln!(out, "{}", c.id)?;
            eprintln!("re-anchored {} at {}..{}", c.code, c.start, c.end);
            Ok(ExitCode::SUCCESS)
        }
        Sub::List(a) => list(ctx, a, out),
    }
}

fn open_session(ctx: &Context) -> anyhow::Result<Session> {
    Project::ensure_project_dir(&ctx.project)?;
    let coder = codings::resolve_coder(ctx.coder.as_deref())?;
    Ok(Session::open(&ctx.project, &coder)?)
}

/// Resolves the span of a request: explicit offsets, or the one place the quote occurs.
fn resolve_span(
    project: &Project,
    interview: &str,
    lang: &str,
    start: Option<usize>,
    end: Option<usize>,
    quote: Option<&str>,
) -> intercode::Result<Range<usize>> {
    match (start, end, quote) {
        (Some(s), Some(e), None) => Ok(s..e),
        (None, None, Some(q)) => {
            let t = project
                .interview(interview)?
                .versions
                .get(lang)
                .ok_or_else(|| Error::usage(format!("{interview} has no `{lang}` version")))?;
            let found = codings::find_quote(t, q);
            match found.len() {
                1 => Ok(found[0].clone()),
                0 => Err(Error::usage(format!("the quote does not occur in {interview} ({lang})"))),
                n => Err(Error::usage(format!(
                    "the quote occurs {n} times in {interview} ({lang}); quote more text or give --start/--end"
                ))),
            }
        }
        _ => Err(Error::usage("give either --start and --end, or --quote")),
    }
}

/// Adds `new` unless this coder has the same coding (the same span, or with `overlapping` any
/// span that overlaps it).
fn add_unless_there(
    session: &mut Session,
    project: &Project,
    new: NewCoding,
    overlapping: bool,
) -> intercode::Result<Made> {
    let there =
        session.same_coding(&new.interview, &new.lang, &new.span, &new.code, overlapping)?;
    Ok(match there {
        Some(coding) => Made { coding, new: false },
        None => Made {
            coding: session.add(project, new)?,
            new: true,
        },
    })
}

/// A coding asked for, and whether it was made now or was there already.
struct Made {
    coding: intercode::codings::Coding,
    new: bool,
}

/// Adds one coding (and its copy in the other language with `both`). A coding identical to
/// one this coder has (code, language, span) is not added twice, and `both` leaves alone the
/// other language when it already has this code on the aligned passage.
#[allow(clippy::too_many_arguments)]
fn add_one(
    session: &mut Session,
    project: &Project,
    interview: &str,
    lang: &str,
    span: Range<usize>,
    code: &str,
    memo: &str,
    both: bool,
) -> intercode::Result<Vec<Made>> {
    let mut made = Vec::new();
    let copy_to = if both {
        Some(codings::aligned_span(
            project.interview(interview)?,
            lang,
            &span,
        )?)
    } else {
        None
    };
    made.push(add_unless_there(
        session,
        project,
        NewCoding {
            interview: interview.into(),
            lang: lang.into(),
            span,
            code: code.into(),
            memo: memo.into(),
            origin: Origin::Manual,
            model: None,
        },
        false,
    )?);
    if let Some((other, span)) = copy_to {
        // The copy is "there" when the other language has the code anywhere on the passage.
        made.push(add_unless_there(
            session,
            project,
            NewCoding {
                interview: interview.into(),
                lang: other,
                span,
                code: code.into(),
                memo: memo.into(),
                origin: Origin::Copied,
                model: None,
            },
            true,
        )?);
    }
    Ok(made)
}

fn add(ctx: &Context, a: AddArgs, out: &mut dyn Write) -> CmdResult {
    let (project, _) = Project::open(&ctx.project)?;
    let mut session = open_session(ctx)?;
    if !a.stdin {
        let (interview, lang, code) = (
            a.interview.unwrap_or_default(),
            a.lang.unwrap_or_default(),
            a.code.unwrap_or_default(),
        );
        let span = resolve_span(
            &project,
            &interview,
            &lang,
            a.start,
            a.end,
            a.quote.as_deref(),
        )?;
        for m in add_one(
            &mut session,
            &project,
            &interview,
            &lang,
            span,
            &code,
            &a.memo,
            a.both,
        )? {
            let Made { coding: c, new } = m;
            writeln!(out, "{}", c.id)?;
            eprintln!(
                "{} {} {interview} ({}) {}..{}: “{}”",
                if new {
                    "added"
                } else {
                    "already coded, not added again:"
                },
                c.code,
                c.lang,
                c.start,
                c.end,
                inert(&preview(c.quote.as_str()))
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut failed = 0usize;
    let stdin = std::io::stdin();
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let result = serde_json::from_str::<AddLine>(&line)
            .map_err(|e| Error::data("<stdin>", Some(n + 1), format!("invalid JSON: {e}")))
            .and_then(|l| {
                let span = resolve_span(
                    &project,
                    &l.interview,
                    &l.lang,
                    l.start,
                    l.end,
                    l.quote.as_deref(),
                )?;
                add_one(
                    &mut session,
                    &project,
                    &l.interview,
                    &l.lang,
                    span,
                    &l.code,
                    &l.memo,
                    l.both,
                )
            });
        let reply = match result {
            Ok(made) => {
                let ids = |new: bool| {
                    made.iter()
                        .filter(|m| m.new == new)
                        .map(|m| m.coding.id.as_str())
                        .collect::<Vec<_>>()
                };
                serde_json::json!({"ok": true, "ids": made.iter().map(|m| m.coding.id.as_str()).collect::<Vec<_>>(), "added": ids(true), "existing": ids(false)})
            }
            Err(e) => {
                failed += 1;
                serde_json::json!({"ok": false, "line": n + 1, "error": e.to_string()})
            }
        };
        writeln!(out, "{reply}")?;
        // Each answer goes out as soon as its coding is on disk: a caller may rely on it.
        out.flush()?;
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn preview(s: &str) -> String {
    let mut p: String = s.chars().take(60).collect();
    if p.len() < s.len() {
        p.push('…');
    }
    p
}

fn list(ctx: &Context, a: ListArgs, out: &mut dyn Write) -> CmdResult {
    let (project, _) = Project::open(&ctx.project)?;
    // Listing filters by coder only when --coder is given explicitly.
    let all = codings::load_all(&ctx.project, ctx.coder.as_deref());
    for p in &all.problems {
        eprintln!("{}", inert(&p.to_string()));
    }
    let codes: Option<Vec<String>> = match (&a.code, &project.codebook) {
        (Some(c), Some(cb)) if cb.contains(c) => Some(cb.subtree_ids(c)),
        (Some(c), _) => return Err(Error::usage(format!("unknown code `{c}`")).into()),
        (None, _) => None,
    };
    if let Some(i) = &a.interview {
        project.interview(i)?;
    }
    let rows: Vec<Row> = all
        .iter()
        .filter(|(f, c)| {
            a.interview.as_ref().is_none_or(|i| &f.interview == i)
                && codes
                    .as_ref()
                    .is_none_or(|cs| cs.iter().any(|x| *x == c.code))
        })
        .map(|(f, c)| Row {
            id: data_safe(&c.id),
            coder: data_safe(&f.coder),
            interview: data_safe(&f.interview),
            lang: data_safe(&c.lang),
            start: c.start,
            end: c.end,
            code: data_safe(&c.code),
            quote: data_safe(c.quote.as_str()),
            memo: data_safe(&c.memo),
            origin: c.origin.as_str(),
            created: data_safe(&c.created),
        })
        .collect();
    match a.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            if rows.is_empty() {
                w.write_record([
                    "id",
                    "coder",
                    "interview",
                    "lang",
                    "start",
                    "end",
                    "code",
                    "quote",
                    "memo",
                    "origin",
                    "created",
                ])?;
            }
            for r in &rows {
                w.serialize(r)?;
            }
            w.flush()?;
        }
        Format::Text => {
            for r in &rows {
                writeln!(
                    out,
                    "{}  {:<8} {} {}  {:>6}..{:<6} {:<26} “{}”{}",
                    inert(&r.id.chars().take(13).collect::<String>()),
                    inert(&r.coder),
                    inert(&r.interview),
                    inert(&r.lang),
                    r.start,
                    r.end,
                    inert(&r.code),
                    inert(&preview(&r.quote)),
                    if r.memo.is_empty() {
                        String::new()
                    } else {
                        format!("  [memo: {}]", inert(&preview(&r.memo)))
                    }
                )?;
            }
            eprintln!("{} coding(s)", rows.len());
        }
    }
    Ok(if all.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
