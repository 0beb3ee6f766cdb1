//! `intercode search QUERY`: find segments in every transcript, in either language.

use super::{inert, CmdResult, Context};
use intercode::search::{Freshness, Results, SearchIndex};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

pub const QUERY_HELP_WITH_EXAMPLES: &str = "\
Examples:
  intercode search 'страх OR afraid'
  intercode search '\"вид на жительство\" lang:ru gender:female' --format json
  intercode search 'deport* -interview:P03' --limit 100 --format csv > deport.csv


Query language:
  страх                a word, in any inflection (страх finds страха, страхом; afraid finds afraid)
  =боюсь               exactly this form (case and ё/е aside), no other inflections
  \"вид на жительство\"  a phrase: these words in this order
  deport*              words starting with deport
  afriad~1             words within 1 (or ~2: 2) edits of afriad
  /deport(ed|ation)/   a regular expression over the segment text (case-sensitive)
  a b, a AND b         both;   a OR b   either;   NOT a, -a   not a;   ( )   grouping
  lang:ru  speaker:katya  interview:P01   filters
  code:fear            segments coded fear or a sub-code (all coders, or --coder NAME)
  gender:female  age_group:30-39   any participants.csv column
Latin and Cyrillic find each other: Beograd finds Београд, vid na zhitelstvo finds вид на жительство.
The index is built in .intercode/ on first use and kept up to date automatically.";

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
    Csv,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The query (quote it in the shell), e.g. 'страх OR afraid lang:ru'
    query: String,
    /// At most this many hits (the total is always counted)
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Opens the project's index, telling the user on stderr when it has to be built.
pub fn open_index(
    root: &std::path::Path,
    project: Option<&intercode::Project>,
) -> anyhow::Result<SearchIndex> {
    let tty = std::io::stderr().is_terminal();
    let mut last = 0usize;
    let mut progress = |done: usize, total: usize| {
        if total < 2 {
            return;
        }
        if tty {
            eprint!("\rindexing transcripts: {done}/{total} interviews");
            if done == total {
                eprintln!();
            }
        } else if done == total || done >= last + total.div_ceil(10) {
            eprintln!("indexing transcripts: {done}/{total} interviews");
            last = done;
        }
    };
    let (idx, freshness) = SearchIndex::open(root, project, &mut progress)?;
    if let Freshness::Rebuilt { reason } = freshness {
        eprintln!(
            "search index built ({reason}); it lives in .intercode/ and can be deleted at any time"
        );
    }
    Ok(idx)
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> CmdResult {
    intercode::Project::ensure_project_dir(&ctx.project)?;
    let idx = open_index(&ctx.project, None)?;
    let results = idx.search(&args.query, args.limit, ctx.coder.as_deref())?;
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &results)?;
            writeln!(out)?;
        }
        Format::Csv => write_csv(&results, out)?,
        Format::Text => write_text(&results, out)?,
    }
    if !matches!(args.format, Format::Json) {
        eprintln!(
            "{} of {} matching segment(s) shown",
            results.hits.len(),
            results.total
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn write_csv(r: &Results, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "interview",
        "lang",
        "segment",
        "start_ms",
        "end_ms",
        "speaker",
        "text",
        "highlights",
        "translation",
    ])?;
    for h in &r.hits {
        let hl: Vec<String> = h
            .highlights
            .iter()
            .map(|[a, b]| format!("{a}-{b}"))
            .collect();
        w.write_record([
            h.interview.as_str(),
            &h.lang,
            &h.segment.to_string(),
            &h.start_ms.to_string(),
            &h.end_ms.to_string(),
            h.speaker.as_deref().unwrap_or(""),
            &h.text,
            &hl.join(";"),
            h.translation.as_deref().unwrap_or(""),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn write_text(r: &Results, out: &mut dyn Write) -> anyhow::Result<()> {
    // Highlights are bold on a colour terminal; on a pipe they are marked [like this].
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let (on, off) = if colour {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    for (k, h) in r.hits.iter().enumerate() {
        if k > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "{} {} {}  {}",
            h.interview,
            h.lang,
            h.locator(),
            inert(h.speaker.as_deref().unwrap_or(""))
        )?;
        let chars: Vec<char> = h.text.chars().collect();
        let mut line = String::from("  ");
        let mut at = 0;
        for [a, b] in &h.highlights {
            line.push_str(&inert(&chars[at..*a].iter().collect::<String>()));
            line.push_str(on);
            line.push_str(&inert(&chars[*a..*b].iter().collect::<String>()));
            line.push_str(off);
            at = *b;
        }
        line.push_str(&inert(&chars[at..].iter().collect::<String>()));
        writeln!(out, "{line}")?;
        if let Some(t) = &h.translation {
            writeln!(out, "  ⇄ {}", inert(t))?;
        }
    }
    Ok(())
}
