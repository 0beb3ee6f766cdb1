//! Key bindings: every user intent is an [`Action`]; the default bindings live in one table,
//! a user file (`keys.json` in the OS config folder, e.g. `~/.config/intercode/keys.json`)
//! patches them, and the help overlay is generated from the live map.
//!
//! The user file maps keys to action names: `{"ctrl-s": "redo", "F1": "help", "x": null}`
//! (`null` unbinds a key).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;

macro_rules! actions {
    ($($name:ident => $id:literal, $ctx:literal, $help:literal;)*) => {
        /// Everything a key can do.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action { $($name,)* }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$name,)*];
            /// Name used in the user's keys file.
            pub fn id(self) -> &'static str { match self { $(Action::$name => $id,)* } }
            /// Where the action applies (a heading in the help overlay).
            pub fn context(self) -> &'static str { match self { $(Action::$name => $ctx,)* } }
            pub fn help(self) -> &'static str { match self { $(Action::$name => $help,)* } }
            pub fn from_id(id: &str) -> Option<Action> { Action::ALL.iter().copied().find(|a| a.id() == id) }
        }
    };
}

actions! {
    Quit => "quit", "global", "quit (Ctrl-C too)";
    Help => "help", "global", "show or hide this help";
    NextView => "next_view", "global", "next view";
    ViewInterviews => "view_interviews", "global", "interviews";
    ViewTranscript => "view_transcript", "global", "transcript";
    ViewCodebook => "view_codebook", "global", "codebook";
    ViewSearch => "view_search", "global", "search all interviews";
    ViewReport => "view_report", "global", "report";
    ViewSuggestions => "view_suggestions", "global", "auto-coding suggestions";
    ViewDisagreements => "view_disagreements", "global", "disagreements between two coders";
    ViewRetrieval => "view_retrieval", "global", "retrieve a code's passages across interviews";
    ViewMemos => "view_memos", "global", "every memo in the project (in Retrieval)";
    Up => "up", "move", "up / previous segment";
    Down => "down", "move", "down / next segment";
    Left => "left", "move", "previous character";
    Right => "right", "move", "next character";
    WordNext => "word_next", "move", "next word";
    WordPrev => "word_prev", "move", "previous word";
    TurnNext => "turn_next", "move", "next turn (speaker change)";
    TurnPrev => "turn_prev", "move", "previous turn";
    PageDown => "page_down", "move", "page down";
    PageUp => "page_up", "move", "page up";
    Top => "top", "move", "first line";
    Bottom => "bottom", "move", "last line";
    Open => "open", "move", "open / jump to / accept";
    Select => "select", "transcript", "start or end a selection";
    SelectSegment => "select_segment", "transcript", "select the whole segment";
    Cancel => "cancel", "transcript", "cancel the selection / close";
    Code => "code", "transcript", "code the selection (picker)";
    Uncode => "uncode", "transcript", "remove your coding under the cursor";
    Recode => "recode", "transcript", "give your coding under the cursor another code";
    Memo => "memo", "transcript", "write a memo on your coding under the cursor";
    CopyOther => "copy_other", "transcript", "copy your coding to the other language";
    EditText => "edit_text", "transcript", "correct the segment's text (codings follow)";
    RenameSpeaker => "rename_speaker", "transcript", "rename the speaker (Tab: this segment / all)";
    SplitSegment => "split_segment", "transcript", "split the segment at the cursor";
    JoinNext => "join_next", "transcript", "merge the segment with the next";
    Undo => "undo", "transcript", "undo (codings and transcript edits)";
    Redo => "redo", "transcript", "redo";
    Parallel => "parallel", "transcript", "show the other language side by side";
    SwitchLang => "switch_lang", "transcript", "switch to the other language";
    Others => "others", "transcript", "show or hide other coders' codings";
    Find => "find", "transcript", "find in this transcript";
    FindNext => "find_next", "transcript", "next match";
    FindPrev => "find_prev", "transcript", "previous match";
    Add => "add", "codebook", "add a sub-code (names, description)";
    Rename => "rename", "codebook", "edit names and description";
    Move => "move", "codebook", "move under another code";
    Merge => "merge", "codebook", "merge into another code";
    Reject => "reject", "suggestions", "reject the suggestion";
    AllCoders => "all_coders", "report & retrieval", "whose codings: all coders / only you / default";
    Filter => "filter", "retrieval & suggestions", "filter the list";
    Export => "export", "retrieval", "export the list shown (exports/CODE.md and .csv)";
    Play => "play", "listen", "play the segment or selection (a row's passage in lists)";
    PlayOn => "play_on", "listen", "play on from here";
    PauseResume => "pause", "listen", "pause / resume (2 s back)";
    JumpBack => "jump_back", "listen", "back 5 s";
    JumpForward => "jump_forward", "listen", "forward 5 s";
    Slower => "slower", "listen", "slower";
    Faster => "faster", "listen", "faster";
    LoopPassage => "loop", "listen", "loop the segment or selection";
    Follow => "follow", "listen", "follow: the cursor moves with playback";
    TakeFirst => "take_first", "disagreements", "consensus: take the first coder's codes";
    TakeSecond => "take_second", "disagreements", "consensus: take the second coder's codes";
    TakeBoth => "take_both", "disagreements", "consensus: take both coders' codes";
    TakeNeither => "take_neither", "disagreements", "consensus: take neither";
}

