//! Correcting the open transcript: edit a segment's text (`E`), rename a speaker (`R`), split
//! a segment at the cursor (`s`) or merge it with the next (`&`). Each is one transaction of
//! `ops::transcript_edit` (every coder's codings follow); `u` and `U` undo and redo them.
//! While the edit runs this session steps aside from its coder's lock, which the edit takes
//! with every other coder's.

use crate::codings::store::Session;
use crate::ops::transcript_edit::{self, Edit, Request, Snapshot};
use crate::tui::app::*;
use crate::tui::popups::{Overlay, PromptKind};

/// Transcript edits of this session that `u` and `U` take back and redo.
#[derive(Debug, Clone, Default)]
pub struct EditHistory {
    pub undo: Vec<(String, String, Snapshot)>,
    pub redo: Vec<(String, String, Snapshot)>,
}

impl App {
    /// Applies `edit` to the open transcript; false when it was refused (the status says why).
    pub(crate) fn apply_transcript_edit(&mut self, edit: Edit, expect: Option<String>) -> bool {
        let Some((_, ts)) = self.current() else {
            return false;
        };
        let (interview, lang) = (ts.interview.clone(), ts.lang.clone());
        // A text edit changes one segment's document in the index; the others, all of it.
        let text_of = match &edit {
            Edit::Text { segment, .. } => Some((lang.clone(), *segment)),
            _ => None,
        };
        if self.session.is_none() {
            self.set_status("read-only session: another session holds this coder's lock");
            return false;
        }
        self.session = None;
        // A text edit's segment goes to the search worker as soon as the new text is known
        // good, while the files are synced: searchable when saved.
        let mut sent = false;
        let (worker, project) = (&self.worker, &self.project);
        let r = transcript_edit::edit_transcript_with(
            &self.root,
            &Request {
                interview: interview.clone(),
                lang: lang.clone(),
                edit,
                expect,
            },
            &mut |_| {},
            &mut |t| {
                if let (Some(w), Some((lang, segment)), Some(i)) =
                    (worker, &text_of, project.interviews.get(&interview))
                {
                    let mut i = i.clone();
                    i.versions.insert(lang.clone(), t.clone());
                    sent =
                        w.tx.send(crate::tui::worker::Request::Replace {
                            interview: Box::new(i),
                            lang: lang.clone(),
                            segment: *segment,
                        })
                        .is_ok();
                }
            },
        );
        self.session = Session::open(&self.root, &self.coder).ok();
        match r {
            Ok(done) => {
                self.edits.undo.push((interview.clone(), lang, done.undo));
                self.edits.redo.clear();
                // The cursor moves with the text, as a coding does.
                let cursor = self.transcript.as_ref().map(|t| t.cursor);
                if let (Some(ts), Some(c)) = (self.transcript.as_mut(), cursor) {
                    ts.cursor = transcript_edit::map_span(c, c + 1, done.region)
                        .map_or(done.region.a, |r| r.start);
                }
                self.after_transcript_change(&interview, text_of, sent);
                self.set_status(format!("{} · saved · u undoes", done.summary));
                true
            }
            Err(e) => {
                if sent {
                    // The index took text that was not saved: it reads the files again.
                    self.reindex(&interview, None);
                }
                self.set_status(format!("NOT SAVED: {e}"));
                false
            }
        }
    }

    /// Takes back (or redoes) this session's last transcript edit; false when there is none.
    pub(crate) fn undo_transcript_edit(&mut self, undo: bool) -> bool {
        let stack = if undo {
            &mut self.edits.undo
        } else {
            &mut self.edits.redo
        };
        let Some((interview, lang, snap)) = stack.pop() else {
            return false;
        };
        self.session = None;
        let r = transcript_edit::restore(&self.root, &snap, undo);
        self.session = Session::open(&self.root, &self.coder).ok();
        match r {
            Ok(()) => {
                let item = (interview.clone(), lang.clone(), snap);
                if undo {
                    self.edits.redo.push(item);
                } else {
                    self.edits.undo.push(item);
                }
                self.after_transcript_change(&interview, None, false);
                self.set_status(format!(
                    "{} the edit of {interview} ({lang}), saved",
                    if undo { "undid" } else { "redid" }
                ));
            }
            Err(e) => {
                let item = (interview, lang, snap);
                if undo {
                    self.edits.undo.push(item);
                } else {
                    self.edits.redo.push(item);
                }
                self.set_status(format!("NOT SAVED: {e}"));
            }
        }
        true
    }

    /// The transcript files of `interview` changed on disk (an edit, its undo): read them
    /// again, and every coder's codings, which moved with them; the index is told.
    /// `indexed`: the search worker has the change already.
    fn after_transcript_change(
        &mut self,
        interview: &str,
        edited: Option<(String, usize)>,
        indexed: bool,
    ) {
        if let Some(i) = self.project.interviews.get(interview) {
            let fresh = i.read_versions();
            if let Some(i) = self.project.interviews.get_mut(interview) {
                i.versions = fresh.versions;
            }
        }
        self.reload_codings();
        if let Some(ts) = self.transcript.as_mut() {
            ts.layout = None;
            ts.found = None;
            ts.anchor = None;
        }
        // The cursor stays where it was, inside the text as it now is.
        if let Some((t, ts)) = self.current() {
            let c = ts.cursor.min(t.char_len().saturating_sub(1));
            let c = t.snap(c, false);
            if let Some(ts) = self.transcript.as_mut() {
                ts.cursor = c;
            }
        }
        self.scroll_to_cursor(false);
        self.suggestions_view.list.clear();
        self.disputes_view.compared.clear();
        if indexed {
            // Results already shown may quote the old text: the query runs again.
            if !self.search.query.is_empty() {
                self.run_search();
            }
        } else {
            self.reindex(interview, edited);
        }
    }

    /// Asks for a speaker's new name (Tab: this segment only / every segment of the speaker).
    pub(crate) fn open_rename_speaker(&mut self) {
        let Some((t, ts)) = self.current() else {
            return;
        };
        let Some(k) = t.segment_at(ts.cursor) else {
            return;
        };
        let Some(from) = t.segments[k].speaker.clone() else {
            self.set_status("this segment has no speaker; Tab in the prompt names this one only");
            self.overlay = Some(Overlay::Prompt {
                kind: PromptKind::Speaker {
                    segment: k,
                    from: None,
                    all: false,
                },
                title: format!("speaker of segment {k}"),
                input: String::new(),
            });
            return;
        };
        self.overlay = Some(Overlay::Prompt {
            kind: PromptKind::Speaker {
                segment: k,
                from: Some(from.clone()),
                all: true,
            },
            title: crate::tui::popups::speaker_title(&from, true, k),
            input: from,
        });
    }

    /// Splits the segment at the cursor (the time proportional to the text).
    pub(crate) fn split_at_cursor(&mut self) {
        let Some((t, ts)) = self.current() else {
            return;
        };
        let Some(k) = t.segment_at(ts.cursor) else {
            return;
        };
        let at = ts.cursor - t.segment_span(k).start;
        let expect = t.segments[k].text.clone();
        self.apply_transcript_edit(
            Edit::Split {
                segment: k,
                at,
                time_ms: None,
            },
            Some(expect),
        );
    }

    /// Merges the segment at the cursor with the next one.
    pub(crate) fn merge_with_next(&mut self) {
        let Some((t, ts)) = self.current() else {
            return;
        };
        let Some(k) = t.segment_at(ts.cursor) else {
            return;
        };
        let expect = t.segments[k].text.clone();
        self.apply_transcript_edit(Edit::Merge { segment: k }, Some(expect));
    }
}
