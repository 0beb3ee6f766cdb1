//! The Interviews view: every interview with its languages, length, your codings and the
//! participant's attributes; Enter opens one.

use crate::tui::app::*;
use crate::tui::keymap::Action;
use crate::tui::layout::inert;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// The Interviews view's state.
#[derive(Debug, Clone, Default)]
pub struct InterviewsState {
    pub selected: usize,
}

impl App {
    pub(crate) fn list_action(&mut self, a: Action) {
        let n = self.project.interviews.len();
        if crate::tui::views::list_move(&mut self.interviews_view.selected, n, a, 10) {
            return;
        }
        if a != Action::Open {
            return;
        }
        if let Some(id) = self
            .interview_ids()
            .get(self.interviews_view.selected)
            .map(|s| s.to_string())
        {
            if let Some(lang) = self.default_lang(&id) {
                self.open_transcript(&id, &lang, 0);
            }
        }
    }

    pub(crate) fn draw_interviews(&self, f: &mut Frame, area: Rect) {
        let mut lines = vec![Line::styled(
            format!(
                " {:<8} {:<7} {:>5} {:>8}  attributes",
                "id", "langs", "min", "codings"
            ),
            self.accent(),
        )];
        // Only the rows that fit are formatted: a project of 10,000 interviews would
        // otherwise format 10,000 lines on every frame.
        let skip = self
            .interviews_view
            .selected
            .saturating_sub((area.height as usize).saturating_sub(3));
        let rows = area.height as usize;
        for (k, (id, i)) in self
            .project
            .interviews
            .iter()
            .enumerate()
            .skip(skip)
            .take(rows)
        {
            let langs: Vec<&str> = i.files.keys().map(String::as_str).collect();
            // While the transcripts are still being read, their length is not known yet.
            let min = match i.versions.values().map(|t| t.duration_ms()).max() {
                Some(ms) => (ms / 60_000).to_string(),
                None => "…".to_string(),
            };
            let n = self.mine.get(id).map_or(0, Vec::len);
            let attrs: Vec<String> = i
                .attributes
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            let text = format!(
                " {:<8} {:<7} {:>5} {:>8}  {}",
                inert(id),
                langs.join(","),
                min,
                n,
                inert(&attrs.join(", "))
            );
            let style = if k == self.interviews_view.selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            lines.push(Line::styled(text, style));
        }
        let block = Block::default()
            .borders(Borders::TOP)
            .title(" Enter opens an interview · ? help ");
        f.render_widget(Paragraph::new(lines).block(block), area);
    }
}
