//! `intercode agree`: how far coders agree (percent agreement, Cohen's kappa, Fleiss' kappa,
//! Krippendorff's alpha), per code and overall, and which passages they disagree on.

use super::{inert, CmdResult, Context};
use intercode::agreement::{self, Stats, Unit};
use intercode::{codings, Error, Project};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default)]
pub enum UnitArg {
    #[default]
    Segment,
    Char,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Coders to compare, comma-separated (two or more)
    #[arg(long, value_delimiter = ',', required_unless_present = "matrix")]
    coders: Vec<String>,
    /// Unit of analysis: every segment, or every character of the transcripts
    #[arg(long, value_enum, default_value_t)]
    unit: UnitArg,
    /// Only this code (and its sub-codes)
    #[arg(long)]
    code: Option<String>,
    /// Compute from a units x coders CSV of category labels instead (empty cell = missing)
    #[arg(long, value_name = "FILE.csv", conflicts_with_all = ["coders", "code", "disagreements"])]
    matrix: Option<PathBuf>,
    /// List the passages (segments) the coders disagree on
    #[arg(long)]
    disagreements: bool,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

fn num(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.3}"))
}

fn row(out: &mut dyn Write, name: &str, s: &Stats) -> std::io::Result<()> {
    writeln!(
        out,
        "{name:<28} {:>9} {:>9} {:>9} {:>9} {:>9}",
        s.units,
        num(s.percent_agreement),
        num(s.cohen_kappa),
        num(s.fleiss_kappa),
        num(s.krippendorff_alpha)
    )
}

fn header(out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<28} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "", "units", "agree", "cohen", "fleiss", "alpha"
    )
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> CmdResult {
    if let Some(path) = &args.matrix {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let (coders, data) =
            agreement::read_matrix(&text).map_err(|m| Error::data(path, None, m))?;
        let s = agreement::compute(&data);
        match args.format {
            Format::Json => {
                serde_json::to_writer_pretty(
                    &mut *out,
                    &serde_json::json!({"unit": "matrix", "coders": coders, "overall": s}),
                )?;
                writeln!(out)?;
            }
            Format::Table => {
                writeln!(
                    out,
                    "{} units, coders: {}",
                    data.units(),
                    inert(&coders.join(", "))
                )?;
                header(out)?;
                row(out, "overall", &s)?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (project, _) = Project::open(&ctx.project)?;
    let all = codings::load_for_analysis(&ctx.project, None);
    if let Some(p) = all.problems.first() {
        return Err(Error::data(&p.location.path, p.location.line, p.message.clone()).into());
    }
    let known = codings::coders(&ctx.project);
    for c in &args.coders {
        if !known.contains(c) {
            return Err(Error::usage(format!(
                "no coder `{c}` in codings/ (coders: {})",
                known.join(", ")
            ))
            .into());
        }
    }
    if args.disagreements {
        // Each disputed passage once, whatever languages it is coded in (as the consensus
        // counts them), with each language's text.
        let list = agreement::disputed_passages(&project, &all, &args.coders);
        match args.format {
            Format::Json => {
                serde_json::to_writer_pretty(&mut *out, &list)?;
                writeln!(out)?;
            }
            Format::Table => {
                for p in &list {
                    let parts: Vec<String> = p
                        .parts
                        .iter()
                        .map(|d| format!("{} seg {}", d.lang, d.segment))
                        .collect();
                    writeln!(
                        out,
                        "{} {} {}",
                        p.interview,
                        p.parts[0].locator(),
                        parts.join(" + ")
                    )?;
                    for d in &p.parts {
                        writeln!(out, "  {:<3}{}", d.lang, inert(&d.text))?;
                    }
                    for (coder, codes) in p.codes() {
                        writeln!(
                            out,
                            "  {:<10} {}",
                            inert(&coder),
                            if codes.is_empty() {
                                "-".to_string()
                            } else {
                                codes.join(", ")
                            }
                        )?;
                    }
                }
                eprintln!("{} disputed passage(s)", list.len());
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let codes = match &args.code {
        Some(c) => {
            let cb = project
                .codebook
                .as_ref()
                .ok_or_else(|| Error::usage("the project has no codebook"))?;
            if !cb.contains(c) {
                return Err(Error::usage(format!("unknown code `{c}`")).into());
            }
            Some(cb.subtree_ids(c))
        }
        None => None,
    };
    let unit = match args.unit {
        UnitArg::Segment => Unit::Segment,
        UnitArg::Char => Unit::Char,
    };
    let a = agreement::agree(&project, &all, &args.coders, unit, codes.as_deref())?;
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &a)?;
            writeln!(out)?;
        }
        Format::Table => {
            writeln!(
                out,
                "{} coders ({}), unit: {}, {} interview(s) coded by all of them",
                a.coders.len(),
                inert(&a.coders.join(", ")),
                match a.unit {
                    agreement::Unit::Segment => "segment",
                    agreement::Unit::Char => "char",
                },
                a.interviews.len()
            )?;
            header(out)?;
            row(out, "overall", &a.overall)?;
            for (code, s) in &a.codes {
                row(out, code, s)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
