//! `intercode autocode`: rule-based suggestions from the codebook, listed; applied only with
//! `--apply`. With manual codings present, prints precision and recall per code.

use super::{inert, CmdResult, Context};
use intercode::autocode;
use intercode::codings::{self, store::Session, Origin};
use intercode::{Error, Project};
use std::io::Write;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Save the suggestions as codings of the coder (origin: suggested-accepted)
    #[arg(long)]
    apply: bool,
    /// Only suggestions of this code (and its sub-codes)
    #[arg(long)]
    code: Option<String>,
    /// Print only the summary, not every suggestion
    #[arg(long, short)]
    quiet: bool,
    /// Score learned suggestions and the rules leave-one-interview-out against the coders'
    /// own codings, with the human coders' agreement as the ceiling
    #[arg(long)]
    evaluate: bool,
    /// With --evaluate: the coders whose codings are the truth (default: every human coder)
    #[arg(long, value_delimiter = ',', requires = "evaluate")]
    coders: Vec<String>,
    /// With --evaluate: table or json
    #[arg(long, value_enum, default_value_t, requires = "evaluate")]
    format: EvalFormat,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EvalFormat {
    #[default]
    Table,
    Json,
}

/// Human coders: every coder with codings, but the consensus and the model.
fn human_coders(all: &codings::AllCodings) -> Vec<String> {
    let mut c: Vec<String> = all
        .files
        .iter()
        .map(|f| f.coder.clone())
        .filter(|c| c != "consensus" && c != "model")
        .collect();
    c.sort();
    c.dedup();
    c
}

