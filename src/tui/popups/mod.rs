//! Popups over a view: help, the code picker and one-line prompts. What is open is an
//! [`Overlay`]; its keys go to `overlay_key` before any view sees them.

use crate::tui::app::*;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

mod choose;
mod editor;
mod form;
mod help;
mod picker;
mod prompt;
pub use editor::Editor;
pub use form::{Fields, FormKind};
pub use picker::fuzzy_score;

/// What a one-line prompt is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    Memo(String),
    /// Find in the transcript; true: exact text.
    Find(bool),
    Move(String),
    Merge(String),
    RetrievalFilter,
    SuggestionsFilter,
    /// A speaker's new name: for every segment of `from` (`all`), or segment `segment` only.
    Speaker {
        segment: usize,
        from: Option<String>,
        all: bool,
    },
}

/// What a code picked in the picker is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickFor {
    /// Code the selection in the transcript.
    Code,
    /// Give your coding (this id) the picked code instead.
    Recode(String),
    /// Show the picked code's passages in the Retrieval view.
    Retrieve,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help,
    /// The code picker: query and the highlighted row.
    Picker {
        query: String,
        selected: usize,
        purpose: PickFor,
    },
    Prompt {
        kind: PromptKind,
        title: String,
        input: String,
    },
    /// The inline editor of a segment's text.
    Editor(Editor),
    /// A dialog of several fields (the codebook's add and edit).
    Form {
        kind: FormKind,
        fields: Fields,
        focus: usize,
    },
    /// Which of several codings under the cursor an action is for.
    Choose {
        what: ChooseFor,
        ids: Vec<String>,
        selected: usize,
    },
}

/// What the chosen coding is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChooseFor {
    Uncode,
    Memo,
    CopyOther,
    Recode,
}
/// The speaker prompt's title, saying what is renamed and how to switch.
pub fn speaker_title(from: &str, all: bool, segment: usize) -> String {
    if all {
        format!("rename {from} in every segment (Tab: segment {segment} only)")
    } else {
        format!("rename {from} in segment {segment} only (Tab: every segment)")
    }
}

/// The find prompt's title, saying how it matches and how to switch.
pub fn find_title(exact: bool) -> String {
    if exact {
        "find exact text (Tab: words, as Search)".into()
    } else {
        "find words as Search does: stems, ё, both scripts (Tab: exact text)".into()
    }
}

/// Deletes the word before the end of a one-line input, and the spaces after it (Ctrl-W).
pub fn delete_word_back(input: &mut String) {
    let trimmed = input.trim_end().len();
    input.truncate(trimmed);
    let start = input
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    input.truncate(start);
}

/// The help popup's state.
#[derive(Debug, Clone, Default)]
pub struct HelpState {
    pub scroll: usize,
}

