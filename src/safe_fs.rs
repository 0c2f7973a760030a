//! Reading content files without letting a file's kind or a link decide what is read: only
//! regular files are opened (a named pipe or a device would block or never end), and a file
//! is opened without blocking, so a FIFO swapped in after the check cannot hang the build.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// Reads the regular file at `path` (a link to one is followed). Anything else (a named pipe,
/// a socket, a device, a folder) is an error of kind `InvalidInput` saying what it is.
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    regular(&meta)?;
    read_opened(path, 0)
}

/// Why [`read_unlinked`] did not read a file.
#[derive(Debug)]
pub enum NotRead {
    /// The path is a symbolic link (or became one after it was looked at).
    Link,
    /// It could not be read, or is not a regular file ([`read_regular`]'s errors).
    Io(std::io::Error),
}

/// Reads the regular file at `path` itself, never through a link: one look at the path tells
/// a link (not followed) and the kind, and the file is opened so that a link put there since is
/// refused by the system (`O_NOFOLLOW`), not followed.
pub fn read_unlinked(path: &Path) -> Result<Vec<u8>, NotRead> {
    let meta = std::fs::symlink_metadata(path).map_err(NotRead::Io)?;
    if meta.file_type().is_symlink() {
        return Err(NotRead::Link);
    }
    regular(&meta).map_err(NotRead::Io)?;
    #[cfg(unix)]
    let no_follow = libc::O_NOFOLLOW;
    #[cfg(not(unix))]
    let no_follow = 0;
    read_opened(path, no_follow).map_err(|error| {
        #[cfg(unix)]
        if error.raw_os_error() == Some(libc::ELOOP) {
            return NotRead::Link;
        }
        NotRead::Io(error)
    })
}

/// An error of kind `InvalidInput` unless `meta` is a regular file's.
fn regular(meta: &std::fs::Metadata) -> std::io::Result<()> {
    if meta.is_file() {
        Ok(())
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("it is {}, not a regular file", describe(meta)),
        ))
    }
}

/// Opens `path` without blocking (with `flags` besides), checks that what was opened is a
/// regular file, and reads it whole into a buffer of the size it has.
fn read_opened(path: &Path, flags: i32) -> std::io::Result<Vec<u8>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | flags);
    }
    #[cfg(not(unix))]
    let _ = flags;
    let file = options.open(path)?;
    let meta = file.metadata()?;
    regular(&meta)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // Through `Take`, the read fills the buffer sized above: `File::read_to_end` would ask the
    // file its size and position again first (two more system calls for every file read).
    (&file).take(u64::MAX).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The digests of the files a build read, by path: the fingerprint of its inputs takes them
/// instead of reading every file again after the build.
#[derive(Debug, Default)]
pub struct ReadLog(Mutex<HashMap<PathBuf, u128>>);

impl ReadLog {
    /// Notes that `bytes` were read from `path`.
    pub fn record(&self, path: &Path, bytes: &[u8]) {
        let digest = xxhash_rust::xxh3::xxh3_128(bytes);
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_path_buf(), digest);
    }

    /// The digest of what was read from `path` (the xxh3 of its bytes), if it was read.
    pub fn digest(&self, path: &Path) -> Option<u128> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(path)
            .copied()
    }
}

/// What kind of file system entry `meta` describes, for a message.
pub fn describe(meta: &std::fs::Metadata) -> &'static str {
    let kind = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// Whether `path`, with every link resolved, is inside `dir` (also resolved).
pub fn stays_inside(dir: &Path, path: &Path) -> bool {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    path.canonicalize()
        .is_ok_and(|target| target.starts_with(dir))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_named_pipe_is_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("cover.png");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
        let error = read_regular(&fifo).expect_err("a FIFO is not read");
        assert!(error.to_string().contains("named pipe"), "{error}");
        std::fs::write(dir.path().join("ok.txt"), "ok").expect("write");
        assert_eq!(
            read_regular(&dir.path().join("ok.txt")).expect("read"),
            b"ok"
        );
    }

    #[test]
    fn a_link_is_refused_without_being_followed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("secret.txt");
        std::fs::write(&target, "secret").expect("write");
        let link = dir.path().join("park.toml");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        assert!(matches!(read_unlinked(&link), Err(NotRead::Link)));
        assert_eq!(read_regular(&link).expect("followed"), b"secret");
        assert_eq!(read_unlinked(&target).expect("read"), b"secret");
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&target, &big).expect("write");
        assert_eq!(read_unlinked(&target).expect("read"), big, "read whole");
        let fifo = dir.path().join("pipe.md");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
        let Err(NotRead::Io(error)) = read_unlinked(&fifo) else {
            panic!("a FIFO is not read");
        };
        assert!(error.to_string().contains("named pipe"), "{error}");
    }
}
