//! mpv's JSON IPC, the wire format only: one JSON object per line each way. Commands go out
//! as `{"command": [...], "request_id": N}`; replies come back with the same `request_id`,
//! and events (`{"event": "..."}`, property changes among them) arrive between replies in any
//! order. Written by hand on serde_json: the crate that does this is GPL, and this is small.

use serde_json::{json, Value};

/// One command line to send (with its newline).
pub fn command(request_id: u64, args: &[Value]) -> String {
    let mut line = json!({ "command": args, "request_id": request_id }).to_string();
    line.push('\n');
    line
}

/// A message read from mpv.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// The answer to a command: `error` is `"success"` when it worked.
    Reply {
        request_id: u64,
        error: String,
        data: Value,
    },
    /// An observed property changed (`data` is `null` when it has no value, e.g. `time-pos`
    /// with no file loaded).
    Property { name: String, data: Value },
    /// Any other event: `file-loaded`, `end-file`, `seek`, `playback-restart`, `idle`, ...
    Event {
        name: String,
        reason: Option<String>,
    },
}

/// Parses one line from mpv; `None` for a line that is not a message intercode knows (mpv
/// may add fields and events at any time, so unknown ones are ignored, never fatal).
pub fn parse(line: &str) -> Option<Message> {
    let v: Value = serde_json::from_str(line.trim()).ok()?;
    let obj = v.as_object()?;
    if let Some(event) = obj.get("event").and_then(Value::as_str) {
        if event == "property-change" {
            return Some(Message::Property {
                name: obj.get("name")?.as_str()?.to_string(),
                data: obj.get("data").cloned().unwrap_or(Value::Null),
            });
        }
        return Some(Message::Event {
            name: event.to_string(),
            reason: obj
                .get("reason")
                .and_then(Value::as_str)
                .map(str::to_string),
        });
    }
    if obj.contains_key("error") {
        return Some(Message::Reply {
            request_id: obj.get("request_id").and_then(Value::as_u64).unwrap_or(0),
            error: obj.get("error")?.as_str()?.to_string(),
            data: obj.get("data").cloned().unwrap_or(Value::Null),
        });
    }
    None
}

/// Splits complete lines off the front of `buf`, leaving a partial last line in it.
pub fn take_lines(buf: &mut Vec<u8>) -> Vec<String> {
    let mut out = Vec::new();
    while let Some(nl) = memchr::memchr(b'\n', buf) {
        let line: Vec<u8> = buf.drain(..=nl).collect();
        out.push(String::from_utf8_lossy(&line[..nl]).into_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_one_json_line() {
        let line = command(7, &[json!("seek"), json!(12.5), json!("absolute+exact")]);
        assert_eq!(
            line,
            "{\"command\":[\"seek\",12.5,\"absolute+exact\"],\"request_id\":7}\n"
        );
    }

    #[test]
    fn replies_events_and_properties_are_told_apart() {
        assert_eq!(
            parse(r#"{"data":null,"request_id":5,"error":"success"}"#),
            Some(Message::Reply {
                request_id: 5,
                error: "success".into(),
                data: Value::Null
            })
        );
        assert_eq!(
            parse(r#"{"event":"property-change","id":1,"name":"time-pos","data":10.049596}"#),
            Some(Message::Property {
                name: "time-pos".into(),
                data: json!(10.049596)
            })
        );
        assert_eq!(
            parse(r#"{"event":"property-change","id":1,"name":"time-pos"}"#),
            Some(Message::Property {
                name: "time-pos".into(),
                data: Value::Null
            })
        );
        assert_eq!(
            parse(
                r#"{"event":"end-file","reason":"error","file_error":"unrecognized file format"}"#
            ),
            Some(Message::Event {
                name: "end-file".into(),
                reason: Some("error".into())
            })
        );
        // Garbage, half lines and unknown shapes are ignored, never a panic.
        for bad in ["", "{", "[1,2]", "{\"foo\":1}", "\u{0}", "{\"event\":3}"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn lines_are_split_and_a_partial_one_waits() {
        let mut buf = b"{\"a\":1}\n{\"b\":2}\n{\"c\"".to_vec();
        assert_eq!(take_lines(&mut buf), ["{\"a\":1}", "{\"b\":2}"]);
        assert_eq!(buf, b"{\"c\"");
        buf.extend_from_slice(b":3}\n");
        assert_eq!(take_lines(&mut buf), ["{\"c\":3}"]);
        assert!(buf.is_empty());
    }
}
