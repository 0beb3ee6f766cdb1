//! A one-line prompt (memo, find, code names).

use crate::tui::app::*;
use crate::tui::layout::inert;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

impl App {
    pub(crate) fn draw_prompt(&self, f: &mut Frame, area: Rect, title: &str, input: &str) {
        let r = Self::centered(area, 70, 3);
        f.render_widget(Clear, r);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" {} · Enter · Esc ", inert(title)));
        f.render_widget(Paragraph::new(format!("{}▏", inert(input))).block(block), r);
    }
}
