//! The Suggestions view: the codebook rules' suggestions and those learned from the coders'
//! codings (trained on another thread, added when ready), not yet accepted or rejected,
//! interviewers' turns left out; `f` narrows the list by code, interview, speaker and
//! language.

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

/// The Suggestions view's state: the open suggestions, the filter, those it shows and the
/// highlighted one.
#[derive(Debug, Default)]
pub struct SuggestionsState {
    pub list: Vec<Suggestion>,
    pub filter: SuggestFilter,
    /// Positions in `list` that the filter keeps.
    pub shown: Vec<usize>,
    /// A position in `shown`.
    pub selected: usize,
    /// The learned model being trained, and then its name and how many passages it learned
    /// from.
    pub learning: Option<std::sync::mpsc::Receiver<crate::Result<crate::learn::Learned>>>,
    pub model: Option<(String, usize)>,
}

/// What the list is narrowed to: `code:fear interview:P01 speaker:Katya lang:ru`, each term
/// optional; a bare word is a code. A code keeps its sub-codes; the others match whole
/// values, speakers without regard to case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SuggestFilter {
    pub code: Option<String>,
    pub interview: Option<String>,
    pub speaker: Option<String>,
    pub lang: Option<String>,
}

impl SuggestFilter {
    pub fn parse(text: &str) -> Result<SuggestFilter, String> {
        let mut f = SuggestFilter::default();
        for term in text.split_whitespace() {
            let (k, v) = term.split_once(':').unwrap_or(("code", term));
            let slot = match k {
                "code" => &mut f.code,
                "interview" => &mut f.interview,
                "speaker" => &mut f.speaker,
                "lang" => &mut f.lang,
                _ => {
                    return Err(format!(
                        "`{k}:`: filter by code:, interview:, speaker: or lang:"
                    ))
                }
            };
            *slot = Some(v.to_string());
        }
        Ok(f)
    }

    pub fn keeps(&self, s: &Suggestion) -> bool {
        let code = self.code.as_deref().is_none_or(|c| {
            s.code == c || s.code.strip_prefix(c).is_some_and(|r| r.starts_with('.'))
        });
        let speaker = self.speaker.as_deref().is_none_or(|w| {
            s.speaker
                .as_deref()
                .is_some_and(|x| x.to_lowercase() == w.to_lowercase())
        });
        code && speaker
            && self.interview.as_deref().is_none_or(|i| s.interview == i)
            && self.lang.as_deref().is_none_or(|l| s.lang == l)
    }

