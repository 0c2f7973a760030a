//! Reading content files without letting a file's kind or a link decide what is read: only
//! regular files are opened (a named pipe or a device would block or never end), and a file
//! is opened without blocking, so a FIFO swapped in after the check cannot hang the build.

use std::io::Read;
use std::path::Path;

/// Reads the regular file at `path` (a link to one is followed). Anything else (a named pipe,
/// a socket, a device, a folder) is an error of kind `InvalidInput` saying what it is.
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    let kind = |meta: &std::fs::Metadata| -> std::io::Result<()> {
        if meta.is_file() {
            Ok(())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("it is {}, not a regular file", describe(meta)),
            ))
        }
    };
    kind(&std::fs::metadata(path)?)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let mut file = options.open(path)?;
    let meta = file.metadata()?;
    kind(&meta)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
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
}
