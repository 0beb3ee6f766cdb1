//! `intercode codebook list|add|rename|move|merge|delete`: the code tree and edits that keep
//! codings consistent (a merge reassigns codings; deleting a code in use needs a decision).

use super::{inert, CmdResult, Context};
use intercode::codebook::Code;
use intercode::codings;
use intercode::{ops, Error, Project};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(clap::Subcommand, Debug)]
enum Sub {
    /// The code tree with the passages of each code (with its sub-codes), counted as
    /// `intercode report frequencies` counts them
    #[command(
        after_help = "Examples:\n  intercode codebook list\n  intercode codebook list --coders ana"
    )]
    List {
        /// Count these coders' codings (`consensus` alone: the reconciled coding); default as
        /// in reports
        #[arg(long, value_delimiter = ',', conflicts_with = "all_coders")]
        coders: Vec<String>,
        /// Count every coder's codings
        #[arg(long)]
        all_coders: bool,
    },
    /// Add a code
    #[command(
        after_help = "Example:\n  intercode codebook add fear.family --parent fear --en \"Fear for family\" --ru \"Страх за семью\" --color '#e06666'"
    )]
    Add {
        id: String,
        #[arg(long)]
        parent: Option<String>,
        #[arg(long)]
        en: String,
        #[arg(long)]
        ru: Option<String>,
        #[arg(long, default_value = "#888888")]
        color: String,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Change a code's display names (ids never change)
    #[command(after_help = "Example:\n  intercode codebook rename fear --en \"Fear and caution\"")]
    Rename {
        id: String,
        #[arg(long)]
        en: Option<String>,
        #[arg(long)]
        ru: Option<String>,
    },
    /// Move a code (with its sub-codes) under another code, or to the top with --top
    #[command(
        after_help = "Examples:\n  intercode codebook move security.border --parent fear\n  intercode codebook move fear.surveillance --top"
    )]
    Move {
        id: String,
        #[arg(long, conflicts_with = "top", required_unless_present = "top")]
        parent: Option<String>,
        #[arg(long)]
        top: bool,
    },
    /// Merge FROM into INTO: every coder's codings of FROM become INTO; FROM's sub-codes move
    #[command(
        after_help = "Example:\n  intercode codebook merge fear.surveillance security.border"
    )]
    Merge { from: String, into: String },
    /// Delete a code; if codings use it, say what becomes of them
    #[command(
        after_help = "Examples:\n  intercode codebook delete integration.work\n  \
        intercode codebook delete integration.work --reassign integration.everyday\n  \
        intercode codebook delete integration.work --remove-codings"
    )]
    Delete {
        id: String,
        /// Give its codings this code instead
        #[arg(long, conflicts_with = "remove_codings")]
        reassign: Option<String>,
        /// Remove its codings (of every coder)
        #[arg(long)]
        remove_codings: bool,
    },
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> CmdResult {
    let (project, _) = Project::open(&ctx.project)?;
    let cb = project
        .codebook
        .clone()
        .ok_or_else(|| Error::usage("the project has no codebook"))?;
    let fail = |m: String| anyhow::Error::from(Error::usage(m));
    match args.command {
        Sub::List { coders, all_coders } => {
            // The same passages as `report frequencies` (rolled up, the same coder set).
            let all = codings::load_for_analysis(&ctx.project, None);
            let settings = intercode::report::Settings::load(&ctx.project)?;
            let set = intercode::report::CoderSet::choose(&project, &all, &coders, all_coders)?;
            let an = intercode::report::analyse(&project, &all, &set, None, &settings);
            let n: HashMap<String, usize> = intercode::report::frequencies(&cb, &an)
                .into_iter()
                .map(|c| (c.code, c.passages))
                .collect();
            writeln!(out, "passages of {}", inert(&set.describe()))?;
            for r in cb.walk() {
                let names: Vec<String> = r
                    .code
                    .name
                    .iter()
                    .map(|(l, v)| format!("{l}: {v}"))
                    .collect();
                writeln!(
                    out,
                    "{}{:<width$} {:>5}  {}  {}",
                    "  ".repeat(r.depth),
                    r.code.id,
                    n.get(&r.code.id).copied().unwrap_or(0),
                    r.code.color,
                    inert(&names.join(" | ")),
                    width = 30 - 2 * r.depth
                )?;
            }
            return Ok(ExitCode::SUCCESS);
        }
        Sub::Add {
            id,
            parent,
            en,
            ru,
            color,
            description,
        } => {
            let mut name = BTreeMap::from([("en".to_string(), en)]);
            if let Some(ru) = ru {
                name.insert("ru".into(), ru);
            }
            let code = Code {
                id: id.clone(),
                name,
                color,
                description,
                include: String::new(),
                exclude: String::new(),
                examples: Vec::new(),
                rules: BTreeMap::new(),
                children: Vec::new(),
            };
            ops::edit_codebook(&ctx.project, None, |cb| cb.add(code, parent.as_deref()))?;
            writeln!(out, "added {id}")?;
        }
        Sub::Rename { id, en, ru } => {
            let mut names = BTreeMap::new();
            if let Some(en) = en {
                names.insert("en".to_string(), en);
            }
            if let Some(ru) = ru {
                names.insert("ru".to_string(), ru);
            }
            if names.is_empty() {
                return Err(fail("give --en NAME and/or --ru NAME".into()));
            }
            ops::edit_codebook(&ctx.project, None, |cb| cb.rename(&id, &names))?;
            writeln!(out, "renamed {id}")?;
        }
        Sub::Move { id, parent, .. } => {
            ops::edit_codebook(&ctx.project, None, |cb| {
                cb.move_code(&id, parent.as_deref())
            })?;
            writeln!(out, "moved {id}")?;
        }
        Sub::Merge { from, into } => {
            // Codings, survey links and the tree change together (one transaction).
            let m = ops::merge_codes(&ctx.project, None, &from, &into)?;
            writeln!(
                out,
                "merged {from} into {into}; {} coding(s) reassigned, {} survey link(s) moved",
                m.codings, m.links
            )?;
        }
        Sub::Delete {
            id,
            reassign,
            remove_codings,
        } => {
            let n = cb.subtree_ids(&id).len();
            let d = ops::delete_code(&ctx.project, None, &id, reassign.as_deref(), remove_codings)?;
            writeln!(
                out,
                "deleted {id} ({n} code(s)); {} coding(s) {}",
                d.codings,
                if reassign.is_some() {
                    "reassigned"
                } else {
                    "removed"
                }
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
