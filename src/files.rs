//! The files a build makes, as every stage hands them on: a path inside the output folder and
//! where its bytes come from (generated, copied from `content/`, or a theme file).

use std::path::PathBuf;

/// One file of the finished site.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Path inside the output folder, `/`-separated.
    pub path: String,
    /// Its bytes.
    pub contents: Contents,
}

/// Where an output file's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// Generated.
    Bytes(Vec<u8>),
    /// Copied from the content folder.
    Copy(PathBuf),
    /// A theme file.
    Theme(ThemeFile),
    /// A file already in the output folder (at this path), which the last build wrote and this
    /// one takes again, with the xxh3-128 of its bytes: read only if it must be written again.
    InOutput(PathBuf, u128),
}

/// Where a theme file's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThemeFile {
    /// Embedded in the binary.
    Builtin(&'static [u8]),
    /// On disk.
    Disk(PathBuf),
}

impl ThemeFile {
    /// Reads the bytes.
    pub fn bytes(&self) -> std::io::Result<std::borrow::Cow<'static, [u8]>> {
        match self {
            Self::Builtin(bytes) => Ok(std::borrow::Cow::Borrowed(bytes)),
            Self::Disk(path) => std::fs::read(path).map(std::borrow::Cow::Owned),
        }
    }
}

/// The digest of an output file's bytes that the output marker records and `deploy` compares:
/// xxh3-128 in hex.
pub fn digest(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}