/// Default bindings: (key, action). Vim keys and arrows both work.
const DEFAULTS: &[(&str, Action)] = &[
    ("q", Action::Quit),
    ("ctrl-c", Action::Quit),
    ("?", Action::Help),
    ("f1", Action::Help),
    ("tab", Action::NextView),
    ("1", Action::ViewInterviews),
    ("2", Action::ViewTranscript),
    ("3", Action::ViewCodebook),
    ("4", Action::ViewSearch),
    ("5", Action::ViewReport),
    ("6", Action::ViewSuggestions),
    ("7", Action::ViewDisagreements),
    ("8", Action::ViewRetrieval),
    ("9", Action::ViewMemos),
    ("k", Action::Up),
    ("up", Action::Up),
    ("j", Action::Down),
    ("down", Action::Down),
    ("h", Action::Left),
    ("left", Action::Left),
    ("l", Action::Right),
    ("right", Action::Right),
    ("w", Action::WordNext),
    ("ctrl-right", Action::WordNext),
    ("b", Action::WordPrev),
    ("ctrl-left", Action::WordPrev),
    ("}", Action::TurnNext),
    ("J", Action::TurnNext),
    ("{", Action::TurnPrev),
    ("K", Action::TurnPrev),
    ("pagedown", Action::PageDown),
    ("ctrl-d", Action::PageDown),
    ("pageup", Action::PageUp),
    ("ctrl-u", Action::PageUp),
    ("g", Action::Top),
    ("home", Action::Top),
    ("G", Action::Bottom),
    ("end", Action::Bottom),
    ("enter", Action::Open),
    ("v", Action::Select),
    ("V", Action::SelectSegment),
    ("esc", Action::Cancel),
    ("c", Action::Code),
    ("x", Action::Uncode),
    ("C", Action::Recode),
    ("m", Action::Memo),
    ("y", Action::CopyOther),
    ("E", Action::EditText),
    ("R", Action::RenameSpeaker),
    ("s", Action::SplitSegment),
    ("&", Action::JoinNext),
    ("u", Action::Undo),
    ("U", Action::Redo),
    ("ctrl-r", Action::Redo),
    ("t", Action::Parallel),
    ("L", Action::SwitchLang),
    ("o", Action::Others),
    ("/", Action::Find),
    ("n", Action::FindNext),
    ("N", Action::FindPrev),
    ("a", Action::Add),
    ("r", Action::Rename),
    ("M", Action::Move),
    ("+", Action::Merge),
    ("d", Action::Reject),
    ("A", Action::AllCoders),
    ("f", Action::Filter),
    ("e", Action::Export),
    ("p", Action::Play),
    ("P", Action::PlayOn),
    ("space", Action::PauseResume),
    ("[", Action::JumpBack),
    ("]", Action::JumpForward),
    ("(", Action::Slower),
    (")", Action::Faster),
    ("O", Action::LoopPassage),
    ("F", Action::Follow),
    ("<", Action::TakeFirst),
    (">", Action::TakeSecond),
    ("=", Action::TakeBoth),
    ("0", Action::TakeNeither),
];

/// The live key map.
#[derive(Debug, Clone)]
pub struct Keymap {
    map: BTreeMap<String, Action>,
}

