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
        if here.is_empty() {
            self.set_status("no coding of yours under the cursor");
            return;
        }
        self.on_codings(what, here);
    }

    /// Runs `what` on one of `here` (your codings), asking which when there are several.
    pub(crate) fn on_codings(&mut self, what: ChooseFor, here: Vec<crate::codings::Coding>) {
        match here.len() {
            0 => self.set_status(format!(
                "no coding of yours ({}) here: switch coders with A to see yours",
                self.coder
            )),
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
            ChooseFor::Recode => {
                let code = self.my_coding(id).map(|(_, c)| c.code.to_string());
                self.overlay = Some(Overlay::Picker {
                    query: String::new(),
                    selected: 0,
                    purpose: crate::tui::popups::PickFor::Recode(id.to_string()),
                });
                if let Some(c) = code {
                    self.set_status(format!("recode {c} as: pick the new code"));
                }
            }
        }
    }

    pub(crate) fn draw_choose(&self, f: &mut Frame, area: Rect, ids: &[String], selected: usize) {
        let lines: Vec<Line> = ids
            .iter()
            .enumerate()
            .filter_map(|(k, id)| {
                let (_, c) = self.my_coding(id)?;
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
