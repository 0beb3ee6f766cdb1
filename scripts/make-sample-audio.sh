#!/usr/bin/env bash
# make-sample-audio.sh: makes media/P01.opus, a synthetic recording of sample
# interview P01, so that a new user of the sample study can hear media
# playback working without a real recording (real ones are never committed).
#
# Each cue of transcripts/P01.ru.vtt is spoken by espeak-ng (Russian) starting
# exactly at the cue's start time, without the "Speaker:" label; the
# interviewer and the participant get different voices. Speech that is longer
# than its cue is sped up (espeak-ng -s, then sox tempo) so that it ends within
# the cue; between cues there is silence. The recording lasts until the last
# cue's end plus 1 s. Output: mono Opus at a low speech bitrate, small enough
# for git.
#
# Offline and reproducible: running it twice gives a byte-identical file
# (fixed Ogg serial, no dither, no varying tags), with the same versions of
# espeak-ng, sox and opus-tools.
#
# Needs: bash, python3 (stdlib only), espeak-ng, sox, opusenc (opus-tools).
# Debian: apt-get install espeak-ng sox libsox-fmt-all opus-tools python3
#
# Usage: scripts/make-sample-audio.sh [transcript.vtt [output.opus]]
#        (defaults: transcripts/P01.ru.vtt and media/P01.opus, run from anywhere)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
vtt=${1:-$root/transcripts/P01.ru.vtt}
out=${2:-$root/media/P01.opus}

# Voices (espeak-ng "language+variant"): interviewer, then participant(s).
interviewer_voice=${INTERVIEWER_VOICE:-ru+m3}
participant_voice=${PARTICIPANT_VOICE:-ru+f3}
bitrate=${OPUS_BITRATE:-8}   # kbit/s; 6-10 stays intelligible for speech

for tool in python3 espeak-ng sox opusenc; do
  command -v "$tool" >/dev/null || { echo "make-sample-audio: $tool not found" >&2; exit 1; }
