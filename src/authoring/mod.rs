//! The authoring workflow of zone staff: [`init`] makes a new site, [`scaffold`] adds a park,
//! tenant, news item or page to fill in, [`import`] turns the spreadsheets staff keep (tenant
//! lists, policy and price tables) into content files, and [`diff`] lists the facts that changed
//! between two editions, for the sign-off (审核) every edition needs before it is published.
//!
//! Nothing here prints: each function returns what it did, and the CLI tells the user.

pub mod diff;
pub mod import;
pub mod init;
pub mod scaffold;
pub mod sheet;
mod toml_text;

use anyhow::Context as _;
use std::path::{Path, PathBuf};

use crate::content::parse::is_slug;

use crate::model::RESERVED;

/// What the authoring commands need to know of `content/site.toml`, read leniently so a site
/// with content errors can still be scaffolded into.
#[derive(Debug, Clone)]
pub struct SiteInfo {
    /// Language codes, default first.
    pub languages: Vec<String>,
    /// Zone industries: key and every name it is known by (one per language).
    pub industries: Vec<(String, Vec<String>)>,
}

impl SiteInfo {
    /// The default language.
    pub fn default_lang(&self) -> &str {
        self.languages.first().map_or("zh", String::as_str)
    }

    /// Reads `content/site.toml` of `root`. Only a missing or unparsable file is an error; missing
    /// fields fall back to `zh` and `en` and no industries.
    pub fn read(root: &Path) -> anyhow::Result<Self> {
        let path = root.join("content").join("site.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            anyhow::anyhow!(
                "`{}` does not parse: {}\n  = help: run `parkpress check` to see where",
                path.display(),
                e.message()
            )
        })?;
        let languages: Vec<String> = table
            .get("languages")
            .and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .filter(|l: &Vec<String>| !l.is_empty())
            .unwrap_or_else(|| vec!["zh".into(), "en".into()]);
        let industries = table
            .get("zone")
            .and_then(|z| z.get("industries"))
            .and_then(toml::Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|i| {
                        let key = i.get("key")?.as_str()?.to_owned();
                        let names = match i.get("name") {
                            Some(toml::Value::String(s)) => vec![s.clone()],
                            Some(toml::Value::Table(t)) => t
                                .values()
                                .filter_map(|v| v.as_str().map(str::to_owned))
                                .collect(),
                            _ => Vec::new(),
                        };
                        Some((key, names))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            languages,
            industries,
        })
    }
}

/// Checks that `key` can name a park, tenant, news item or page; the error names the rule.
pub fn check_key(what: &str, key: &str) -> anyhow::Result<()> {
    if is_slug(key) {
        return Ok(());
    }
    anyhow::bail!(
        "`{key}` is not a valid {what} key: keys are slugs, lower-case letters a-z, digits and \
         single hyphens inside (`[a-z0-9]+(-[a-z0-9]+)*`), because they become URLs\n  = help: \
         try `{}`",
        crate::content::parse::suggest_slug(key)
    )
}

/// Checks that a park or page key does not take a path parkpress uses itself.
fn check_not_reserved(what: &str, key: &str, languages: &[String]) -> anyhow::Result<()> {
    if RESERVED.contains(&key) || languages.iter().any(|l| l == key) {
        anyhow::bail!(
            "`{key}` cannot be a {what} key: /{key}/ is a path parkpress uses\n  = help: reserved \
             are {}, and the language codes ({})",
            RESERVED.join(", "),
            languages.join(", ")
        );
    }
    Ok(())
}

/// A file to write: where, and what.
#[derive(Debug, Clone)]
pub struct NewFile {
    /// Path on disk.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
}

/// Writes `files`, creating folders. Unless `force`, refuses (before writing any) when one
/// already exists.
fn write_files(files: &[NewFile], force: bool) -> anyhow::Result<()> {
    if !force {
        let existing: Vec<String> = files
            .iter()
            .filter(|f| f.path.exists())
            .map(|f| format!("`{}`", f.path.display()))
            .collect();
        if !existing.is_empty() {
            anyhow::bail!(
                "{} already exist{}; nothing was written\n  = help: edit the existing file, or \
                 pass --force to replace it",
                existing.join(", "),
                if existing.len() == 1 { "s" } else { "" }
            );
        }
    }
    for file in files {
        write_atomic(&file.path, file.text.as_bytes())?;
    }
    Ok(())
}

/// Writes a file through a temporary sibling and a rename, so a reader never sees half of it.
fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create folder `{}`", parent.display()))?;
    }
    let mut temp = path.as_os_str().to_owned();
    temp.push(".parkpress-tmp");
    let temp = PathBuf::from(temp);
    std::fs::write(&temp, bytes).with_context(|| format!("cannot write `{}`", temp.display()))?;
    std::fs::rename(&temp, path).with_context(|| {
        let _ = std::fs::remove_file(&temp);
        format!("cannot write `{}`", path.display())
    })
}

/// `path` relative to `root` with `/` separators, for messages.
fn display(root: &Path, path: &Path) -> String {
    crate::diagnostics::relative_display(root, path)
}

/// Park folders under `content/parks` that have a park.toml, for "known parks: …" hints.
fn known_parks(content: &Path) -> Vec<String> {
    let mut parks: Vec<String> = std::fs::read_dir(content.join("parks"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.path().join("park.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    parks.sort();
    if parks.is_empty() {
        parks.push("(none yet)".into());
    }
    parks
}
