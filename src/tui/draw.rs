//! Drawing: reads the [`App`] state and renders the current view, the status bar and any
//! overlay. Only visible rows are built. Every string that comes from a file passes through
//! `inert` so transcript text can never drive the terminal.

use crate::tui::app::*;
use crate::tui::layout::inert;
use crate::tui::popups::Overlay;
use crate::tui::views::View;
use ratatui::layout::{Constraint, Layout as Split, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

/// The tab bar, the view's body and the status bar.
pub fn frame_areas(area: Rect) -> [Rect; 3] {
    Split::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

impl App {
    /// Fits the state to a screen of `area` before a frame is drawn: computes the report's
    /// counts when a change made them stale, lays the open transcript out for its width and
    /// keeps the cursor, the selected hit and the report's scroll on screen. (The only
    /// work `draw` leaves to the update side, so that `draw` changes nothing.)
    pub fn prepare(&mut self, area: Rect) {
        let [_, body, _] = frame_areas(area);
        match self.view {
            View::Report | View::Codebook => {
                self.ensure_report();
                self.report_view.scroll_max = self.report_scroll_limit(body);
                self.report_view.scroll = self.report_view.scroll.min(self.report_view.scroll_max);
            }
            View::Transcript => {
                if let Some(ts) = self.transcript.as_mut() {
                    ts.area = crate::tui::views::transcript::text_area(body);
                }
                self.scroll_to_cursor(false);
            }
            View::Retrieval => self.ensure_retrieval(),
            View::Search => {
                let visible = crate::tui::views::search::hits_visible(body);
                self.search.scroll = crate::tui::views::search::hits_scroll(
                    self.search.scroll,
                    self.search.selected,
                    visible,
                );
            }
            _ => {}
        }
    }

    /// Draws everything: a pure read of the state. `prepare` (the `Msg::Frame` step) has
    /// fitted the state to the screen before; drawn without it, the frame is still right,
    /// only slower, and a report not yet computed is left blank.
    pub fn draw(&self, f: &mut Frame) {
        let area = f.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let msg = format!(
                "intercode needs {MIN_WIDTH}x{MIN_HEIGHT}; this terminal is {}x{}",
                area.width, area.height
            );
            f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
            return;
        }
        let [tabs, body, status] = frame_areas(area);
        self.draw_tabs(f, tabs);
        // A new view: one line here.
        match self.view {
            View::Interviews => self.draw_interviews(f, body),
            View::Transcript => self.draw_transcript(f, body),
            View::Codebook => self.draw_codebook(f, body),
            View::Search => self.draw_search(f, body),
            View::Report => self.draw_report(f, body),
            View::Suggestions => self.draw_suggestions(f, body),
            View::Disagreements => self.draw_disagreements(f, body),
            View::Retrieval => self.draw_retrieval(f, body),
        }
        self.draw_status(f, status);
        match self.overlay.clone() {
            Some(Overlay::Help) => self.draw_help(f, body),
            Some(Overlay::Picker {
                query,
                selected,
                purpose,
            }) => self.draw_picker(f, body, &query, selected, &purpose),
            Some(Overlay::Prompt { title, input, .. }) => self.draw_prompt(f, body, &title, &input),
            Some(Overlay::Editor(ed)) => self.draw_editor(f, body, &ed),
            Some(Overlay::Form {
                kind,
                fields,
                focus,
            }) => self.draw_form(f, body, &kind, &fields, focus),
            Some(Overlay::Choose { ids, selected, .. }) => {
                self.draw_choose(f, body, &ids, selected)
            }
            None => {}
        }
    }

    pub(crate) fn draw_tabs(&self, f: &mut Frame, area: Rect) {
        // Every view stays reachable on a narrow screen: when the full titles do not fit,
        // the other views show only their number, then the name "intercode" goes, then the
        // current view shows only its number too.
        let width = area.width as usize;
        let title_len = |v: View| v.title().chars().count() + 2;
        let full: usize = 11 + View::ALL.iter().map(|v| title_len(*v)).sum::<usize>();
        let numbers = View::ALL.len() * 3;
        let current_len = title_len(self.view);
        let compact = full > width;
        let logo = 11 + numbers - 3 + current_len <= width || !compact;
        let current_short = numbers - 3 + current_len > width;
        let mut spans = Vec::new();
        if logo {
            spans.push(Span::styled(" intercode ", self.accent()));
        }
        for v in View::ALL {
            let current = v == self.view;
            let style = if current {
                Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
            } else {
                Style::default()
            };
            let title = if compact && (!current || current_short) {
                v.title().split(' ').next().unwrap_or_default()
            } else {
                v.title()
            };
            spans.push(Span::styled(format!(" {title} "), style));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    pub(crate) fn draw_status(&self, f: &mut Frame, area: Rect) {
        let place = self
            .transcript
            .as_ref()
            .map(|t| format!("{} {}", t.interview, t.lang))
            .unwrap_or_else(|| "-".into());
        let save = if self.session.is_none() {
            "read-only"
        } else if self.saved {
            "saved"
        } else {
            "NOT SAVED"
        };
        // What the user did last (and whether it was saved) comes before the index's state,
        // so a narrow screen cuts the index, not the message.
        let media = self
            .listen_status()
            .map(|m| format!(" {m} │"))
            .unwrap_or_default();
        let text = format!(
            " {} │ {place} │ {save} │{media} {} │ index: {}",
            inert(&self.coder),
            inert(&self.status),
            self.index_state,
        );
        let style = if self.color {
            Style::default().bg(Color::DarkGray).fg(Color::White)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        };
        f.render_widget(Paragraph::new(text).style(style), area);
    }
}
