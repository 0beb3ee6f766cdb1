//! Colours and emphasis, in one place; `NO_COLOR` turns colour off everywhere.

use crate::tui::app::*;
use ratatui::style::{Color, Modifier, Style};

pub(crate) fn hex(c: &str) -> Option<Color> {
    let c = c.strip_prefix('#')?;
    let v = u32::from_str_radix(c, 16).ok()?;
    Some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8))
}
impl App {
    pub(crate) fn fg(&self, color: Option<&str>) -> Style {
        match (self.color, color.and_then(hex)) {
            (true, Some(c)) => Style::default().fg(c),
            _ => Style::default(),
        }
    }

    pub(crate) fn accent(&self) -> Style {
        if self.color {
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }

    /// The text the last find matched.
    pub(crate) fn found(&self, style: Style) -> Style {
        if self.color {
            style.bg(Color::Yellow).fg(Color::Black)
        } else {
            style.add_modifier(Modifier::BOLD | Modifier::ITALIC)
        }
    }

    pub(crate) fn dim(&self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default()
        }
    }
}
