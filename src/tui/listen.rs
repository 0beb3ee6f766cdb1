//! Listening while coding: the session's one player (mpv, started by the first media key and
//! ended with the app), which passage each view plays, follow mode (the cursor moves with
//! playback and the segment heard is marked), and the player's part of the status bar.
//! Nothing here waits for mpv: commands are queued to the player's thread, and what it
//! reports is read on each tick.

use crate::media::{self, Link};
use crate::player::{Cmd, Options, Player, Status};
use crate::tui::app::App;
use crate::tui::keymap::Action;
use crate::tui::views::View;
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

/// How far a resume goes back (as oTranscribe does), and a jump's length, in seconds.
pub const REWIND: f64 = 2.0;
pub const JUMP: f64 = 5.0;
/// The speeds `(` and `)` step through.
pub const SPEEDS: &[f64] = &[0.5, 0.6, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0];

#[derive(Default)]
pub struct Listen {
    pub player: Option<Player>,
    /// How to start mpv (tests set it; otherwise from the environment).
    pub options: Option<Options>,
    /// The cursor follows playback.
    pub follow: bool,
    /// The interview being played and its link.
    pub playing: Option<(String, Link)>,
    /// The segment heard in the open transcript, for its mark.
    pub heard: Option<usize>,
    /// Recordings checked this session (size and fingerprint), by interview.
    checked: HashMap<String, (Link, PathBuf)>,
    /// The last error shown, so it is said once.
    said: Option<String>,
    /// The last status read on a tick (what the status bar shows).
    pub last: Option<Status>,
    /// The speed asked for (keys step from it, not from mpv's last report, so two quick
    /// presses make two steps).
    pub speed: Option<f64>,
}

impl App {
    /// The media keys, in any view.
    pub(crate) fn listen_action(&mut self, a: Action) {
        match a {
            Action::LoopPassage
                if self
                    .listen
                    .last
                    .as_ref()
                    .is_some_and(|s| s.looping.is_some()) =>
            {
                self.player_cmd(Cmd::LoopOff);
                self.set_status("loop off; playing on (space pauses)");
            }
            Action::Play | Action::PlayOn | Action::LoopPassage => self.play_here(a),
            Action::PauseResume => {
                // Resuming after the passage's end plays on from there, and says so.
                let ended = self.listen.last.as_ref().filter(|s| s.ended && s.running);
                if let (Some(st), Some((i, _))) = (ended, &self.listen.playing) {
                    let from = (st.time.unwrap_or(0.0) - REWIND).max(0.0);
                    let msg = format!("playing on {i} from {}; space pauses", media::clock(from));
                    self.player_cmd(Cmd::Toggle { rewind: REWIND });
                    self.set_status(msg);
                } else {
                    self.player_cmd(Cmd::Toggle { rewind: REWIND });
                }
            }
            Action::JumpBack => self.player_cmd(Cmd::Jump(-JUMP)),
            Action::JumpForward => self.player_cmd(Cmd::Jump(JUMP)),
            Action::Slower | Action::Faster => {
                let now = self
                    .listen
                    .speed
                    .or(self.listen.last.as_ref().map(|s| s.speed))
                    .unwrap_or(1.0);
                let k = SPEEDS
                    .iter()
                    .position(|s| (s - now).abs() < 0.01)
                    .unwrap_or(4);
                let k = if a == Action::Faster {
                    (k + 1).min(SPEEDS.len() - 1)
                } else {
                    k.saturating_sub(1)
                };
                if self.listen.playing.is_some() {
                    self.listen.speed = Some(SPEEDS[k]);
                }
                self.player_cmd(Cmd::Speed(SPEEDS[k]));
                if self.listen.playing.is_some() {
                    self.set_status(format!("speed ×{}", SPEEDS[k]));
                }
            }
            Action::Follow => {
                self.listen.follow = !self.listen.follow;
                self.set_status(if self.listen.follow {
                    "follow: the cursor moves with playback (F to stop)"
                } else {
                    "follow off"
                });
            }
            _ => {}
        }
    }

    /// A command for a player that is playing something (nothing to pause otherwise).
    fn player_cmd(&mut self, cmd: Cmd) {
        match &self.listen.player {
            Some(p) if self.listen.playing.is_some() => {
                let st = p.status();
                match st.error {
                    // A player that could not start (or play) says why, every time.
                    Some(e) if !st.running || st.file.is_none() => self.set_status(e),
                    _ => p.send(cmd),
                }
            }
            _ => self.set_status("nothing is playing: p plays the passage under the cursor"),
        }
    }

    /// The passage the current view points at: (interview, language, code point span).
    fn passage_here(&mut self) -> Option<(String, String, Range<usize>)> {
        match self.view {
            View::Transcript => {
                let ts = self.transcript.as_ref()?;
                let (i, l) = (ts.interview.clone(), ts.lang.clone());
                Some((i, l, self.selection()?))
            }
            View::Search => {
                let h = self.search.hits.get(self.search.selected)?;
                Some((h.interview.clone(), h.lang.clone(), h.span.clone()))
            }
            View::Suggestions => {
                let v = &self.suggestions_view;
                let s = &v.list[*v.shown.get(v.selected)?];
                Some((s.interview.clone(), s.lang.clone(), s.span.clone()))
            }
            View::Disagreements => {
                let v = &self.disputes_view;
                let d = v.list.get(v.selected)?;
                let first = d.parts.first()?;
                let last = d.parts.iter().rfind(|p| p.lang == first.lang)?;
                let (i, l) = (first.interview.clone(), first.lang.clone());
                let (a, b) = (first.segment, last.segment);
                self.ensure_loaded(&i);
                let t = self.project.interviews.get(&i)?.versions.get(&l)?;
                (b < t.segments.len()).then(|| {
                    let span = t.segment_span(a).start..t.segment_span(b).end;
                    (i, l, span)
                })
            }
            View::Retrieval => {
                let v = &self.retrieval_view;
                let q = &v.data.as_ref()?.as_ref().ok()?.items.get(v.selected)?.quote;
                let len = q.text.chars().count().max(1);
                Some((q.interview.clone(), q.lang.clone(), q.start..q.start + len))
            }
            _ => None,
        }
    }

