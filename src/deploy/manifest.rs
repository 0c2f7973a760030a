//! The manifest: an object parkpress writes under the prefix, naming every object it put there
//! with the hash of its bytes, its headers and the `ETag` the service gave it. It is how deploy
//! knows what is already published, and the only list of what it may delete.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::headers::Headers;

/// Name of the manifest object, under the prefix.
pub const NAME: &str = ".parkpress-manifest.json";

/// What parkpress published.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version.
    pub version: u32,
    /// Published objects by path relative to the prefix.
    pub files: BTreeMap<String, Entry>,
}

/// One published object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Hash of the bytes ([`crate::files::digest`], as the output marker records it).
    pub hash: String,
    /// Size in bytes.
    pub size: u64,
    /// Headers it was stored with.
    pub headers: Headers,
    /// The `ETag` the service answered the upload with, to notice an object changed behind
    /// parkpress's back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
}

impl Manifest {
    /// Parses a manifest; one that cannot be read counts as none (every object is checked again).
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        serde_json::from_slice::<Self>(bytes)
            .ok()
            .filter(|m| m.version == 1)
    }

    /// The manifest as stored.
    pub fn to_bytes(&self) -> Vec<u8> {
        let stored = Self {
            version: 1,
            files: self.files.clone(),
        };
        serde_json::to_vec_pretty(&stored).unwrap_or_default()
    }
}
