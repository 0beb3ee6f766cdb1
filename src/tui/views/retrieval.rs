//! The Retrieval view: every passage of one code across the interviews (NVivo's node view,
//! MAXQDA's retrieved segments), or with `9` every passage that carries a memo, for a chosen
//! coder set, language and participant attribute. Each passage shows its interview, time or
//! line, speaker, coders, the text in both languages and the memos. Enter jumps to it; `m`,
//! `x` and `c` edit the memo of, remove or recode your coding in it (asking which when there
//! are several); `e` exports exactly the list shown (see `report::retrieve`).

use crate::codings::Coding;
use crate::report::retrieve::{self, Query, Retrieval, Retrieved};
use crate::tui::app::*;
use crate::tui::keymap::Action;
use crate::tui::layout::{first_shown, inert, wrap_str};
use crate::tui::popups::{ChooseFor, Overlay, PickFor, PromptKind};
use crate::tui::views::View;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// Whose codings the list shows (`A` cycles).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Whose {
    /// The project's default set (the consensus once disagreements are decided).
    #[default]
    Default,
    /// Only this session's coder.
    Mine,
    /// Every coder's codings as one set.
    Everyone,
}

/// The Retrieval view's state.
#[derive(Debug, Clone, Default)]
pub struct RetrievalState {
    pub query: Query,
    pub whose: Whose,
    /// The passages found (or why none could be), computed when a frame needs them.
    pub data: Option<Result<Retrieval, String>>,
    pub selected: usize,
}

/// What a row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Row {
    Heading,
    Text,
    Memo,
}

