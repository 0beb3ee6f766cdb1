//! "Which coding?": when several of your codings lie under the cursor, `x`, `m` and `y` ask
//! which one they are for instead of taking one silently.

use crate::tui::app::*;
use crate::tui::layout::inert;
use crate::tui::popups::{ChooseFor, Overlay};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

impl App {
    /// Your codings under the cursor, innermost first.
    pub fn mine_under_cursor(&self) -> Vec<crate::codings::Coding> {
        let Some((_, ts)) = self.current() else {
            return Vec::new();
        };
        let mut v: Vec<crate::codings::Coding> = self
            .mine
            .get(&ts.interview)
            .map(|cs| {
                cs.iter()
                    .filter(|c| c.lang == ts.lang && c.start <= ts.cursor && ts.cursor < c.end)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        v.sort_by_key(|c| (c.end - c.start, c.start));
        v
    }

    /// Runs `what` on your coding under the cursor, asking which when there are several.
    pub(crate) fn on_coding(&mut self, what: ChooseFor) {
        let here = self.mine_under_cursor();
        match here.len() {
            0 => self.set_status("no coding of yours under the cursor"),
            1 => self.do_on_coding(what, &here[0].id),
            _ => {
                self.overlay = Some(Overlay::Choose {
                    what,
                    ids: here.iter().map(|c| c.id.clone()).collect(),
                    selected: 0,
                })
            }
        }
    }

    pub(crate) fn do_on_coding(&mut self, what: ChooseFor, id: &str) {
        match what {
            ChooseFor::Uncode => self.uncode(id),
            ChooseFor::Memo => self.open_memo(id),
            ChooseFor::CopyOther => self.copy_other(id),
        }
    }

    pub(crate) fn draw_choose(&self, f: &mut Frame, area: Rect, ids: &[String], selected: usize) {
        let here = self.mine_under_cursor();
        let lines: Vec<Line> = ids
            .iter()
            .enumerate()
            .filter_map(|(k, id)| {
                let c = here.iter().find(|c| &c.id == id)?;
                let quote: String = c.quote.text().unwrap_or("").chars().take(50).collect();
                let text = format!(" {} ({}..{}) “{}”", c.code, c.start, c.end, quote);
                let style = if k == selected {
                    Style::default().add_modifier(Modifier::REVERSED)
                } else {
                    Style::default()
                };
                Some(Line::styled(inert(&text).into_owned(), style))
            })
            .collect();
        let h = (lines.len() as u16 + 2).min(area.height);
        let r = Self::centered(area, area.width.saturating_sub(4).min(90), h);
        f.render_widget(Clear, r);
        f.render_widget(
            Paragraph::new(lines).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" which coding? ↑↓ · Enter · Esc "),
            ),
            r,
        );
    }
}
