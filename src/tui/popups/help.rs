//! The help popup: the live keymap, scrollable.

use crate::tui::app::*;
use crate::tui::keymap::Action;
use ratatui::layout::{Constraint, Layout as Split, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

impl App {
    pub(crate) fn draw_help(&self, f: &mut Frame, area: Rect) {
        f.render_widget(Clear, area);
        let mut lines = Vec::new();
        let mut ctx = "";
        for a in Action::ALL {
            if a.context() != ctx {
                ctx = a.context();
                lines.push(Line::styled(ctx.to_uppercase(), self.accent()));
            }
            let keys = self.keymap.keys_for(*a).join(" ");
            lines.push(Line::raw(format!(" {keys:<16} {}", a.help())));
        }
        lines.push(Line::raw(""));
        lines.push(Line::raw(
            "Mouse: click places the cursor, drag selects, wheel scrolls.",
        ));
        lines.push(Line::raw(
            "Keys: keys.json in your config folder (see README).",
        ));
        let block = Block::default()
            .borders(Borders::ALL)
            .title(" help · ↑↓ scroll · any other key closes ");
        let inner = block.inner(area);
        f.render_widget(block, area);
        // Two columns when both fit whole, scrolled together.
        let longest = lines.iter().map(|l| l.width()).max().unwrap_or(0);
        let cols = if inner.width as usize >= 2 * (longest + 1) {
            2
        } else {
            1
        };
        let per_col = (lines.len().div_ceil(cols)).max(1);
        let scroll = self
            .help_view
            .scroll
            .min(per_col.saturating_sub(inner.height as usize));
        let areas = Split::horizontal(vec![Constraint::Ratio(1, cols as u32); cols]).split(inner);
        for (k, col_area) in areas.iter().enumerate() {
            let part: Vec<Line> = lines
                .iter()
                .skip(k * per_col)
                .take(per_col)
                .skip(scroll)
                .cloned()
                .collect();
            f.render_widget(Paragraph::new(part), *col_area);
        }
    }
}