fn evaluate(ctx: &Context, args: &Args, out: &mut dyn Write) -> CmdResult {
    let (project, _) = Project::open(&ctx.project)?;
    let cb = project
        .codebook
        .as_ref()
        .ok_or_else(|| Error::usage("the project has no codebook"))?;
    let rules = autocode::compile(cb)?;
    let all = codings::load_all(&ctx.project, None);
    let coders = if args.coders.is_empty() {
        human_coders(&all)
    } else {
        for c in &args.coders {
            if !all.files.iter().any(|f| &f.coder == c) {
                return Err(Error::usage(format!("no codings of coder `{c}`")).into());
            }
        }
        args.coders.clone()
    };
    if coders.is_empty() {
        return Err(Error::usage("no codings to learn from: code some passages first").into());
    }
    let t = std::time::Instant::now();
    let e = intercode::learn::evaluate(&project, &all, &coders, &rules)?;
    let took = t.elapsed();
    if args.format == EvalFormat::Json {
        serde_json::to_writer_pretty(&mut *out, &e)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let f = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.2}"));
    writeln!(
        out,
        "Leave-one-interview-out over {} interviews, {} passages (interviewers' turns left out); \
         the truth: passages coded by {} (any of them).",
        e.folds,
        e.passages,
        e.coders.join(", ")
    )?;
    writeln!(
        out,
        "{:<28} {:>8} | {:>5} {:>5} {:>5} | {:>5} {:>5} {:>5} | {:>6}",
        "code", "passages", "P", "R", "F1", "P", "R", "F1", "humans"
    )?;
    writeln!(
        out,
        "{:<28} {:>8} | {:^17} | {:^17} | {:>6}",
        "", "", "learned", "rules", "F1"
    )?;
    for r in &e.rows {
        writeln!(
            out,
            "{:<28} {:>8} | {:>5} {:>5} {:>5} | {:>5} {:>5} {:>5} | {:>6}",
            inert(&r.code),
            r.passages,
            f(r.learned.precision()),
            f(r.learned.recall()),
            f(r.learned.f1()),
            f(r.rules.precision()),
            f(r.rules.recall()),
            f(r.rules.f1()),
            f(r.humans.and_then(|h| h.f1()))
        )?;
    }
    let m = &e.micro;
    writeln!(
        out,
        "{:<28} {:>8} | {:>5} {:>5} {:>5} | {:>5} {:>5} {:>5} | {:>6}",
        "micro-average",
        "",
        f(m.learned.precision()),
        f(m.learned.recall()),
        f(m.learned.f1()),
        f(m.rules.precision()),
        f(m.rules.recall()),
        f(m.rules.f1()),
        f(m.humans.and_then(|h| h.f1()))
    )?;
    writeln!(
        out,
        "{:<28} {:>8} | {:>17} | {:>17} | {:>6}",
        "macro-average F1",
        "",
        format!("{:.2}", e.macro_f1.learned),
        format!("{:.2}", e.macro_f1.rules),
        f(e.macro_f1.humans)
    )?;
    writeln!(
        out,
        "({} models trained and scored in {:.1} s, on this machine; nothing was sent anywhere)",
        e.folds,
        took.as_secs_f64()
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> CmdResult {
    if args.evaluate {
        return evaluate(ctx, &args, out);
    }
    let (project, _) = Project::open(&ctx.project)?;
    let cb = project
        .codebook
        .as_ref()
        .ok_or_else(|| Error::usage("the project has no codebook"))?;
    let rules = autocode::compile(cb)?;
    let mut suggestions = autocode::suggest(&project, &rules);
    if let Some(code) = &args.code {
        if !cb.contains(code) {
            return Err(Error::usage(format!("unknown code `{code}`")).into());
        }
        let ids = cb.subtree_ids(code);
        suggestions.retain(|s| ids.contains(&s.code));
    }
    let coder = codings::resolve_coder(ctx.coder.as_deref())?;
    let mine = codings::load_all(&ctx.project, Some(&coder));
    let existing: Vec<(String, codings::Coding)> = mine
        .iter()
        .map(|(f, c)| (f.interview.clone(), c.clone()))
        .collect();
    // Suggestions the coder rejected (in the terminal UI) are not offered again; those the
    // coder has coded already are shown as such and not applied twice.
    let pending = autocode::pending(
        &ctx.project,
        &coder,
        suggestions,
        existing.iter().map(|(i, c)| (i.as_str(), c)),
    );
    if pending.interviewer > 0 {
        eprintln!(
            "{} suggestion(s) on interviewers' turns left out (see codebook/analysis.json)",
            pending.interviewer
        );
    }
    if pending.rejected > 0 {
        eprintln!(
            "{} suggestion(s) left out: rejected before by {coder}",
            pending.rejected
        );
    }
    let suggestions: Vec<autocode::Suggestion> =
        pending.suggestions.iter().map(|(s, _)| s.clone()).collect();
    if !args.quiet {
        for (s, covered) in &pending.suggestions {
            writeln!(
                out,
                "{} {} seg {:>4} {:>6}..{:<6} {:<26} rule {:<22} “{}”{}",
                s.interview,
                s.lang,
                s.segment,
                s.span.start,
                s.span.end,
                s.code,
                inert(&s.rule),
                inert(&s.matched),
                if *covered { "  (already coded)" } else { "" }
            )?;
        }
    }
    writeln!(
        out,
        "{} suggestion(s) from {} rule(s)",
        suggestions.len(),
        rules.len()
    )?;
    let manual = existing
        .iter()
        .filter(|(_, c)| c.origin == Origin::Manual)
        .count();
    if manual > 0 {
        let q = autocode::quality(&suggestions, &existing, &rules);
        writeln!(out, "\nAgainst {coder}'s {manual} manual coding(s):")?;
        writeln!(
            out,
            "{:<28} {:>11} {:>9} {:>9} {:>8} {:>9}",
            "code", "suggestions", "confirmed", "precision", "manual", "recall"
        )?;
        let pct = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{:.0}%", v * 100.0));
        for (code, r) in &q {
            writeln!(
                out,
                "{code:<28} {:>11} {:>9} {:>9} {:>8} {:>9}",
                r.suggestions,
                r.confirmed,
                pct(r.precision()),
                r.manual,
                pct(r.recall())
            )?;
        }
    }
    if args.apply {
        let mut session = Session::open(&ctx.project, &coder)?;
        let mut added = 0;
        for s in pending.open() {
            session.add(&project, s.accepted())?;
            added += 1;
        }
        writeln!(out, "applied {added} suggestion(s) as codings of {coder}")?;
    } else if !suggestions.is_empty() {
        writeln!(
            out,
            "(nothing saved; pass --apply to accept them as codings of {coder})"
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