    /// `p` (the passage, start to end), `P` (on from its start), `O` (loop it).
    fn play_here(&mut self, a: Action) {
        let Some((interview, lang, span)) = self.passage_here() else {
            self.set_status("nothing to play here: open a transcript or select a row");
            return;
        };
        self.ensure_loaded(&interview);
        let Some(t) = self
            .project
            .interviews
            .get(&interview)
            .and_then(|i| i.versions.get(&lang))
        else {
            return;
        };
        if t.is_document() {
            self.set_status("a document has no times to play");
            return;
        }
        let (Some(first), Some(last)) = (
            t.segment_at(span.start),
            t.segment_at(span.end.saturating_sub(1).max(span.start)),
        ) else {
            return;
        };
        let (from_ms, to_ms) = (t.segments[first].start_ms, t.segments[last].end_ms);
        let (link, file) = match self.listen.checked.get(&interview) {
            Some(x) => x.clone(),
            None => match media::playable(&self.root, &interview) {
                Ok(x) => {
                    self.listen.checked.insert(interview.clone(), x.clone());
                    x
                }
                Err(e) => {
                    self.set_status(e.to_string());
                    return;
                }
            },
        };
        let (from, to) = (link.media_secs(from_ms), link.media_secs(to_ms));
        // Each press may fail anew (an unplayable file): its error is said again.
        self.listen.said = None;
        // A player that failed or ended is replaced; a live one is reused (warm: no start-up).
        if self.listen.player.as_ref().is_some_and(|p| {
            let s = p.status();
            s.error.is_some() && !s.running
        }) {
            self.listen.player = None;
            self.listen.speed = None;
            self.listen.said = None;
        }
        let options = self
            .listen
            .options
            .clone()
            .unwrap_or_else(Options::from_env);
        let player = self
            .listen
            .player
            .get_or_insert_with(|| Player::start(options));
        player.send(match a {
            Action::LoopPassage => Cmd::Loop { file, from, to },
            Action::PlayOn => Cmd::Play {
                file,
                from,
                to: None,
            },
            _ => Cmd::Play {
                file,
                from,
                to: Some(to),
            },
        });
        let what = match a {
            Action::LoopPassage => "looping",
            Action::PlayOn => "playing on from",
            _ => "playing",
        };
        let place = if first == last || a == Action::PlayOn {
            format!("#{first}")
        } else {
            format!("#{first}–#{last}")
        };
        let times = if a == Action::PlayOn {
            media::clock(from)
        } else {
            format!("{}–{}", media::clock(from), media::clock(to))
        };
        self.set_status(format!(
            "{what} {interview} {place} ({times}); space pauses, F follows"
        ));
        self.listen.playing = Some((interview, link));
    }

    /// On each tick: what the player says, errors once, and follow mode.
    pub(crate) fn listen_tick(&mut self) {
        let Some(p) = &self.listen.player else { return };
        let st = p.status();
        if st.error.is_some() && st.error != self.listen.said {
            self.listen.said = st.error.clone();
            self.set_status(st.error.clone().unwrap_or_default());
        }
        let time = st.time;
        self.listen.last = Some(st);
        if let Some(t) = time {
            self.follow_tick(t);
        }
    }

    /// Marks the segment heard at media time `secs` in the open transcript and, in follow
    /// mode, moves the cursor to it when it changes. A binary search and, when the segment
    /// changes, one cursor move: cheap enough for every tick of a ten-hour transcript.
    pub fn follow_tick(&mut self, secs: f64) {
        let Some((interview, link)) = &self.listen.playing else {
            return;
        };
        let Some((t, ts)) = self.current() else {
            return;
        };
        if &ts.interview != interview {
            self.listen.heard = None;
            return;
        }
        let heard = media::segment_at(&t.segments, link.transcript_ms(secs));
        // A selection being made is not pulled along.
        let here = t.segment_at(ts.cursor);
        let to = heard
            .filter(|&k| ts.anchor.is_none() && here != Some(k))
            .map(|k| t.segment_span(k).start);
        if heard == self.listen.heard {
            return;
        }
        self.listen.heard = heard;
        if let (Some(pos), true) = (to, self.listen.follow) {
            if let Some(ts) = self.transcript.as_mut() {
                ts.cursor = pos;
            }
            self.scroll_to_cursor(false);
        }
    }

    /// The player's part of the status bar: `P01 ▶ 00:01:02.3 ×1.25 follow`.
    pub(crate) fn listen_status(&self) -> Option<String> {
        let st = self.listen.last.as_ref()?;
        let (interview, _) = self.listen.playing.as_ref()?;
        if !st.running || st.file.is_none() {
            return None;
        }
        let icon = if st.looping.is_some() && !st.paused {
            "⟳"
        } else if st.ended {
            "■"
        } else if st.paused {
            "⏸"
        } else {
            "▶"
        };
        // The interview is named: the player goes on while another transcript is open.
        let mut s = format!(
            "{interview} {icon} {}",
            media::clock(st.time.unwrap_or(0.0))
        );
        if (st.speed - 1.0).abs() > 0.001 {
            s.push_str(&format!(" ×{}", st.speed));
        }
        if self.listen.follow {
            s.push_str(" follow");
        }
        Some(s)
    }
}
