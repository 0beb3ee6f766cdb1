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
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> CmdResult {
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
