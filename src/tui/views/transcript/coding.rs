//! Coding in the Transcript view: code the selection, remove or copy a coding to the other
//! language, undo and redo; every change is saved by the coder's session at once.

use crate::codings::{self, store::NewCoding, Coding, Origin};
use crate::tui::app::*;

impl App {
    /// Every coding at the cursor, of every coder shown: "code name (coder): memo".
    pub fn under_cursor(&self) -> Vec<String> {
        let Some((_, ts)) = self.current() else {
            return Vec::new();
        };
        let lang = if ts.lang == "ru" { "ru" } else { "en" };
        let mut out: Vec<(usize, String)> = self
            .visible_codings()
            .into_iter()
            .filter(|(_, c)| c.start <= ts.cursor && ts.cursor < c.end)
            .map(|(coder, c)| {
                let name = self
                    .project
                    .codebook
                    .as_ref()
                    .and_then(|cb| cb.find(&c.code))
                    .and_then(|code| code.name.get(lang).or_else(|| code.name.get("en")))
                    .cloned()
                    .unwrap_or_else(|| c.code.to_string());
                let memo = c.memo.split_whitespace().collect::<Vec<_>>().join(" ");
                let memo: String = memo.chars().take(60).collect();
                let text = if memo.is_empty() {
                    format!("{name} ({coder})")
                } else {
                    format!("{name} ({coder}): {memo}")
                };
                (c.end - c.start, text)
            })
            .collect();
        // The innermost first: what `x` and `m` act on.
        out.sort();
        out.into_iter().map(|(_, t)| t).collect()
    }

    pub fn apply_code(&mut self, code: &str) {
        let Some(span) = self.selection() else { return };
        let Some((_, ts)) = self.current() else {
            return;
        };
        let (interview, lang) = (ts.interview.clone(), ts.lang.clone());
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let r = session
            .add(
                &self.project,
                NewCoding {
                    interview: interview.clone(),
                    lang,
                    span,
                    code: code.to_string(),
                    memo: String::new(),
                    origin: Origin::Manual,
                    model: None,
                },
            )
            .map(|c| format!("coded {} ({}..{}), saved", c.code, c.start, c.end));
        if r.is_ok() {
            if let Some(ts) = self.transcript.as_mut() {
                ts.anchor = None;
            }
        }
        self.after_change(&interview, r);
    }

    /// Your coding `id`, in any interview: (interview, coding).
    pub(crate) fn my_coding(&self, id: &str) -> Option<(String, Coding)> {
        self.mine.iter().find_map(|(i, cs)| {
            cs.iter()
                .find(|c| c.id == id)
                .map(|c| (i.clone(), c.clone()))
        })
    }

    /// Removes your coding `id`.
    pub(crate) fn uncode(&mut self, id: &str) {
        let Some((interview, c)) = self.my_coding(id) else {
            self.set_status("no such coding of yours");
            return;
        };
        let Some(s) = self.session.as_mut() else {
            return;
        };
        let r = s
            .remove(&c.id)
            .map(|c| format!("removed {}, saved (u to undo)", c.code));
        self.after_change(&interview, r);
    }

    /// Gives your coding `id` the code `code` (span, memo and id kept; `u` undoes it).
    pub(crate) fn recode(&mut self, id: &str, code: &str) {
        let Some((interview, _)) = self.my_coding(id) else {
            self.set_status("no such coding of yours");
            return;
        };
        let Some(s) = self.session.as_mut() else {
            self.set_status("read-only session: another session holds this coder's lock");
            return;
        };
        let r = s
            .recode(&self.project, id, code)
            .map(|c| format!("recoded as {}, saved (u to undo)", c.code));
        self.after_change(&interview, r);
    }

    /// Opens the memo prompt of your coding `id`.
    pub(crate) fn open_memo(&mut self, id: &str) {
        let Some((_, c)) = self.my_coding(id) else {
            self.set_status("no such coding of yours");
            return;
        };
        self.overlay = Some(crate::tui::popups::Overlay::Prompt {
            kind: crate::tui::popups::PromptKind::Memo(c.id.clone()),
            title: format!("memo for {}", c.code),
            input: c.memo.clone(),
        });
    }

    /// Copies your coding `id` to the aligned passage of the other language.
    pub(crate) fn copy_other(&mut self, id: &str) {
        let Some((interview_id, c)) = self.my_coding(id) else {
            self.set_status("no such coding of yours");
            return;
        };
        let interview = &self.project.interviews[&interview_id];
        let r = codings::aligned_span(interview, &c.lang, &c.span()).and_then(|(lang, span)| {
            let s = self
                .session
                .as_mut()
                .ok_or_else(|| crate::Error::usage("read-only session"))?;
            s.add(
                &self.project,
                NewCoding {
                    interview: interview_id.clone(),
                    lang: lang.clone(),
                    span,
                    code: c.code.to_string(),
                    memo: c.memo.clone(),
                    origin: Origin::Copied,
                    model: None,
                },
            )
            .map(|n| {
                format!(
                    "copied {} to {lang} ({}..{}), saved",
                    n.code, n.start, n.end
                )
            })
        });
        self.after_change(&interview_id, r);
    }

    pub(crate) fn undo_redo(&mut self, undo: bool) {
        let interview = self.open_interview();
        let Some(s) = self.session.as_mut() else {
            return;
        };
        let r = if undo { s.undo() } else { s.redo() };
        let r = r.map(|what| match what {
            Some(w) => format!("{} {w}, saved", if undo { "undid:" } else { "redid:" }),
            None => format!("nothing to {}", if undo { "undo" } else { "redo" }),
        });
        // Undo may touch another interview than the open one; refresh every loaded one.
        let ids: Vec<String> = self.project.interviews.keys().cloned().collect();
        self.after_change(&interview, r);
        for id in ids {
            self.sync_mine(&id);
        }
    }
}