/// The rows of one passage in a list `width` columns wide.
fn passage_lines(r: &Retrieved, width: usize) -> Vec<(String, Row)> {
    let q = &r.quote;
    let mut head = format!("{} · {}", q.interview, q.time);
    if !r.speaker.is_empty() {
        head.push_str(&format!(" · {}", r.speaker));
    }
    head.push_str(&format!(" · {} · {}", q.coders.join(", "), q.code));
    let mut out = vec![(head, Row::Heading)];
    let text_w = width.saturating_sub(5).max(10);
    let mut texts = vec![(q.lang.as_str(), q.text.as_str())];
    if let (Some(l), Some(t)) = (&q.other_lang, &q.other_text) {
        texts.push((l, t));
    }
    for (lang, text) in texts {
        for (k, l) in wrap_str(text, text_w).into_iter().enumerate() {
            let lead = if k == 0 {
                format!("  {lang:<3}")
            } else {
                "     ".into()
            };
            out.push((format!("{lead}{l}"), Row::Text));
        }
    }
    // A memo copied with its coding to the other language is shown once.
    let mut memos: Vec<(&str, String)> = r
        .parts
        .iter()
        .filter(|p| !p.memo.trim().is_empty())
        .map(|p| {
            (
                p.coder.as_str(),
                p.memo.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .collect();
    memos.sort();
    memos.dedup();
    for (coder, memo) in memos {
        for (k, l) in wrap_str(&format!("{coder}: {memo}"), text_w)
            .into_iter()
            .enumerate()
        {
            let lead = if k == 0 { "  ✎  " } else { "     " };
            out.push((format!("{lead}{l}"), Row::Memo));
        }
    }
    out.push((String::new(), Row::Text));
    out
}

impl App {
    /// Opens the Retrieval view on `code`.
    pub fn retrieve_code(&mut self, code: &str) {
        let v = &mut self.retrieval_view;
        v.query.code = Some(code.to_string());
        v.query.memos_only = false;
        v.data = None;
        v.selected = 0;
        self.switch(View::Retrieval);
    }

    /// Opens the Retrieval view on every passage with a memo.
    pub fn retrieve_memos(&mut self) {
        let v = &mut self.retrieval_view;
        v.query.code = None;
        v.query.memos_only = true;
        v.data = None;
        v.selected = 0;
        self.switch(View::Retrieval);
    }

    /// Computes the list when a change made it stale (called before a frame).
    pub(crate) fn ensure_retrieval(&mut self) {
        if self.retrieval_view.data.is_some() {
            return;
        }
        let v = &self.retrieval_view;
        if v.query.code.is_none() && !v.query.memos_only {
            return;
        }
        let mut q = v.query.clone();
        (q.coders, q.all_coders) = match v.whose {
            Whose::Default => (Vec::new(), false),
            Whose::Mine => (vec![self.coder.clone()], false),
            Whose::Everyone => (Vec::new(), true),
        };
        let all = self.all_codings(true);
        let r = retrieve::retrieve(&self.whole_project(), &all, &q).map_err(|e| e.to_string());
        let n = r.as_ref().map_or(0, |r| r.items.len());
        let v = &mut self.retrieval_view;
        v.selected = v.selected.min(n.saturating_sub(1));
        v.data = Some(r);
    }

    fn retrieved(&self) -> Option<&Retrieved> {
        let v = &self.retrieval_view;
        v.data.as_ref()?.as_ref().ok()?.items.get(v.selected)
    }

    /// Your codings in the selected passage.
    fn mine_in_selected(&self) -> Vec<Coding> {
        let Some(r) = self.retrieved() else {
            return Vec::new();
        };
        r.parts
            .iter()
            .filter(|p| p.coder == self.coder)
            .filter_map(|p| self.my_coding(&p.id).map(|(_, c)| c))
            .collect()
    }

    pub(crate) fn retrieval_action(&mut self, a: Action) {
        let n = match &self.retrieval_view.data {
            Some(Ok(r)) => r.items.len(),
            _ => 0,
        };
        let v = &mut self.retrieval_view;
        if crate::tui::views::list_move(&mut v.selected, n, a, 5) {
            return;
        }
        match a {
            Action::Find => {
                self.overlay = Some(Overlay::Picker {
                    query: String::new(),
                    selected: 0,
                    purpose: PickFor::Retrieve,
                })
            }
            Action::AllCoders => {
                v.whose = match v.whose {
                    Whose::Default => Whose::Mine,
                    Whose::Mine => Whose::Everyone,
                    Whose::Everyone => Whose::Default,
                };
                v.data = None;
            }
            Action::SwitchLang => {
                let langs: Vec<String> = self
                    .project
                    .interviews
                    .values()
                    .flat_map(|i| i.files.keys().cloned())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let v = &mut self.retrieval_view;
                v.query.lang = match &v.query.lang {
                    None => langs.first().cloned(),
                    Some(l) => langs.iter().skip_while(|x| *x != l).nth(1).cloned(),
                };
                v.data = None;
            }
            Action::Filter => {
                let input = v
                    .query
                    .attribute
                    .as_ref()
                    .map(|(k, v)| format!("{k}={v}"))
                    .unwrap_or_default();
                self.overlay = Some(Overlay::Prompt {
                    kind: PromptKind::RetrievalFilter,
                    title: "only participants with attribute=value (empty: all)".into(),
                    input,
                });
            }
            Action::Export => self.export_retrieval(),
            Action::Undo => self.undo_redo(true),
            Action::Redo => self.undo_redo(false),
            Action::Open => {
                let Some(q) = self.retrieved().map(|r| r.quote.clone()) else {
                    return;
                };
                self.ensure_loaded(&q.interview);
                self.show_others = true;
                self.open_transcript(&q.interview, &q.lang, q.start);
            }
            Action::Memo => {
                let mine = self.mine_in_selected();
                self.on_codings(ChooseFor::Memo, mine);
            }
            Action::Uncode => {
                let mine = self.mine_in_selected();
                self.on_codings(ChooseFor::Uncode, mine);
            }
            Action::Code | Action::Recode => {
                let mine = self.mine_in_selected();
                self.on_codings(ChooseFor::Recode, mine);
            }
            _ => {}
        }
    }

    /// Sets the attribute filter from the prompt's `key=value` (empty clears it).
    pub(crate) fn set_retrieval_filter(&mut self, input: &str) {
        let input = input.trim();
        let attr = if input.is_empty() {
            None
        } else {
            match input.split_once('=') {
                Some((k, v)) if !k.trim().is_empty() => {
                    Some((k.trim().to_string(), v.trim().to_string()))
                }
                _ => {
                    self.set_status(format!(
                        "`{input}`: write attribute=value, e.g. gender=female"
                    ));
                    return;
                }
            }
        };
        let v = &mut self.retrieval_view;
        v.query.attribute = attr;
        v.data = None;
        v.selected = 0;
    }

    /// Writes the list shown to `exports/<code>.md` and `.csv` in the project.
    fn export_retrieval(&mut self) {
        let Some(Ok(r)) = &self.retrieval_view.data else {
            self.set_status("nothing to export: pick a code with /");
            return;
        };
        let dir = self.root.join("exports");
        let mut written = Vec::new();
        for (fmt, ext) in [
            (crate::report::render::Format::Md, "md"),
            (crate::report::render::Format::Csv, "csv"),
        ] {
            let path = dir.join(format!("{}.{ext}", r.key));
            let res = retrieve::render(r, fmt).and_then(|text| {
                std::fs::create_dir_all(&dir).map_err(|e| crate::Error::io(&dir, e))?;
                crate::fsutil::write_atomic(&path, text.as_bytes())
            });
            match res {
                Ok(()) => written.push(format!("exports/{}.{ext}", r.key)),
                Err(e) => {
                    self.set_status(format!("NOT EXPORTED: {e}"));
                    return;
                }
            }
        }
        let n = r.items.len();
        self.set_status(format!(
            "exported {n} passage(s) to {}",
            written.join(" and ")
        ));
    }

    pub(crate) fn draw_retrieval(&self, f: &mut Frame, area: Rect) {
        let v = &self.retrieval_view;
        let whose = match v.whose {
            Whose::Default => "default coders".to_string(),
            Whose::Mine => format!("only {}", self.coder),
            Whose::Everyone => "all coders".into(),
        };
        let what = match (&v.query.code, v.query.memos_only) {
            (Some(c), _) => c.clone(),
            (None, true) => "memos".into(),
            (None, false) => "-".into(),
        };
        let mut filters = vec![whose];
        if let Some(l) = &v.query.lang {
            filters.push(format!("{l} only"));
        }
        if let Some((k, val)) = &v.query.attribute {
            filters.push(format!("{k}={val}"));
        }
        let n = match &v.data {
            Some(Ok(r)) => r.items.len().to_string(),
            _ => "-".into(),
        };
        let mut title = format!(
            " {} · {n} passage(s) · {} ",
            inert(&what),
            inert(&filters.join(", "))
        );
        // The keys are said when they fit; the count never gives way to them.
        let keys = "· / code · A coders · L language · f filter · e export ";
        if title.chars().count() + keys.chars().count() + 2 <= area.width as usize {
            title.push_str(keys);
        }
        let block = Block::default().borders(Borders::ALL).title(title);
        let inner = block.inner(area);
        f.render_widget(block, area);
        let (w, h) = (inner.width as usize, inner.height as usize);
        let items = match &v.data {
            None if v.query.code.is_none() && !v.query.memos_only => {
                let msg = "Press / to pick a code, 9 for every memo, or Enter on a code in the Codebook view.";
                f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), inner);
                return;
            }
            None => return,
            Some(Err(e)) => {
                f.render_widget(
                    Paragraph::new(inert(e).into_owned()).wrap(Wrap { trim: true }),
                    inner,
                );
                return;
            }
            Some(Ok(r)) if r.items.is_empty() => {
                f.render_widget(Paragraph::new("No passages."), inner);
                return;
            }
            Some(Ok(r)) => &r.items,
        };
        let sel = v.selected.min(items.len() - 1);
        let first = first_shown(sel, h, |k| passage_lines(&items[k], w).len());
        let mut lines = Vec::new();
        for (k, r) in items.iter().enumerate().skip(first) {
            if lines.len() >= h {
                break;
            }
            for (text, row) in passage_lines(r, w) {
                let style = match (row, k == sel) {
                    (Row::Heading, true) => {
                        Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
                    }
                    (Row::Heading, false) => Style::default().add_modifier(Modifier::BOLD),
                    (Row::Memo, _) => self.accent(),
                    (Row::Text, _) => Style::default(),
                };
                lines.push(Line::styled(inert(&text).into_owned(), style));
            }
        }
        lines.truncate(h);
        f.render_widget(Paragraph::new(lines), inner);
    }
}