/// The canonical name of a key event: `j`, `J`, `ctrl-r`, `enter`, `pagedown`, `f1`.
pub fn key_name(k: &KeyEvent) -> Option<String> {
    let base = match k.code {
        KeyCode::Char(' ') => "space".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "enter".into(),
        KeyCode::Esc => "esc".into(),
        KeyCode::Tab => "tab".into(),
        KeyCode::BackTab => "backtab".into(),
        KeyCode::Backspace => "backspace".into(),
        KeyCode::Up => "up".into(),
        KeyCode::Down => "down".into(),
        KeyCode::Left => "left".into(),
        KeyCode::Right => "right".into(),
        KeyCode::PageUp => "pageup".into(),
        KeyCode::PageDown => "pagedown".into(),
        KeyCode::Home => "home".into(),
        KeyCode::End => "end".into(),
        KeyCode::Delete => "delete".into(),
        KeyCode::F(n) => format!("f{n}"),
        _ => return None,
    };
    Some(if k.modifiers.contains(KeyModifiers::CONTROL) {
        format!("ctrl-{}", base.to_lowercase())
    } else {
        base
    })
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap {
            map: DEFAULTS.iter().map(|(k, a)| (k.to_string(), *a)).collect(),
        }
    }
}

impl Keymap {
    /// The defaults patched by the user's file, if there is one. Problems in the file are
    /// returned as messages; the rest of it still applies.
    pub fn load_user() -> (Keymap, Vec<String>) {
        let mut km = Keymap::default();
        let Some(path) = dirs::config_dir().map(|d| d.join("intercode").join("keys.json")) else {
            return (km, Vec::new());
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let problems = km
                    .patch(&text)
                    .into_iter()
                    .map(|p| format!("{}: {p}", path.display()))
                    .collect();
                (km, problems)
            }
            Err(_) => (km, Vec::new()),
        }
    }

    /// Applies a user file's JSON; returns what could not be applied.
    pub fn patch(&mut self, json: &str) -> Vec<String> {
        let value: serde_json::Value = match serde_json::from_str(json) {
            Ok(v) => v,
            Err(e) => return vec![format!("line {}: {e}", e.line())],
        };
        let Some(obj) = value.as_object() else {
            return vec!["expected an object of \"key\": \"action\"".into()];
        };
        let mut problems = Vec::new();
        for (key, action) in obj {
            match action {
                serde_json::Value::Null => {
                    self.map.remove(key);
                }
                serde_json::Value::String(a) => match Action::from_id(a) {
                    Some(a) => {
                        self.map.insert(key.clone(), a);
                    }
                    None => problems.push(format!("unknown action `{a}` for key `{key}`")),
                },
                _ => problems.push(format!("key `{key}`: the action must be a name or null")),
            }
        }
        problems
    }

    pub fn action(&self, k: &KeyEvent) -> Option<Action> {
        key_name(k).and_then(|n| self.map.get(&n).copied())
    }

    /// Keys bound to an action, for the help overlay and hints.
    pub fn keys_for(&self, a: Action) -> Vec<&str> {
        self.map
            .iter()
            .filter(|(_, x)| **x == a)
            .map(|(k, _)| k.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_file_patches_the_defaults() {
        let mut km = Keymap::default();
        let problems = km.patch(r#"{"ctrl-s": "redo", "x": null, "z": "fly"}"#);
        assert_eq!(problems, ["unknown action `fly` for key `z`"]);
        let ks = |c: char, m: KeyModifiers| KeyEvent::new(KeyCode::Char(c), m);
        assert_eq!(
            km.action(&ks('s', KeyModifiers::CONTROL)),
            Some(Action::Redo)
        );
        assert_eq!(km.action(&ks('x', KeyModifiers::NONE)), None);
        assert_eq!(km.action(&ks('j', KeyModifiers::NONE)), Some(Action::Down));
        assert_eq!(
            km.action(&KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert!(km.keys_for(Action::Redo).contains(&"ctrl-s"));
        assert!(!km.patch("{").is_empty());
    }

    #[test]
    fn every_action_has_a_default_key() {
        let km = Keymap::default();
        for a in Action::ALL {
            assert!(!km.keys_for(*a).is_empty(), "{a:?}");
        }
    }
}