impl App {
    pub(crate) fn overlay_key(&mut self, overlay: Overlay, k: KeyEvent) {
        match overlay {
            Overlay::Help => match k.code {
                KeyCode::Down | KeyCode::Char('j') | KeyCode::PageDown => {
                    self.help_view.scroll += if k.code == KeyCode::PageDown { 10 } else { 1 };
                    self.overlay = Some(Overlay::Help);
                }
                KeyCode::Up | KeyCode::Char('k') | KeyCode::PageUp => {
                    self.help_view.scroll = self
                        .help_view
                        .scroll
                        .saturating_sub(if k.code == KeyCode::PageUp { 10 } else { 1 });
                    self.overlay = Some(Overlay::Help);
                }
                _ => self.help_view.scroll = 0, // any other key closes the help
            },
            Overlay::Editor(ed) => self.editor_key(ed, k),
            Overlay::Form {
                kind,
                fields,
                focus,
            } => self.form_key(kind, fields, focus, k),
            Overlay::Choose {
                what,
                ids,
                mut selected,
            } => {
                match k.code {
                    KeyCode::Esc => return,
                    KeyCode::Enter => {
                        if let Some(id) = ids.get(selected).cloned() {
                            self.do_on_coding(what, &id);
                        }
                        return;
                    }
                    KeyCode::Up | KeyCode::Char('k') => selected = selected.saturating_sub(1),
                    KeyCode::Down | KeyCode::Char('j') => {
                        selected = (selected + 1).min(ids.len().saturating_sub(1))
                    }
                    _ => {}
                }
                self.overlay = Some(Overlay::Choose {
                    what,
                    ids,
                    selected,
                });
            }
            Overlay::Picker {
                mut query,
                mut selected,
                purpose,
            } => {
                let n = self.picker_matches(&query).len();
                match k.code {
                    KeyCode::Esc => return,
                    KeyCode::Enter => {
                        if let Some(code) = self
                            .picker_matches(&query)
                            .get(selected)
                            .map(|c| c.id.clone())
                        {
                            match purpose {
                                PickFor::Code => self.apply_code(&code),
                                PickFor::Recode(id) => self.recode(&id, &code),
                                PickFor::Retrieve => self.retrieve_code(&code),
                            }
                        }
                        return;
                    }
                    KeyCode::Up => selected = selected.saturating_sub(1),
                    KeyCode::Down | KeyCode::Tab => {
                        selected = (selected + 1).min(n.saturating_sub(1))
                    }
                    KeyCode::Backspace => {
                        query.pop();
                        selected = 0;
                    }
                    KeyCode::Char(c) => {
                        query.push(c);
                        selected = 0;
                    }
                    _ => {}
                }
                self.overlay = Some(Overlay::Picker {
                    query,
                    selected,
                    purpose,
                });
            }
            Overlay::Prompt {
                kind,
                title,
                mut input,
            } => match k.code {
                KeyCode::Esc => {}
                KeyCode::Enter => self.submit_prompt(kind, input),
                KeyCode::Tab if matches!(kind, PromptKind::Speaker { from: Some(_), .. }) => {
                    if let PromptKind::Speaker {
                        segment,
                        from: Some(from),
                        all,
                    } = kind
                    {
                        self.overlay = Some(Overlay::Prompt {
                            title: speaker_title(&from, !all, segment),
                            kind: PromptKind::Speaker {
                                segment,
                                from: Some(from),
                                all: !all,
                            },
                            input,
                        });
                    }
                }
                KeyCode::Tab if matches!(kind, PromptKind::Find(_)) => {
                    let exact = !matches!(kind, PromptKind::Find(true));
                    self.overlay = Some(Overlay::Prompt {
                        kind: PromptKind::Find(exact),
                        title: find_title(exact),
                        input,
                    });
                }
                KeyCode::Char('u') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.overlay = Some(Overlay::Prompt {
                        kind,
                        title,
                        input: String::new(),
                    });
                }
                KeyCode::Char('w') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    crate::tui::popups::delete_word_back(&mut input);
                    self.overlay = Some(Overlay::Prompt { kind, title, input });
                }
                KeyCode::Backspace => {
                    input.pop();
                    self.overlay = Some(Overlay::Prompt { kind, title, input });
                }
                KeyCode::Char(c) => {
                    input.push(c);
                    self.overlay = Some(Overlay::Prompt { kind, title, input });
                }
                _ => self.overlay = Some(Overlay::Prompt { kind, title, input }),
            },
        }
    }

    pub(crate) fn submit_prompt(&mut self, kind: PromptKind, input: String) {
        match kind {
            PromptKind::RetrievalFilter => self.set_retrieval_filter(&input),
            PromptKind::Speaker { segment, from, all } => {
                let edit = crate::ops::transcript_edit::Edit::Speaker {
                    segment: (!all).then_some(segment),
                    from: if all { from } else { None },
                    to: input.trim().to_string(),
                };
                self.apply_transcript_edit(edit, None);
            }
            PromptKind::SuggestionsFilter => self.set_suggestions_filter(&input),
            PromptKind::Memo(id) => {
                let Some((interview, _)) = self.my_coding(&id) else {
                    return;
                };
                let Some(s) = self.session.as_mut() else {
                    return;
                };
                let r = s
                    .set_memo(&id, input.trim())
                    .map(|c| format!("memo saved on {}", c.code));
                self.after_change(&interview, r);
            }
            PromptKind::Find(exact) => {
                if let Some(ts) = self.transcript.as_mut() {
                    ts.find = Some(input);
                    ts.find_exact = exact;
                }
                self.find(true);
            }
            PromptKind::Move(id) => {
                self.edit_codebook(|cb| {
                    let parent = input.trim();
                    let parent = (!parent.is_empty() && parent != "-").then_some(parent);
                    cb.move_code(&id, parent).map(|_| format!("moved {id}"))
                });
            }
            PromptKind::Merge(from) => self.merge_codes(&from, input.trim()),
        }
    }

    pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
        let w = w.min(area.width);
        let h = h.min(area.height);
        Rect {
            x: area.x + (area.width - w) / 2,
            y: area.y + (area.height - h) / 2,
            width: w,
            height: h,
        }
    }
}
