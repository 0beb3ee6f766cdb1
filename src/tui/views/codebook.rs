//! The Codebook view: the code tree with counts; add, rename, move, merge and delete codes
//! (each an `ops` use case under the project lock).

use crate::codebook::Codebook;
use crate::codings::store::Session;
use crate::tui::app::*;
use crate::tui::keymap::Action;
use crate::tui::layout::inert;
use crate::tui::popups::{Overlay, PromptKind};
use ratatui::layout::{Constraint, Layout as Split, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// The Codebook view's state.
#[derive(Debug, Clone, Default)]
pub struct CodebookState {
    pub selected: usize,
}

impl App {
    /// Applies a codebook edit to the codebook as it is on disk now (another session may
    /// have changed it since this one read it): the edit is re-applied to the newer version,
    /// never written over it, and the view shows what is on disk.
    /// True when the edit was saved.
    pub(crate) fn edit_codebook(
        &mut self,
        f: impl FnOnce(&mut Codebook) -> Result<String, crate::codebook::EditError>,
    ) -> bool {
        let mut msg = String::new();
        let r = crate::ops::edit_codebook(&self.root, self.project.codebook.as_ref(), |cb| {
            f(cb).map(|m| msg = m)
        });
        let ok = r.is_ok();
        self.after_codebook_change(r, msg);
        ok
    }

    /// A merge rewrites every coder's files, which needs every coder's lock, ours included:
    /// our session steps aside for it and comes back.
    pub(crate) fn merge_codes(&mut self, from: &str, into: &str) {
        self.session = None;
        let r = crate::ops::merge_codes(&self.root, self.project.codebook.as_ref(), from, into);
        self.session = Session::open(&self.root, &self.coder).ok();
        let msg = match &r {
            Ok(e) => format!(
                "merged {from} into {into}; {} coding(s) reassigned",
                e.codings
            ),
            Err(_) => String::new(),
        };
        let merged = r.is_ok();
        self.after_codebook_change(r, msg);
        if merged {
            self.reload_codings();
        }
    }

    pub(crate) fn codebook_action(&mut self, a: Action) {
        let Some(cb) = &self.project.codebook else {
            return;
        };
        let codes: Vec<String> = cb.walk().iter().map(|r| r.code.id.clone()).collect();
        let n = codes.len();
        let sel = codes
            .get(self.codebook_view.selected)
            .cloned()
            .unwrap_or_default();
        if crate::tui::views::list_move(&mut self.codebook_view.selected, n, a, 10) {
            return;
        }
        match a {
            Action::Open if !sel.is_empty() => self.retrieve_code(&sel),
            Action::Add => self.open_add_code(&sel),
            Action::Rename => self.open_edit_code(&sel),
            Action::Move => {
                self.overlay = Some(Overlay::Prompt {
                    kind: PromptKind::Move(sel.clone()),
                    title: format!("move {sel} under (code id, or - for the top)"),
                    input: String::new(),
                })
            }
            Action::Merge => {
                self.overlay = Some(Overlay::Prompt {
                    kind: PromptKind::Merge(sel.clone()),
                    title: format!("merge {sel} into (code id)"),
                    input: String::new(),
                })
            }
            _ => {}
        }
    }

    pub(crate) fn draw_codebook(&self, f: &mut Frame, area: Rect) {
        let Some(cb) = &self.project.codebook else {
            f.render_widget(Paragraph::new("This project has no codebook."), area);
            return;
        };
        let [left, right] =
            Split::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
        let empty = Vec::new();
        let counts = self
            .report_view
            .data
            .as_ref()
            .map_or(&empty, |r| &r.everyone);
        let walk = cb.walk();
        let mut lines = Vec::new();
        for (i, (r, c)) in walk.iter().zip(counts).enumerate() {
            let name = r.code.name.get("en").cloned().unwrap_or_default();
            let mut style = Style::default();
            if i == self.codebook_view.selected {
                style = style.add_modifier(Modifier::REVERSED);
            }
            lines.push(Line::from(vec![
                Span::styled("█ ", self.fg(Some(&r.code.color))),
                Span::styled(
                    format!(
                        "{}{:<w$} {:>4}  {}",
                        "  ".repeat(r.depth),
                        inert(&r.code.id),
                        c.passages,
                        inert(&name),
                        w = 30usize.saturating_sub(2 * r.depth)
                    ),
                    style,
                ),
            ]));
        }
        let skip = self
            .codebook_view
            .selected
            .saturating_sub((left.height as usize).saturating_sub(3));
        let block = Block::default().borders(Borders::ALL).title(format!(
            " codes · passages of {} · a r M + ",
            inert(
                self.report_view
                    .data
                    .as_ref()
                    .map_or("", |r| r.everyone_short.as_str())
            )
        ));
        f.render_widget(
            Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).block(block),
            left,
        );
        if let Some(r) = walk.get(self.codebook_view.selected) {
            let c = r.code;
            let mut text = vec![Line::styled(inert(&c.id).into_owned(), self.accent())];
            for (l, n) in &c.name {
                text.push(Line::raw(format!("{l}: {}", inert(n))));
            }
            for (label, body) in [
                ("Description", &c.description),
                ("Include", &c.include),
                ("Exclude", &c.exclude),
            ] {
                if !body.is_empty() {
                    text.push(Line::raw(""));
                    text.push(Line::styled(
                        label,
                        Style::default().add_modifier(Modifier::BOLD),
                    ));
                    text.push(Line::raw(inert(body).into_owned()));
                }
            }
            for e in &c.examples {
                text.push(Line::raw(format!("e.g. “{}”", inert(e))));
            }
            f.render_widget(
                Paragraph::new(text)
                    .wrap(Wrap { trim: true })
                    .block(Block::default().borders(Borders::ALL)),
                right,
            );
        }
    }
}
