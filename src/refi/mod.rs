//! REFI-QDA 1.5 exchange (NVivo, ATLAS.ti, MAXQDA, QualCoder): the codebook as a `.qdc`, the
//! whole project as a `.qdpx` (a zip of `project.qde` and `sources/<GUID>.txt`), and import of
//! both. Exported positions are code points over exactly the exported text (UTF-8, no BOM),
//! end exclusive, which is intercode's own canonical text. An imported text source becomes a
//! document (`transcripts/<ID>.<lang>.text`, see `transcript::document`) whose text is the
//! source's exactly, so positions map 1:1 both ways. GUIDs are derived from
//! stable names (UUID v5), so the same project exports the same GUIDs every time.
//!
//! Import is tolerant of what real tools write (any case of `project.qde` and `sources/`,
//! braced or bare GUIDs in either case, the `urn:QDA-XML:codebook:1:0` namespace typo,
//! `plainTextPath` without `internal://`, a BOM in a source, folders as non-codable codes)
//! and strict about what could hurt: paths outside the archive, archives that expand beyond a
//! limit, malformed XML and selections outside their source are refused before anything is
//! written.

mod export;
mod import;

pub use export::{
    export_project, export_project_with, export_qdc, export_qdpx, export_qdpx_with, Recordings,
};
pub use import::{
    match_codes, read_project, read_qdc, read_qde, read_qdpx, read_qdpx_limited, Imported,
    MAX_UNPACKED,
};

const NS: uuid::Uuid = uuid::Uuid::from_u128(0x6a1c_7e3e_9c1b_4d8e_9a57_2f7e_1c0d_5b21);

/// Why a REFI-QDA file was refused. Nothing is written when reading fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefiError {
    /// The zip archive itself: not a zip, unreadable, unsafe paths, too large.
    #[error("{0}")]
    Archive(String),
    /// The XML: not well-formed, not a REFI-QDA document, nested too deep.
    #[error("{0}")]
    Xml(String),
    /// What the document says: a selection outside its text, an unknown code, a source
    /// without text or not in UTF-8.
    #[error("{0}")]
    Content(String),
}

impl From<String> for RefiError {
    fn from(message: String) -> Self {
        RefiError::Content(message)
    }
}

impl From<&str> for RefiError {
    fn from(message: &str) -> Self {
        RefiError::Content(message.to_string())
    }
}

/// A stable GUID for a thing named `kind:name`.
pub fn guid(kind: &str, name: &str) -> String {
    uuid::Uuid::new_v5(&NS, format!("{kind}:{name}").as_bytes()).to_string()
}

/// The folder inside a `.qdpx` where intercode carries the project's own files. Other tools
/// ignore files they do not know (QualCoder does: tested); an intercode import restores them
/// exactly, so intercode -> intercode loses nothing.
pub const OWN_FILES_DIR: &str = "intercode/";

/// Whether `rel` may be one of a project's own files carried in an archive: a plain relative
/// path in `codebook/`, `transcripts/` or `codings/<coder>/`, of a kind intercode writes.
pub fn is_own_file(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    let plain = parts.iter().all(|p| {
        !p.is_empty() && *p != "." && *p != ".." && !p.starts_with('.') && !p.contains('\\')
    });
    let ext = rel.rsplit('.').next().unwrap_or("");
    plain
        && match parts.as_slice() {
            ["codebook", _] => ext == "json",
            ["transcripts", _] => matches!(ext, "vtt" | "srt" | "txt" | "text" | "csv"),
            ["codings", _, _] => matches!(ext, "json" | "tsv"),
            _ => false,
        }
}

/// A project's own files, for an archive: the codebook folder's files, transcripts and
/// participants, and every coder's codings, decisions and rejections (locks, temporary files
/// and caches are not project files).
pub fn own_files(root: &std::path::Path) -> crate::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut dirs = vec!["codebook".to_string(), "transcripts".to_string()];
    if let Ok(rd) = std::fs::read_dir(root.join("codings")) {
        let mut coders: Vec<String> = rd
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| format!("codings/{}", e.file_name().to_string_lossy()))
            .collect();
        coders.sort();
        dirs.extend(coders);
    }
    for d in dirs {
        let Ok(rd) = std::fs::read_dir(root.join(&d)) else {
            continue;
        };
        let mut names: Vec<String> = rd
            .flatten()
            .filter(|e| e.path().is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for n in names {
            let rel = format!("{d}/{n}");
            if is_own_file(&rel) {
                let path = root.join(&rel);
                let bytes = std::fs::read(&path).map_err(|e| crate::Error::io(&path, e))?;
                out.push((rel, bytes));
            }
        }
    }
    Ok(out)
}

pub(super) fn norm_guid(g: &str) -> String {
    g.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_lowercase()
}

pub(super) fn slug(name: &str) -> String {
    let s: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if s.is_empty() {
        "code".into()
    } else {
        s
    }
}