done
[[ -f $vtt ]] || { echo "make-sample-audio: no transcript $vtt" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/make-sample-audio.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# 1. Speak each cue into its own wav and lay them into one buffer at their
#    sample offsets (espeak-ng's native 22050 Hz, mono, 16 bit).
python3 - "$vtt" "$tmp" "$interviewer_voice" "$participant_voice" <<'PY'
import array, math, os, re, subprocess, sys, wave
from concurrent.futures import ThreadPoolExecutor

vtt, tmp, interviewer_voice, participant_voice = sys.argv[1:5]
RATE = 22050          # espeak-ng's output rate
BASE_SPEED = 165      # words per minute (espeak-ng default is 175)
MAX_SPEED = 340       # beyond this espeak-ng gets hard to follow; sox tempo takes over
THRESHOLD = 64        # |sample| above this counts as sound when trimming silence
TAIL = 1.0            # seconds of silence after the last cue's end

TIME = r"(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})"
TIMING = re.compile(r"^\s*" + TIME + r"\s+-->\s+" + TIME + r"(?:\s.*)?$")

def seconds(h, m, s, ms):
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000

# Speaker labels follow intercode's own rules (src/transcript/speaker.rs): a
# prefix "Name: " is a speaker if it looks like a name (one word, or every word
# capitalised) or recurs as a prefix in the file; "he said: go" is not.
def split_prefix(text):
    colon = text.find(":")
    if colon < 0:
        return None
    name, rest = text[:colon].strip(), text[colon + 1:]
    if rest and rest[0] not in " \t":
        return None                      # "10:30", "http://"
    if (not name or len(name) > 64 or len(name.split()) > 6
            or any(c in name for c in '!?;"«»<>{}[]')
            or all(c.isdigit() or c.isspace() for c in name)):
        return None
    return name, rest.lstrip()

def looks_like_name(name):
    words = name.split()
    return len(words) == 1 or all(
        w[0].isupper() or w[0].isnumeric() or w[0] == "(" or not w[0].isalpha()
        for w in words)

def is_interviewer(speaker):
    s = (speaker or "").strip().lower()
    return s.startswith("interviewer") or s.startswith("интервьюер")

def parse(path):
    """WebVTT cues as (start, end, speaker, text); CRLF and cue ids tolerated."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        lines = f.read().replace("\r\n", "\n").replace("\r", "\n").split("\n")
    raw, i = [], 0
    while i < len(lines):
        m = TIMING.match(lines[i])
        if not m:            # header, cue ids, NOTE/STYLE blocks, blank lines
            i += 1
            continue
        start, end = seconds(*m.groups()[:4]), seconds(*m.groups()[4:])
        i += 1
        text = []
        while i < len(lines) and lines[i].strip():
            text.append(lines[i].strip())
            i += 1
        body = " ".join(text)
        v = re.match(r"^<v(?:\.[^\s>]*)?\s+([^>]+)>", body)   # <v Name> voice span
        body = re.sub(r"<[^>]*>", "", body)                    # tags, timestamps
        body = (body.replace("&lt;", "<").replace("&gt;", ">")
                    .replace("&nbsp;", " ").replace("&amp;", "&")).strip()
        raw.append((start, end, v.group(1).strip() if v else None, body))
    prefixes = [split_prefix(body) for _, _, _, body in raw]
    counts = {}
    for p in prefixes:
        if p:
            counts[p[0]] = counts.get(p[0], 0) + 1
    cues = []
    for (start, end, speaker, body), p in zip(raw, prefixes):
        if p and (looks_like_name(p[0]) or counts[p[0]] >= 2):
            speaker, body = speaker or p[0], p[1].strip()
        if body and end > start:
            cues.append((start, end, speaker, body))
    return cues

def read_samples(path):
    with wave.open(path, "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2 and w.getframerate() == RATE, path
        a = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        a.byteswap()
    return a

def trim(a):
    """Drop leading and trailing silence so speech starts at the cue start."""
    first = next((i for i, x in enumerate(a) if abs(x) > THRESHOLD), None)
    if first is None:
        return array.array("h")
    last = next(i for i in range(len(a) - 1, -1, -1) if abs(a[i]) > THRESHOLD)
    return a[first:last + 1]

def espeak(text, voice, speed, path):
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "--stdin", "-w", path],
                   input=text.encode("utf-8"), check=True)
    return trim(read_samples(path))

def render(n, cue):
    """Samples of one cue, fitted into its slot; and how it was fitted."""
    start, end, speaker, text = cue
    voice = interviewer_voice if is_interviewer(speaker) else participant_voice
    slot = end - start
    target = max(0.2, slot - min(0.15, slot * 0.1))   # seconds; leaves a small gap
    limit = int(target * RATE)
    path = os.path.join(tmp, f"cue{n:04d}.wav")
    speed = BASE_SPEED
    a = espeak(text, voice, speed, path)
    # espeak-ng's duration is roughly inversely proportional to its speed.
    while len(a) > limit and speed < MAX_SPEED:
        speed = min(MAX_SPEED, math.ceil(speed * len(a) / limit * 1.02))
        a = espeak(text, voice, speed, path)
    how = f"-s {speed}" if speed != BASE_SPEED else ""
    if len(a) > limit:
        factor = len(a) / limit * 1.02
        fast = os.path.join(tmp, f"cue{n:04d}-tempo.wav")
        subprocess.run(["sox", "-D", "-V1", path, fast, "tempo", "-s", f"{factor:.4f}"],
                       check=True)
        a = trim(read_samples(fast))
        how += f" tempo {factor:.2f}"
    if len(a) > limit:       # last resort, never reached in practice: cut with a fade
        a = a[:limit]
        fade = min(len(a), RATE // 50)
        for k in range(fade):
            a[limit - fade + k] = int(a[limit - fade + k] * (fade - k) / fade)
        how += " cut"
    return a, how.strip()

cues = parse(vtt)
if not cues:
    sys.exit(f"make-sample-audio: no cues in {vtt}")
with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    rendered = list(pool.map(render, range(len(cues)), cues))

total = int(round((max(c[1] for c in cues) + TAIL) * RATE))
mix = array.array("h", bytes(2 * total))
for (start, end, _, _), (a, _) in zip(cues, rendered):
    at = int(round(start * RATE))
    n = min(len(a), total - at)
    mix[at:at + n] = a[:n]
if sys.byteorder == "big":
    mix.byteswap()
with wave.open(os.path.join(tmp, "mix.wav"), "wb") as w:
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(RATE)
    w.writeframes(mix.tobytes())

fitted = [(i + 1, how) for i, (_, how) in enumerate(rendered) if how]
print(f"make-sample-audio: {len(cues)} cues, {total / RATE:.1f} s; "
      f"{len(fitted)} sped up to fit their cue"
      + (" (" + ", ".join(f"#{i}: {h}" for i, h in fitted) + ")" if fitted else ""),
      file=sys.stderr)
PY

# 2. Resample to 16 kHz without dither (-D), then encode as low-bitrate speech
#    in 60 ms frames (less Ogg overhead than 20 ms; ~1.2 MB for 27 min at
#    8 kbit/s). --serial fixes the Ogg stream serial (random otherwise); the
#    only tags are the libopus vendor string and opusenc's fixed ENCODER and
#    ENCODER_OPTIONS (no date). opusenc takes most of the run time (~25 s).
sox -D -V1 "$tmp/mix.wav" -r 16000 -b 16 -c 1 "$tmp/mix16k.wav"
mkdir -p "$(dirname "$out")"
opusenc --quiet --speech --bitrate "$bitrate" --framesize 60 --serial 1 --discard-comments \
  "$tmp/mix16k.wav" "$tmp/out.opus"
mv -f "$tmp/out.opus" "$out"
echo "make-sample-audio: wrote $out ($(wc -c <"$out") bytes)" >&2
