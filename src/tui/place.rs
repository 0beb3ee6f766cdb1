//! Where a coder left off: the view, the open interview and language, the cursor and the
//! parallel view, kept per coder in the cache folder (`.intercode/place-<coder>.json`) so
//! that the next start opens there. A cache: deleting it only forgets the place, and a place
//! that no longer exists (an interview removed) is ignored.

use crate::project::CACHE_DIR;
use crate::tui::app::App;
use crate::tui::views::View;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Place {
    /// The view's title, e.g. "5 Report".
    view: String,
    interview: Option<String>,
    lang: Option<String>,
    cursor: usize,
    parallel: bool,
    /// What the Retrieval view showed: a code, or every memo.
    #[serde(default)]
    retrieving: Option<String>,
    #[serde(default)]
    memos: bool,
}

impl App {
    fn place_path(&self) -> PathBuf {
        self.root
            .join(CACHE_DIR)
            .join(format!("place-{}.json", self.coder))
    }

    /// Remembers where this session is (on quit).
    pub fn save_place(&self) -> crate::Result<()> {
        let ts = self.transcript.as_ref();
        let place = Place {
            view: self.view.title().to_string(),
            interview: ts.map(|t| t.interview.clone()),
            lang: ts.map(|t| t.lang.clone()),
            cursor: ts.map_or(0, |t| t.cursor),
            parallel: ts.is_some_and(|t| t.parallel),
            retrieving: self.retrieval_view.query.code.clone(),
            memos: self.retrieval_view.query.memos_only,
        };
        let path = self.place_path();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| crate::Error::io(dir, e))?;
        }
        let json = serde_json::to_vec(&place).unwrap_or_default();
        crate::fsutil::write_atomic(&path, &json)
    }

    /// Goes back to where this coder left off, if that place still exists.
    pub fn restore_place(&mut self) {
        let Some(place) = std::fs::read(self.place_path())
            .ok()
            .and_then(|b| serde_json::from_slice::<Place>(&b).ok())
        else {
            return;
        };
        if let (Some(id), Some(lang)) = (&place.interview, &place.lang) {
            let known = self
                .project
                .interviews
                .get(id)
                .is_some_and(|i| i.files.contains_key(lang));
            if known {
                self.open_transcript(id, lang, place.cursor);
                if let Some(ts) = self.transcript.as_mut() {
                    ts.parallel = place.parallel;
                } else if let Some(p) = self.pending_open.as_mut() {
                    // Opened when the transcripts have been read: in the view it was in.
                    p.3 = place.parallel;
                }
            }
        }
        let q = &mut self.retrieval_view.query;
        q.code = place.retrieving.filter(|c| {
            self.project
                .codebook
                .as_ref()
                .is_some_and(|cb| cb.contains(c))
        });
        q.memos_only = place.memos;
        if let Some(v) = View::ALL.into_iter().find(|v| v.title() == place.view) {
            if v != View::Transcript || self.transcript.is_some() {
                self.view = v;
            }
        }
    }
}
