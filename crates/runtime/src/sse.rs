//! Incremental server-sent-events framing: bytes in, complete `event`/`data` records out.
//!
//! Hand-written rather than taken from a crate (such as `eventsource-stream`,
//! which brings `nom`): the framing needed here is ~150 lines, works on
//! borrowed chunks without an intermediate stream adapter, scans each byte once
//! however the chunks are split, and enforces a size cap per event.

use super::error::Error;

/// Largest event (its buffered bytes plus accumulated data) accepted before the
/// stream is abandoned, so a server that never ends an event cannot exhaust memory.
pub(crate) const MAX_EVENT_BYTES: usize = 64 * 1024 * 1024;

/// One dispatched event.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct SseEvent {
    /// The `event:` field; empty when the server sent none.
    pub(crate) event: String,
    /// The `data:` lines joined with `\n`.
    pub(crate) data: String,
}

/// Splits a byte stream into events following the WHATWG `text/event-stream` rules:
/// lines end in `\n`, `\r\n` or `\r`; a blank line dispatches; `:` starts a comment;
/// `id` and `retry` are read and ignored.
#[derive(Debug, Default)]
pub(crate) struct SseDecoder {
    buf: Vec<u8>,
    /// Start of the unconsumed bytes in `buf`.
    pos: usize,
    /// Bytes in `buf[pos..scan]` are known to hold no line terminator.
    scan: usize,
    event: String,
    data: String,
    has_data: bool,
    started: bool,
}

impl SseDecoder {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Forgets everything, for a fresh connection.
    pub(crate) fn reset(&mut self) {
        *self = Self::default();
    }

    /// True while part of an event (a line, or fields without the blank line) is buffered.
    pub(crate) fn has_partial(&self) -> bool {
        self.pos < self.buf.len() || self.has_data || !self.event.is_empty()
    }

    /// Adds received bytes. Fails when a single event grows past [`MAX_EVENT_BYTES`].
    pub(crate) fn push(&mut self, chunk: &[u8]) -> Result<(), Error> {
        if self.pos > 0 && (self.pos == self.buf.len() || self.pos >= self.buf.len() / 2) {
            self.buf.drain(..self.pos);
            self.scan -= self.pos;
            self.pos = 0;
        }
        self.buf.extend_from_slice(chunk);
        if self.buf.len() - self.pos + self.data.len() > MAX_EVENT_BYTES {
            return Err(Error::Stream(format!(
                "an event exceeded {MAX_EVENT_BYTES} bytes"
            )));
        }
        Ok(())
    }

    /// Returns the next complete event, if the buffered bytes hold one.
    pub(crate) fn next_event(&mut self) -> Option<SseEvent> {
        while let Some((line_end, next)) = self.find_line() {
            let start = self.pos;
            self.pos = next;
            self.scan = next;
            let mut line = &self.buf[start..line_end];
            if !self.started {
                self.started = true;
                line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
            }
            if line.is_empty() {
                if let Some(ev) = self.dispatch() {
                    return Some(ev);
                }
                continue;
            }
            if line[0] == b':' {
                continue;
            }
            let (name, value) = match line.iter().position(|&b| b == b':') {
                Some(i) => {
                    let v = &line[i + 1..];
                    (&line[..i], v.strip_prefix(b" ").unwrap_or(v))
                }
                None => (line, &b""[..]),
            };
            match name {
                b"data" => {
                    self.data.push_str(&String::from_utf8_lossy(value));
                    self.data.push('\n');
                    self.has_data = true;
                }
                b"event" => {
                    self.event.clear();
                    self.event.push_str(&String::from_utf8_lossy(value));
                }
                _ => {} // id, retry and unknown fields
            }
        }
        None
    }

    /// Finds the next complete line: (end of content, start of the following line).
    /// A trailing `\r` waits for the next chunk, which may start with `\n`.
    fn find_line(&mut self) -> Option<(usize, usize)> {
        let from = self.scan.max(self.pos);
        let rel = self.buf[from..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r');
        let Some(rel) = rel else {
            self.scan = self.buf.len();
            return None;
        };
        let i = from + rel;
        if self.buf[i] == b'\n' {
            return Some((i, i + 1));
        }
        match self.buf.get(i + 1) {
            Some(b'\n') => Some((i, i + 2)),
            Some(_) => Some((i, i + 1)),
            None => {
                self.scan = i;
                None
            }
        }
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = std::mem::take(&mut self.event);
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        let mut data = std::mem::take(&mut self.data);
        if data.ends_with('\n') {
            data.pop();
        }
        Some(SseEvent { event, data })
    }

    /// Called at end of input: a lone `\r` at the very end still ends a line,
    /// so it is completed here and the line is returned by the next
    /// [`next_event`](Self::next_event). Events without their closing blank
    /// line are never dispatched (per the specification);
    /// [`has_partial`](Self::has_partial) tells whether one was cut off.
    pub(crate) fn finish(&mut self) {
        if self.buf.last() == Some(&b'\r') && self.pos < self.buf.len() {
            self.buf.push(b'\n');
        }
    }
}
