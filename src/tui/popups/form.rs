//! The codebook's dialogs: a few one-line fields (parent, English and Russian names,
//! description). Tab and ↑↓ move between fields, Enter saves, Esc cancels, Ctrl-U and Ctrl-W
//! edit the field like a shell's line. A refused edit keeps the dialog open with what was
//! typed, and says why.

use crate::codebook::{slug, Code, EditError};
use crate::tui::app::*;
use crate::tui::layout::inert;
use crate::tui::popups::{delete_word_back, Overlay};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;
use std::collections::BTreeMap;

/// What a form edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    /// A new code; fields: parent, English name, Russian name, description.
    AddCode,
    /// The names and description of this code; fields: English, Russian, description.
    EditCode(String),
}

/// A form's fields: label and value.
pub type Fields = Vec<(String, String)>;

impl App {
    /// The dialog that adds a code under `parent` (empty: at the top).
    pub(crate) fn open_add_code(&mut self, parent: &str) {
        self.overlay = Some(Overlay::Form {
            kind: FormKind::AddCode,
            fields: vec![
                ("Parent (code id, empty: top level)".into(), parent.into()),
                ("English name (gives the id)".into(), String::new()),
                ("Russian name".into(), String::new()),
                ("Description".into(), String::new()),
            ],
            focus: 1,
        });
    }

    /// The dialog that edits `id`'s names and description.
    pub(crate) fn open_edit_code(&mut self, id: &str) {
        let Some(c) = self.project.codebook.as_ref().and_then(|cb| cb.find(id)) else {
            return;
        };
        let name = |l: &str| c.name.get(l).cloned().unwrap_or_default();
        self.overlay = Some(Overlay::Form {
            kind: FormKind::EditCode(id.into()),
            fields: vec![
                ("English name".into(), name("en")),
                ("Russian name".into(), name("ru")),
                ("Description".into(), c.description.clone()),
            ],
            focus: 0,
        });
    }

    pub(crate) fn form_key(
        &mut self,
        kind: FormKind,
        mut fields: Fields,
        mut focus: usize,
        k: KeyEvent,
    ) {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let n = fields.len();
        match k.code {
            KeyCode::Esc => return,
            KeyCode::Enter => {
                if !self.submit_form(&kind, &fields) {
                    self.overlay = Some(Overlay::Form {
                        kind,
                        fields,
                        focus,
                    });
                }
                return;
            }
            KeyCode::Tab | KeyCode::Down => focus = (focus + 1) % n,
            KeyCode::BackTab | KeyCode::Up => focus = (focus + n - 1) % n,
            KeyCode::Char('u') if ctrl => fields[focus].1.clear(),
            KeyCode::Char('w') if ctrl => delete_word_back(&mut fields[focus].1),
            KeyCode::Backspace => {
                fields[focus].1.pop();
            }
            KeyCode::Char(c) if !ctrl => fields[focus].1.push(c),
            _ => {}
        }
        self.overlay = Some(Overlay::Form {
            kind,
            fields,
            focus,
        });
    }

    /// Applies the form; false when the edit was refused (the form stays open).
    fn submit_form(&mut self, kind: &FormKind, fields: &Fields) -> bool {
        let value = |i: usize| fields[i].1.trim().to_string();
        match kind {
            FormKind::AddCode => {
                let (parent, en, ru, description) = (value(0), value(1), value(2), value(3));
                let part = slug(&en);
                if part.is_empty() {
                    self.set_status(
                        "the English name gives the code's id: write one with Latin letters or digits",
                    );
                    return false;
                }
                let id = if parent.is_empty() {
                    part
                } else {
                    format!("{parent}.{part}")
                };
                self.edit_codebook(|cb| {
                    let mut name = BTreeMap::from([("en".to_string(), en.clone())]);
                    if !ru.is_empty() {
                        name.insert("ru".into(), ru.clone());
                    }
                    let code = Code {
                        id: id.clone(),
                        name,
                        color: cb.distinct_colour(),
                        description: description.clone(),
                        include: String::new(),
                        exclude: String::new(),
                        examples: Vec::new(),
                        rules: BTreeMap::new(),
                        children: Vec::new(),
                    };
                    let parent = (!parent.is_empty()).then_some(parent.as_str());
                    cb.add(code, parent).map(|_| format!("added {id}"))
                })
            }
            FormKind::EditCode(id) => {
                let (en, ru, description) = (value(0), value(1), value(2));
                if en.is_empty() {
                    self.set_status("a code needs an English name");
                    return false;
                }
                self.edit_codebook(|cb| {
                    let mut names = BTreeMap::from([("en".to_string(), en.clone())]);
                    if !ru.is_empty() {
                        names.insert("ru".into(), ru.clone());
                    }
                    cb.rename(id, &names)?;
                    cb.set_description(id, &description)?;
                    Ok::<_, EditError>(format!("saved {id}"))
                })
            }
        }
    }

    pub(crate) fn draw_form(
        &self,
        f: &mut Frame,
        area: Rect,
        kind: &FormKind,
        fields: &Fields,
        focus: usize,
    ) {
        let title = match kind {
            FormKind::AddCode => {
                " new code · Tab next field · Enter save · Esc cancel ".to_string()
            }
            FormKind::EditCode(id) => {
                format!(" {} · Tab next field · Enter save · Esc cancel ", inert(id))
            }
        };
        let h = (fields.len() as u16 * 2 + 2).min(area.height);
        let r = Self::centered(area, area.width.saturating_sub(4).min(80), h);
        f.render_widget(Clear, r);
        let mut lines = Vec::new();
        for (k, (label, value)) in fields.iter().enumerate() {
            lines.push(Line::styled(label.clone(), self.dim()));
            let cursor = if k == focus { "▏" } else { "" };
            let style = if k == focus {
                Style::default().add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            };
            // The end of a long value stays in sight while typing.
            let width = r.width.saturating_sub(5) as usize;
            let shown: String = {
                let v = inert(value);
                let n = v.chars().count();
                v.chars().skip(n.saturating_sub(width)).collect()
            };
            lines.push(Line::from(vec![
                Span::raw("> "),
                Span::styled(format!("{shown}{cursor}"), style),
            ]));
        }
        f.render_widget(
            Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
            r,
        );
    }
}
