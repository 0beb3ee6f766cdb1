//! `intercode init DIR`: a new, empty project with the default codebook.

use super::{CmdResult, Context};
use anyhow::Context as _;
use intercode::project::{
    CODEBOOK_FILE, CODINGS_DIR, PARTICIPANTS_FILE, SURVEY_FILE, TRANSCRIPTS_DIR,
};
use intercode::{fsutil, Error};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder to create (or an empty existing folder)
    dir: PathBuf,
}

const SURVEY_TEMPLATE: &str = r#"{
  "version": 1,
  "source": {
    "title": "",
    "n": 0
  },
  "themes": []
}
"#;

pub fn run(_ctx: &Context, args: Args, out: &mut dyn Write) -> CmdResult {
    let dir = &args.dir;
    if dir.join(TRANSCRIPTS_DIR).exists() || dir.join(CODEBOOK_FILE).exists() {
        return Err(Error::usage(format!(
            "{} already holds a project; nothing was changed",
            dir.display()
        ))
        .into());
    }
    for sub in [TRANSCRIPTS_DIR, "codebook", CODINGS_DIR] {
        let p = dir.join(sub);
        std::fs::create_dir_all(&p).with_context(|| format!("cannot create {}", p.display()))?;
    }
    fsutil::write_atomic(
        &dir.join(CODEBOOK_FILE),
        intercode::codebook::default_codebook_json().as_bytes(),
    )?;
    fsutil::write_atomic(&dir.join(SURVEY_FILE), SURVEY_TEMPLATE.as_bytes())?;
    fsutil::write_atomic(
        &dir.join(PARTICIPANTS_FILE),
        b"id,gender,age_group,arrived,city\n",
    )?;
    let gitignore = dir.join(".gitignore");
    if !gitignore.exists() {
        fsutil::write_atomic(
            &gitignore,
            b"# search index and other caches; safe to delete\n.intercode/\n# a change in flight (not a cache) and temporary files of interrupted writes\n.intercode-journal/\n.intercode-tmp-*\n# files an import replaced, kept to copy back\n.intercode-backup/\n# a coder's session lock\ncodings/*/.lock\n",
        )?;
    }
    writeln!(out, "Created an intercode project in {}", dir.display())?;
    writeln!(
        out,
        "Next: intercode --project {} import FILE.ru.vtt FILE.en.vtt",
        dir.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
