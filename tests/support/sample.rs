//! The sample study copied into a temporary folder, for tests that change it (the TUI tests
//! and the snapshots share it).

use std::path::{Path, PathBuf};

/// A copy of the repository's sample project (transcripts, codebook, both coders' codings)
/// in a temporary folder: `(guard, project folder)`.
pub fn sample() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["transcripts", "codebook", "codings/ana", "codings/boris"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for e in std::fs::read_dir(repo.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x != "lock") && p.is_file() {
                std::fs::copy(&p, dir.join(sub).join(p.file_name().unwrap())).unwrap();
            }
        }
    }
    (tmp, dir)
}
