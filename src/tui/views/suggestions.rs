//! The Suggestions view: rule-based suggestions not yet accepted or rejected.

use crate::autocode::Suggestion;
use crate::autocode::{self};
use crate::tui::app::*;
use crate::tui::keymap::Action;
use crate::tui::layout::{inert, wrap_str};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// The Suggestions view's state: the open suggestions and the highlighted one.
#[derive(Debug, Clone, Default)]
pub struct SuggestionsState {
    pub list: Vec<Suggestion>,
    pub selected: usize,
}

impl App {
    pub fn refresh_suggestions(&mut self) {
        let Some(cb) = &self.project.codebook else {
            return;
        };
        match autocode::compile(cb) {
            Ok(rules) => {
                let mine = self
                    .mine
                    .iter()
                    .flat_map(|(i, v)| v.iter().map(move |c| (i.as_str(), c)));
                let pending = autocode::pending(
                    &self.root,
                    &self.coder,
                    autocode::suggest(&self.whole_project(), &rules),
                    mine,
                );
                self.suggestions_view.list = pending.open().cloned().collect();
                self.suggestions_view.selected = 0;
            }
            Err(e) => self.set_status(e.to_string()),
        }
    }

    pub(crate) fn suggestions_action(&mut self, a: Action) {
        let n = self.suggestions_view.list.len();
        match a {
            Action::Up => {
                self.suggestions_view.selected = self.suggestions_view.selected.saturating_sub(1)
            }
            Action::Down => {
                self.suggestions_view.selected =
                    (self.suggestions_view.selected + 1).min(n.saturating_sub(1))
            }
            Action::PageDown => {
                self.suggestions_view.selected =
                    (self.suggestions_view.selected + 10).min(n.saturating_sub(1))
            }
            Action::PageUp => {
                self.suggestions_view.selected = self.suggestions_view.selected.saturating_sub(10)
            }
            Action::Open => {
                if self.suggestions_view.selected >= n {
                    return;
                }
                let s = self.suggestions_view.list[self.suggestions_view.selected].clone();
                self.ensure_loaded(&s.interview);
                let Some(session) = self.session.as_mut() else {
                    self.set_status("read-only session");
                    return;
                };
                let r = session
                    .add(&self.project, s.accepted())
                    .map(|c| format!("accepted {} in {} ({}), saved", c.code, s.interview, s.lang));
                if r.is_ok() {
                    self.suggestions_view
                        .list
                        .remove(self.suggestions_view.selected);
                }
                self.after_change(&s.interview, r);
                self.suggestions_view.selected = self
                    .suggestions_view
                    .selected
                    .min(self.suggestions_view.list.len().saturating_sub(1));
            }
            Action::Reject if self.suggestions_view.selected < n => {
                if let Err(e) = autocode::reject(
                    &self.root,
                    &self.coder,
                    &self.suggestions_view.list[self.suggestions_view.selected],
                ) {
                    self.set_status(format!("NOT SAVED: {e}"));
                    return;
                }
                let s = self
                    .suggestions_view
                    .list
                    .remove(self.suggestions_view.selected);
                self.set_status(format!("rejected {} in {}, saved", s.code, s.interview));
                self.suggestions_view.selected = self
                    .suggestions_view
                    .selected
                    .min(self.suggestions_view.list.len().saturating_sub(1));
            }
            _ => {}
        }
    }

    pub(crate) fn draw_suggestions(&self, f: &mut Frame, area: Rect) {
        let block = Block::default().borders(Borders::ALL).title(format!(
            " {} suggestion(s) from the codebook's rules · Enter accept · d reject ",
            self.suggestions_view.list.len()
        ));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let per = 2usize;
        let visible = (inner.height as usize / per).max(1);
        let skip = self
            .suggestions_view
            .selected
            .saturating_sub(visible.saturating_sub(1));
        let mut lines = Vec::new();
        for (k, s) in self
            .suggestions_view
            .list
            .iter()
            .enumerate()
            .skip(skip)
            .take(visible)
        {
            let style = if k == self.suggestions_view.selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            lines.push(Line::from(vec![
                Span::styled("█ ", self.fg(self.code_color(&s.code))),
                Span::styled(
                    format!(
                        "{} {} seg {:<4} {:<26} rule {} (“{}”)",
                        s.interview,
                        s.lang,
                        s.segment,
                        s.code,
                        inert(&s.rule),
                        inert(&s.matched)
                    ),
                    style,
                ),
            ]));
            let text = self
                .project
                .interviews
                .get(&s.interview)
                .and_then(|i| i.versions.get(&s.lang))
                .map(|t| t.segments[s.segment].text.clone())
                .unwrap_or_default();
            let first = wrap_str(&text, inner.width.saturating_sub(4) as usize)
                .into_iter()
                .next()
                .unwrap_or_default();
            lines.push(Line::styled(format!("   {}", inert(&first)), self.dim()));
        }
        if self.suggestions_view.list.is_empty() {
            lines.push(Line::raw(
                "No suggestions left: every rule match is coded or rejected.",
            ));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
}
