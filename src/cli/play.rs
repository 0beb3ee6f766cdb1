//! `intercode play`: plays one passage of an interview's recording with mpv and exits when it
//! ends (for scripts and quick checks), saying what it played, in media time.

use super::{CmdResult, Context};
use intercode::media::{self, clock};
use intercode::player::{Cmd, Options, Player};
use intercode::{Error, Project};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The interview
    id: String,
    /// The segment to play (its number, as `intercode transcript ID` shows it)
    #[arg(long, conflicts_with = "at")]
    segment: Option<usize>,
    /// Play on to the end of this segment (default: the one given)
    #[arg(long, requires = "segment", value_name = "N")]
    to_segment: Option<usize>,
    /// The transcript whose segment numbers are meant (default: en, else the first)
    #[arg(long)]
    lang: Option<String>,
    /// Transcript time to start at (HH:MM:SS[.s]); plays to the end of the segment heard there
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Transcript time to stop at, with --at (HH:MM:SS[.s])
    #[arg(long, requires = "at", value_name = "TIME")]
    to: Option<String>,
    /// Open a window (for a video recording)
    #[arg(long)]
    video: bool,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> CmdResult {
    let (project, _) = Project::open(&ctx.project)?;
    let interview = project.interview(&args.id)?;
    let (lang, t) = interview.version(args.lang.as_deref())?;
    let seg = |n: usize| {
        t.segments.get(n).ok_or_else(|| {
            Error::usage(format!(
                "{} {lang} has segments 0 to {}; there is no segment {n}",
                args.id,
                t.segments.len().saturating_sub(1)
            ))
        })
    };
    // The passage in transcript milliseconds, and the segment it starts in.
    let (from_ms, to_ms, segment) = match (args.segment, &args.at) {
        (Some(n), _) => {
            let last = seg(args.to_segment.unwrap_or(n))?;
            let first = seg(n)?;
            if last.index < first.index {
                return Err(Error::usage(format!(
                    "segment {} is before segment {n}: --to-segment must not come before --segment",
                    last.index
                ))
                .into());
            }
            (first.start_ms, Some(last.end_ms), Some(n))
        }
        (None, Some(at)) => {
            let from = time_arg(at, "--at")?;
            let here = media::segment_at(&t.segments, from);
            let to = match &args.to {
                Some(to) => Some(time_arg(to, "--to")?),
                // The segment heard there, or (in a pause) the next one.
                None => here
                    .map(|k| &t.segments[k])
                    .filter(|s| s.end_ms > from)
                    .or_else(|| t.segments.get(here.map_or(0, |k| k + 1)))
                    .map(|s| s.end_ms),
            };
            if to.is_some_and(|to| to <= from) {
                return Err(Error::usage("--to must come after --at").into());
            }
            (from, to, here)
        }
        (None, None) => {
            return Err(Error::usage("say what to play: --segment N or --at HH:MM:SS").into())
        }
    };
    let (link, path) = media::playable(&ctx.project, &args.id)?;
    let (from, to) = (
        link.media_secs(from_ms),
        to_ms.map(|ms| link.media_secs(ms)),
    );
    let env = Options::from_env();
    let player = Player::start(Options {
        video: args.video || env.video,
        ..env
    });
    player.send(Cmd::Play {
        file: path.clone(),
        from,
        to,
    });
    // It ends when the passage (or the file) does; a generous limit in case mpv hangs.
    let limit = Duration::from_secs_f64(to.map_or(24.0 * 3600.0, |to| to - from) + 20.0);
    let done = player
        .wait(limit, |s| {
            s.error.is_some() || s.ended || (!s.running && s.seq > 0 && s.time.is_some())
        })
        .unwrap_or_else(|| player.status());
    if let Some(e) = done.error {
        return Err(Error::usage(e).into());
    }
    // A time past the recording's end plays nothing: say so rather than "played".
    if let Some(d) = done.duration.filter(|d| from >= *d) {
        return Err(Error::usage(format!(
            "{} is past the end of the recording ({}){}",
            clock(from),
            clock(d),
            if link.offset_ms != 0 {
                format!(", with the link's offset of {} ms", link.offset_ms)
            } else {
                String::new()
            }
        ))
        .into());
    }
    // mpv may say the passage ended before it reports the last position: wait for it.
    let done = match to {
        Some(to) if done.ended => player
            .wait(Duration::from_secs(1), |s| {
                s.time.is_some_and(|t| t >= to - 0.05)
            })
            .unwrap_or(done),
        _ => done,
    };
    let played_to = done.time.unwrap_or(from);
    match args.format {
        Format::Json => {
            let v = serde_json::json!({
                "interview": args.id,
                "lang": lang,
                "segment": segment,
                "to_segment": args.to_segment,
                "media": link.path,
                "start": round3(from),
                "end": to.map(round3),
                "played_to": round3(played_to),
            });
            serde_json::to_writer_pretty(&mut *out, &v)?;
            writeln!(out)?;
        }
        Format::Text => writeln!(
            out,
            "played {} from {} to {} of {}",
            args.id,
            clock(from),
            clock(played_to),
            link.path
        )?,
    }
    Ok(ExitCode::SUCCESS)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn time_arg(text: &str, flag: &str) -> Result<u64, Error> {
    media::parse_clock(text)
        .map(|s| (s * 1000.0).round() as u64)
        .ok_or_else(|| {
            Error::usage(format!(
                "{flag} {text:?}: expected HH:MM:SS, MM:SS or seconds"
            ))
        })
}