    pub fn describe(&self) -> String {
        [
            ("code", &self.code),
            ("interview", &self.interview),
            ("speaker", &self.speaker),
            ("lang", &self.lang),
        ]
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}:{v}")))
        .collect::<Vec<_>>()
        .join(" ")
    }
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
                self.refilter_suggestions();
                self.start_learning();
            }
            Err(e) => self.set_status(e.to_string()),
        }
    }

    /// Trains the learned model on another thread (the list shows the rules' suggestions
    /// meanwhile): every human coder's codings, this coder's rejections as negatives.
    fn start_learning(&mut self) {
        let project = self.whole_project().into_owned();
        let all = self.all_codings(true);
        let coders = crate::report::passages::independent_coders(&all);
        if coders.is_empty() {
            return;
        }
        let rejected = autocode::rejected(&self.root, &self.coder);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let ask = crate::learn::Ask {
                coders: &coders,
                rejected: Some(&rejected),
                ..Default::default()
            };
            let _ = tx.send(crate::learn::learn(&project, &all, &ask));
        });
        self.suggestions_view.learning = Some(rx);
        self.suggestions_view.model = None;
    }

    /// Waits (up to a minute) for the learned suggestions and takes them in: for tests and
    /// benchmarks, which need the screen settled.
    pub fn wait_for_learning(&mut self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while self.suggestions_view.learning.is_some() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
            self.poll_learning();
        }
    }

    /// Takes the learned suggestions in when the model is ready (on each tick), beside the
    /// rules' (in transcript order), leaving out what this coder coded or rejected.
    pub(crate) fn poll_learning(&mut self) {
        let Some(rx) = &self.suggestions_view.learning else {
            return;
        };
        let learned = match rx.try_recv() {
            Ok(r) => r,
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            Err(_) => {
                self.suggestions_view.learning = None;
                return;
            }
        };
        self.suggestions_view.learning = None;
        let learned = match learned {
            Ok(l) => l,
            Err(e) => {
                self.set_status(format!("learned suggestions: {e}"));
                return;
            }
        };
        let mine = self
            .mine
            .iter()
            .flat_map(|(i, v)| v.iter().map(move |c| (i.as_str(), c)));
        let pending = autocode::pending(&self.root, &self.coder, learned.suggestions, mine);
        let v = &mut self.suggestions_view;
        let keep = v.shown.get(v.selected).map(|&k| v.list[k].clone());
        v.list.extend(pending.open().cloned());
        v.list.sort_by(|a, b| {
            (&a.interview, a.segment, &a.lang, a.model.is_some(), &a.code).cmp(&(
                &b.interview,
                b.segment,
                &b.lang,
                b.model.is_some(),
                &b.code,
            ))
        });
        v.model = Some((learned.model.version.clone(), learned.examples));
        self.refilter_suggestions();
        // The highlighted suggestion stays highlighted.
        let v = &mut self.suggestions_view;
        if let Some(k) = keep.and_then(|s| v.shown.iter().position(|&i| v.list[i] == s)) {
            v.selected = k;
        }
    }

    /// Recomputes which suggestions the filter shows, keeping the selection in range.
    pub(crate) fn refilter_suggestions(&mut self) {
        let v = &mut self.suggestions_view;
        v.shown = (0..v.list.len())
            .filter(|&k| v.filter.keeps(&v.list[k]))
            .collect();
        v.selected = v.selected.min(v.shown.len().saturating_sub(1));
    }

    /// Sets the filter from the prompt's text.
    pub(crate) fn set_suggestions_filter(&mut self, text: &str) {
        match SuggestFilter::parse(text) {
            Ok(f) => {
                self.suggestions_view.filter = f;
                self.suggestions_view.selected = 0;
                self.refilter_suggestions();
            }
            Err(e) => self.set_status(e),
        }
    }

    /// Removes the selected suggestion from the list (accepted or rejected).
    fn drop_selected_suggestion(&mut self) -> Option<Suggestion> {
        let v = &mut self.suggestions_view;
        let k = *v.shown.get(v.selected)?;
        let s = v.list.remove(k);
        self.refilter_suggestions();
        Some(s)
    }

    pub(crate) fn suggestions_action(&mut self, a: Action) {
        let v = &mut self.suggestions_view;
        if crate::tui::views::list_move(&mut v.selected, v.shown.len(), a, 10) {
            return;
        }
        let selected = v.shown.get(v.selected).map(|&k| v.list[k].clone());
        match a {
            Action::Filter => {
                self.overlay = Some(crate::tui::popups::Overlay::Prompt {
                    kind: crate::tui::popups::PromptKind::SuggestionsFilter,
                    title: "filter: code:fear interview:P01 speaker:Katya lang:ru".into(),
                    input: v.filter.describe(),
                })
            }
            Action::Open => {
                let Some(s) = selected else { return };
                self.ensure_loaded(&s.interview);
                let Some(session) = self.session.as_mut() else {
                    self.set_status("read-only session");
                    return;
                };
                let r = session
                    .add(&self.project, s.accepted())
                    .map(|c| format!("accepted {} in {} ({}), saved", c.code, s.interview, s.lang));
                if r.is_ok() {
                    self.drop_selected_suggestion();
                }
                self.after_change(&s.interview, r);
            }
            Action::Reject => {
                let Some(s) = selected else { return };
                if let Err(e) = autocode::reject(&self.root, &self.coder, &s) {
                    self.set_status(format!("NOT SAVED: {e}"));
                    return;
                }
                self.drop_selected_suggestion();
                self.set_status(format!("rejected {} in {}, saved", s.code, s.interview));
            }
            _ => {}
        }
    }

    pub(crate) fn draw_suggestions(&self, f: &mut Frame, area: Rect) {
        let v = &self.suggestions_view;
        let filter = v.filter.describe();
        let count = if filter.is_empty() {
            format!("{} suggestion(s)", v.list.len())
        } else {
            format!(
                "{} of {} suggestion(s) · {}",
                v.shown.len(),
                v.list.len(),
                inert(&filter)
            )
        };
        let source = match (&v.model, &v.learning) {
            (_, Some(_)) => "from the codebook's rules (learning from the coders…)".to_string(),
            (Some((m, n)), _) => {
                format!("from the rules and learned from {n} coded passages ({m})")
            }
            _ => "from the codebook's rules".to_string(),
        };
        let block = Block::default().borders(Borders::ALL).title(format!(
            " {count} {source} · Enter accept · d reject · f filter "
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
        for (k, s) in v
            .shown
            .iter()
            .map(|&i| &v.list[i])
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
                        "{} {} seg {:<4} {:<10} {:<26} {} (“{}”)",
                        s.interview,
                        s.lang,
                        s.segment,
                        inert(s.speaker.as_deref().unwrap_or("-")),
                        s.code,
                        match s.confidence {
                            Some(p) => format!("learned {p}%"),
                            None => format!("rule {}", inert(&s.rule)),
                        },
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
        if v.list.is_empty() {
            lines.push(Line::raw(
                "No suggestions left: every rule match is coded or rejected.",
            ));
        } else if v.shown.is_empty() {
            lines.push(Line::raw(
                "No suggestion matches the filter (f to change it).",
            ));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
}
