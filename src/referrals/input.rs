//! Reading logs: plain or gzip (detected by its magic bytes, so `access.log.1.gz` and a renamed
//! file both work), from a file or standard input, line by line in constant memory.

use flate2::bufread::MultiGzDecoder;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// Longest line kept; a longer one is read to its end, counted malformed and dropped, so a 1 MB
/// line costs no more memory than a short one.
pub const MAX_LINE: usize = 16 * 1024;

const BUFFER: usize = 256 * 1024;

/// Opens a log: `-` is standard input.
pub fn open(path: &Path) -> io::Result<Box<dyn BufRead>> {
    let raw: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(std::fs::File::open(path)?)
    };
    let mut reader = BufReader::with_capacity(BUFFER, raw);
    let gzip = reader.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip {
        Box::new(BufReader::with_capacity(
            BUFFER,
            MultiGzDecoder::new(reader),
        ))
    } else {
        Box::new(reader)
    })
}

/// One line read.
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// Its bytes, without the line end.
    Bytes(&'a [u8]),
    /// Longer than [`MAX_LINE`].
    TooLong,
}

/// Lines of a reader, each at most [`MAX_LINE`] bytes held at once.
pub struct Lines<R> {
    reader: R,
    buffer: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    /// Lines of `reader`.
    pub fn new(reader: R) -> Self {
        Self {
            reader,
            buffer: Vec::with_capacity(MAX_LINE),
        }
    }

    /// The next line, `None` at the end.
    pub fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        self.buffer.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                if !any {
                    return Ok(None);
                }
                break;
            }
            any = true;
            let (chunk, used, done) = match memchr::memchr(b'\n', available) {
                Some(i) => (&available[..i], i + 1, true),
                None => (available, available.len(), false),
            };
            if !too_long && self.buffer.len() + chunk.len() <= MAX_LINE {
                self.buffer.extend_from_slice(chunk);
            } else {
                too_long = true;
            }
            self.reader.consume(used);
            if done {
                break;
            }
        }
        if too_long {
            return Ok(Some(Line::TooLong));
        }
        let line = self.buffer.strip_suffix(b"\r").unwrap_or(&self.buffer);
        Ok(Some(Line::Bytes(line)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_dropped_and_the_next_one_is_read() {
        let mut text = b"first\r\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_LINE * 3));
        text.extend_from_slice(b"\nlast");
        let mut lines = Lines::new(io::BufReader::with_capacity(1000, &text[..]));
        assert_eq!(lines.next_line().unwrap(), Some(Line::Bytes(b"first")));
        assert_eq!(lines.next_line().unwrap(), Some(Line::TooLong));
        assert!(lines.buffer.capacity() <= MAX_LINE * 2);
        assert_eq!(lines.next_line().unwrap(), Some(Line::Bytes(b"last")));
        assert_eq!(lines.next_line().unwrap(), None);
    }
}
