//! The plan: which files to upload, in which order, and which objects to delete, from the local
//! files, the manifest and the listing of the prefix. The manifest is checked against the
//! listing: an object it names that is gone or was changed behind parkpress's back is uploaded
//! again, and only objects it names may be deleted, so anything else in the bucket is never touched.

use std::collections::HashMap;

use super::headers::Headers;
use super::local::LocalFile;
use super::manifest::{Entry, Manifest};

/// An object as the listing shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Size in bytes.
    pub size: u64,
    /// Its `ETag`, when the service gives one.
    pub etag: Option<String>,
}

/// When a file goes up: assets before the pages that use them, pages before the indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Images, CSS, JS, PDFs, fonts, search indexes.
    Asset,
    /// HTML pages (short links included) and feeds.
    Page,
    /// `sitemap.xml` and `robots.txt`, which point search engines at the pages.
    Index,
}

impl Phase {
    /// The phase of a site path.
    pub fn of(path: &str) -> Self {
        let name = path.rsplit('/').next().unwrap_or(path);
        if path == "robots.txt" || (name.starts_with("sitemap") && name.ends_with(".xml")) {
            Phase::Index
        } else if name.ends_with(".html") || name.ends_with(".xml") {
            Phase::Page
        } else {
            Phase::Asset
        }
    }
}

/// One file to upload.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The local file.
    pub file: LocalFile,
    /// The headers it goes up with.
    pub headers: Headers,
    /// When it goes.
    pub phase: Phase,
    /// New to the site (not in the manifest): for the summary and Baidu.
    pub added: bool,
}

/// What a deploy will do.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files to upload, in upload order.
    pub uploads: Vec<Upload>,
    /// Paths (relative to the prefix) of objects to delete.
    pub deletes: Vec<String>,
    /// Files already published as they are.
    pub unchanged: usize,
    /// Of the uploads, files the manifest called published but the listing did not show as such.
    pub repaired: usize,
}

/// Compares the local files with the manifest and the listing.
pub fn plan(
    local: Vec<LocalFile>,
    headers_of: impl Fn(&str) -> Headers,
    manifest: &Manifest,
    listing: &HashMap<String, Listed>,
) -> Plan {
    let mut plan = Plan::default();
    let mut wanted = std::collections::HashSet::new();
    for file in local {
        wanted.insert(file.path.clone());
        let headers = headers_of(&file.path);
        let recorded = manifest.files.get(&file.path);
        let same =
            recorded.is_some_and(|entry| entry.hash == file.hash && entry.headers == headers);
        if same {
            if recorded.is_some_and(|entry| published(entry, listing.get(&file.path))) {
                plan.unchanged += 1;
                continue;
            }
            plan.repaired += 1;
        }
        plan.uploads.push(Upload {
            phase: Phase::of(&file.path),
            added: recorded.is_none(),
            file,
            headers,
        });
    }
    plan.uploads
        .sort_by(|a, b| (a.phase, &a.file.path).cmp(&(b.phase, &b.file.path)));
    plan.deletes = manifest
        .files
        .keys()
        .filter(|path| !wanted.contains(*path) && listing.contains_key(*path))
        .cloned()
        .collect();
    plan
}

/// Whether the listed object is the one the manifest recorded.
fn published(entry: &Entry, listed: Option<&Listed>) -> bool {
    let Some(listed) = listed else {
        return false;
    };
    let etag_agrees = match (&entry.etag, &listed.etag) {
        (Some(recorded), Some(seen)) => normalize_etag(recorded) == normalize_etag(seen),
        _ => true,
    };
    listed.size == entry.size && etag_agrees
}

/// An `ETag` without quotes and weak marker, lowercase.
pub fn normalize_etag(etag: &str) -> String {
    etag.trim()
        .trim_start_matches("W/")
        .trim_matches('"')
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::headers;

    fn file(path: &str, hash: &str) -> LocalFile {
        LocalFile {
            path: path.into(),
            source: path.into(),
            hash: hash.into(),
            size: 3,
        }
    }

    fn entry(path: &str, hash: &str) -> Entry {
        Entry {
            hash: hash.into(),
            size: 3,
            headers: headers::for_path(path, ""),
            etag: Some(format!("\"e-{hash}\"")),
        }
    }

    fn listed(hash: &str) -> Listed {
        Listed {
            size: 3,
            etag: Some(format!("e-{hash}")),
        }
    }

    #[test]
    fn uploads_what_changed_in_order_and_deletes_only_what_parkpress_put_there() {
        let mut manifest = Manifest::default();
        for (path, hash) in [
            ("index.html", "a"),
            ("old/index.html", "b"),
            ("css/site.css", "c"),
        ] {
            manifest.files.insert(path.into(), entry(path, hash));
        }
        let listing: HashMap<String, Listed> = [
            ("index.html", listed("a")),
            ("old/index.html", listed("b")),
            ("css/site.css", listed("c")),
            ("baidu_verify_x.html", listed("z")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let local = vec![
            file("sitemap.xml", "s"),
            file("index.html", "a2"),
            file("css/site.css", "c"),
            file("images/x.png", "i"),
        ];
        let plan = plan(local, |p| headers::for_path(p, ""), &manifest, &listing);
        let order: Vec<&str> = plan.uploads.iter().map(|u| u.file.path.as_str()).collect();
        assert_eq!(order, ["images/x.png", "index.html", "sitemap.xml"]);
        assert_eq!(plan.unchanged, 1);
        assert_eq!(plan.deletes, ["old/index.html"]);
    }

    #[test]
    fn a_manifest_the_bucket_disagrees_with_is_repaired() {
        let mut manifest = Manifest::default();
        manifest.files.insert("a.html".into(), entry("a.html", "a"));
        manifest.files.insert("b.html".into(), entry("b.html", "b"));
        manifest
            .files
            .insert("gone.html".into(), entry("gone.html", "g"));
        // a.html was deleted by hand, b.html overwritten with other bytes of the same size.
        let listing: HashMap<String, Listed> = [("b.html".to_owned(), listed("other"))].into();
        let local = vec![file("a.html", "a"), file("b.html", "b")];
        let plan = plan(local, |p| headers::for_path(p, ""), &manifest, &listing);
        assert_eq!(plan.uploads.len(), 2);
        assert_eq!(plan.repaired, 2);
        assert!(plan.deletes.is_empty(), "gone.html is not there to delete");
    }
}
