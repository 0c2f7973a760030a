//! Stage 1: walk `content/`, read every file, split front matter and parse TOML into raw structs.
//! Errors are collected, never fatal: every file that can be read is read, so one run reports all.

pub mod cache;
pub mod codes;
pub mod keyboard;
pub mod limits;
pub mod parse;
pub mod raw;

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::{Diagnostic, SourceFile};
use parse::{is_slug, parse_toml, read_source, split_front_matter, suggest_slug};
use raw::*;

pub use cache::SourceCache;
use cache::cached;

/// Everything read from `content/`, before cross-checking.
#[derive(Debug)]
pub struct LoadedContent {
    /// `content/` on disk.
    pub content_dir: PathBuf,
    /// site.toml and its parsed form (None when it could not be parsed).
    pub site: Option<Parsed<RawSiteConfig>>,
    /// audiences.toml when present.
    pub audiences: Option<Parsed<RawAudiences>>,
    /// Parks by folder key, in key order.
    pub parks: Vec<LoadedPark>,
    /// News items.
    pub news: Vec<Document<RawNews>>,
    /// Free pages.
    pub pages: Vec<Document<RawPage>>,
    /// Every other file under content/ (images and attachments), content-relative with `/`.
    pub assets: BTreeSet<String>,
    /// Symlinks under content/ that lead outside it (already reported), content-relative.
    pub escaping_links: BTreeSet<String>,
    /// Every park folder with a slug name, including those whose park.toml did not parse.
    pub park_folders: BTreeSet<String>,
    /// Problems found while reading.
    pub diagnostics: Vec<Diagnostic>,
}

/// A parsed TOML file (or front matter) with the file it came from.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    /// The file.
    pub file: Arc<SourceFile>,
    /// Byte offset of the TOML inside the file (non-zero for front matter), for positions of spans.
    pub base: usize,
    /// What it says.
    pub raw: T,
}

/// A Markdown document with optional front matter and its translations.
#[derive(Debug, Clone)]
pub struct Document<T> {
    /// Slug from the file name.
    pub key: String,
    /// The default-language file.
    pub original: Parsed<T>,
    /// Where the body starts in the original.
    pub body_start: usize,
    /// Line the body starts on.
    pub body_first_line: usize,
    /// `<key>.<lang>.md` siblings.
    pub translations: Vec<Translation>,
}

/// A translation file: language, text overrides from its front matter, and its body.
#[derive(Debug, Clone)]
pub struct Translation {
    /// Language code from the file name.
    pub lang: String,
    /// The file.
    pub file: Arc<SourceFile>,
    /// Text fields its front matter overrides, with their byte offset in the file.
    pub overrides: BTreeMap<String, (String, usize)>,
    /// Where the body starts.
    pub body_start: usize,
    /// Line the body starts on.
    pub body_first_line: usize,
}

/// One park folder.
#[derive(Debug, Clone)]
pub struct LoadedPark {
    /// Folder name.
    pub key: String,
    /// park.toml.
    pub park: Parsed<RawPark>,
    /// index.md and translations.
    pub index: Option<Document<RawParkIndex>>,
    /// tenants/*.md.
    pub tenants: Vec<Document<RawTenant>>,
}

/// Text fields a translation's front matter may override, per kind of document.
pub trait TranslatableFields {
    /// Field names whose values are localized text.
    const TEXT_FIELDS: &'static [&'static str];
}

impl TranslatableFields for RawTenant {
    const TEXT_FIELDS: &'static [&'static str] = &["name", "summary"];
}
impl TranslatableFields for RawNews {
    const TEXT_FIELDS: &'static [&'static str] = &["title", "summary"];
}
impl TranslatableFields for RawPage {
    const TEXT_FIELDS: &'static [&'static str] = &["title", "summary"];
}
impl TranslatableFields for RawParkIndex {
    const TEXT_FIELDS: &'static [&'static str] = &["summary"];
}

/// Reads the whole `content/` folder of `root`. With a `cache`, files unchanged since an earlier
/// load are taken from it instead of being read again; with `reads`, the digest of every file
/// read is noted there.
pub fn load(
    root: &Path,
    cache: Option<&SourceCache>,
    reads: Option<&crate::safe_fs::ReadLog>,
) -> LoadedContent {
    let loader = Loader { root, cache, reads };
    let content_dir = root.join("content");
    let mut diagnostics = Vec::new();
    let site = loader.toml::<RawSiteConfig>(&content_dir.join("site.toml"), &mut diagnostics, true);
    let audiences_path = content_dir.join("audiences.toml");
    let audiences = audiences_path
        .exists()
        .then(|| loader.toml::<RawAudiences>(&audiences_path, &mut diagnostics, true))
        .flatten();

    let park_dirs = list_dir(&content_dir.join("parks"), true);
    let parks_and_problems: Vec<(Option<LoadedPark>, Vec<Diagnostic>)> =
        park_dirs.par_iter().map(|dir| loader.park(dir)).collect();
    let mut parks = Vec::new();
    for (park, problems) in parks_and_problems {
        diagnostics.extend(problems);
        parks.extend(park);
    }

    let news = loader.documents::<RawNews>(&content_dir.join("news"), &mut diagnostics);
    let pages = loader.documents::<RawPage>(&content_dir.join("pages"), &mut diagnostics);
    let (assets, escaping_links) = collect_assets(root, &content_dir, &mut diagnostics);
    let park_folders = park_dirs
        .iter()
        .filter_map(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|name| is_slug(name))
        .collect();

    LoadedContent {
        content_dir,
        site,
        audiences,
        parks,
        news,
        pages,
        assets,
        escaping_links,
        park_folders,
        diagnostics,
    }
}

/// Reads files under one site root, through the cache of earlier loads when there is one.
#[derive(Clone, Copy)]
struct Loader<'a> {
    root: &'a Path,
    cache: Option<&'a SourceCache>,
    reads: Option<&'a crate::safe_fs::ReadLog>,
}

/// The front matter of an original document, where its body starts and on which line.
type ParsedOriginal<T> = (Parsed<T>, usize, usize);

impl Loader<'_> {
    /// Reads one content file ([`read_source`]).
    fn read(self, path: PathBuf) -> Result<SourceFile, Diagnostic> {
        read_source(self.root, path, self.reads)
    }

    fn toml<T: DeserializeOwned + Clone + Send + Sync + 'static>(
        self,
        path: &Path,
        diagnostics: &mut Vec<Diagnostic>,
        required: bool,
    ) -> Option<Parsed<T>> {
        if !path.exists() {
            if required {
                let missing = |file: &str| format!("`{file}` is missing");
                diagnostics.push(
                    Diagnostic::about_file("missing-file", self.root, path, missing)
                        .with_hint("run `parkpress init DIR` to see a complete example"),
                );
            }
            return None;
        }
        let (parsed, problems) = cached(self.cache, path, || {
            let file = match self.read(path.to_path_buf()) {
                Ok(file) => file,
                Err(d) => return (None, vec![d]),
            };
            let (raw, problems) = parse_toml::<T>(&file, 0..file.text.len());
            let file = Arc::new(file);
            let parsed = raw.map(|raw| Parsed { file, base: 0, raw });
            (parsed, problems)
        });
        diagnostics.extend(problems);
        parsed
    }

    fn park(self, dir: &Path) -> (Option<LoadedPark>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let key = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if key.starts_with('.') {
            return (None, diagnostics);
        }
        let park_toml = dir.join("park.toml");
        if !is_slug(&key) {
            diagnostics.push(
                Diagnostic::error("invalid-slug", format!("park folder `{key}` is not a slug"))
                    .in_path(format!("content/parks/{key}"))
                    .with_hint(format!(
                        "rename the folder to lower-case letters, digits and hyphens, e.g. `{}`",
                        suggest_slug(&key)
                    )),
            );
            return (None, diagnostics);
        }
        if !park_toml.exists() {
            diagnostics.push(
                Diagnostic::error(
                    "missing-file",
                    format!("park folder `content/parks/{key}` has no park.toml"),
                )
                .with_hint(format!("run `parkpress new park {key}` to create one")),
            );
            return (None, diagnostics);
        }
        let park = self.toml::<RawPark>(&park_toml, &mut diagnostics, true);
        let md_files = list_dir(dir, false)
            .into_iter()
            .filter(|p| is_markdown(p))
            .collect::<Vec<_>>();
        let index = self
            .group_documents::<RawParkIndex>(&md_files, &mut diagnostics)
            .into_iter()
            .find(|d| d.key == "index");
        let tenants = self.documents::<RawTenant>(&dir.join("tenants"), &mut diagnostics);
        let park = park.map(|park| LoadedPark {
            key,
            park,
            index,
            tenants,
        });
        (park, diagnostics)
    }

    fn documents<T: Loadable>(
        self,
        dir: &Path,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<Document<T>> {
        let files: Vec<PathBuf> = list_dir(dir, false)
            .into_iter()
            .filter(|p| is_markdown(p))
            .collect();
        self.group_documents(&files, diagnostics)
    }

    /// Groups `<key>.md` with its `<key>.<lang>.md` translations and parses them all.
    fn group_documents<T: Loadable>(
        self,
        files: &[PathBuf],
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<Document<T>> {
        let mut groups: BTreeMap<String, FileGroup> = BTreeMap::new();
        for path in files {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let stem = name.trim_end_matches(".md");
            let (key, lang) = match stem.split_once('.') {
                Some((key, lang)) => (key, Some(lang)),
                None => (stem, None),
            };
            if !is_slug(key) {
                let not_slug = |file: &str| format!("file name `{file}` is not a slug");
                diagnostics.push(
                    Diagnostic::about_file("invalid-slug", self.root, path, not_slug).with_hint(
                        format!(
                            "rename it to lower-case letters, digits and hyphens, e.g. `{}.md`",
                            suggest_slug(key)
                        ),
                    ),
                );
                continue;
            }
            let entry = groups.entry(key.to_owned()).or_default();
            match lang {
                Some(lang) => entry.1.push((lang.to_owned(), path.clone())),
                None => entry.0 = Some(path.clone()),
            }
        }
        let results: Vec<(Option<Document<T>>, Vec<Diagnostic>)> = groups
            .into_par_iter()
            .map(|(key, (original, translations))| {
                let mut problems = Vec::new();
                let Some(original) = original else {
                    if let Some((_, path)) = translations.first() {
                        let orphan = |file: &str| {
                            format!("`{file}` translates `{key}.md`, which does not exist")
                        };
                        problems.push(
                            Diagnostic::about_file("orphan-translation", self.root, path, orphan)
                                .with_hint(format!(
                                "add `{key}.md` in the default language, or rename the translation"
                            )),
                        );
                    }
                    return (None, problems);
                };
                let document = self.document::<T>(key, &original, translations, &mut problems);
                (document, problems)
            })
            .collect();
        let mut documents = Vec::new();
        for (document, problems) in results {
            diagnostics.extend(problems);
            documents.extend(document);
        }
        documents
    }

    fn document<T: Loadable>(
        self,
        key: String,
        original: &Path,
        translations: Vec<(String, PathBuf)>,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<Document<T>> {
        let (parsed, original_problems) = cached(self.cache, original, || {
            let mut problems = Vec::new();
            let parsed = parse_original::<T>(self, original, &mut problems);
            (parsed, problems)
        });
        problems.extend(original_problems);
        let (original, body_start, body_first_line): ParsedOriginal<T> = parsed?;
        let translations = translations
            .into_iter()
            .filter_map(|(lang, path)| {
                let (translation, translation_problems) = cached(self.cache, &path, || {
                    let mut problems = Vec::new();
                    let translation =
                        parse_translation::<T>(self, lang, path.clone(), &mut problems);
                    (translation, problems)
                });
                problems.extend(translation_problems);
                translation
            })
            .collect();
        Some(Document {
            key,
            original,
            body_start,
            body_first_line,
            translations,
        })
    }
}

/// What a document's front matter must be to be loaded (and kept between loads).
trait Loadable: DeserializeOwned + TranslatableFields + Clone + Send + Sync + 'static {}
impl<T: DeserializeOwned + TranslatableFields + Clone + Send + Sync + 'static> Loadable for T {}

/// The original file of a document (if any) and its translations by language.
type FileGroup = (Option<PathBuf>, Vec<(String, PathBuf)>);

fn parse_original<T: DeserializeOwned>(
    loader: Loader<'_>,
    path: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<ParsedOriginal<T>> {
    let file = loader
        .read(path.to_path_buf())
        .map_err(|d| problems.push(d))
        .ok()?;
    let split = split_front_matter(&file)
        .map_err(|d| problems.push(d))
        .ok()?;
    let range = split.front.clone().unwrap_or(0..0);
    let (raw, parse_problems) = parse_toml::<T>(&file, range.clone());
    problems.extend(parse_problems);
    let raw = raw?;
    Some((
        Parsed {
            file: Arc::new(file),
            base: range.start,
            raw,
        },
        split.body_start,
        split.body_first_line,
    ))
}

/// Sorted entries of a folder: sub-folders when `dirs`, else everything else (files, links,
/// pipes). A missing folder is empty.
fn list_dir(dir: &Path, dirs: bool) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        // Files are listed whatever their kind (links, pipes): reading one reports what it is.
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir() == dirs))
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// Whether a folder entry is Markdown by its name, `.md` alone included (which has no
/// extension to `Path`), so an oddly named file is reported rather than skipped.
fn is_markdown(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with(".md"))
}

fn parse_translation<T: TranslatableFields>(
    loader: Loader<'_>,
    lang: String,
    path: PathBuf,
    problems: &mut Vec<Diagnostic>,
) -> Option<Translation> {
    let file = loader.read(path).map_err(|d| problems.push(d)).ok()?;
    let split = split_front_matter(&file)
        .map_err(|d| problems.push(d))
        .ok()?;
    let mut overrides = BTreeMap::new();
    if let Some(range) = split.front.clone() {
        let (table, parse_problems) =
            parse_toml::<toml::Spanned<toml::Table>>(&file, range.clone());
        problems.extend(parse_problems);
        let table = table?;
        let text = &file.text[range.clone()];
        for (field, value) in table.into_inner() {
            let offset = range.start + find_key(text, &field);
            match value {
                toml::Value::String(s) if T::TEXT_FIELDS.contains(&field.as_str()) => {
                    overrides.insert(field, (s, offset));
                }
                _ => problems.push(
                    Diagnostic::error(
                        "translation-field",
                        format!("a translation's front matter may only override text, not `{field}`"),
                    )
                    .at(&file, offset)
                    .with_hint(format!(
                        "give `{field}` in the original file; here only {} may be set, as plain strings",
                        T::TEXT_FIELDS.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
                    )),
                ),
            }
        }
    }
    Some(Translation {
        lang,
        file: Arc::new(file),
        overrides,
        body_start: split.body_start,
        body_first_line: split.body_first_line,
    })
}

/// Offset of `key =` at the start of a line in a TOML text, or 0.
fn find_key(text: &str, key: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return offset + (line.len() - trimmed.len());
        }
        offset += line.len();
    }
    0
}

/// Every non-Markdown, non-TOML file under content/, and (apart) the symlinks that lead out of it.
fn collect_assets(
    root: &Path,
    content_dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut assets = BTreeSet::new();
    let mut escaping = BTreeSet::new();
    let canonical_content = content_dir
        .canonicalize()
        .unwrap_or_else(|_| content_dir.to_path_buf());
    for entry in walkdir::WalkDir::new(content_dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        let is_text = path.extension().is_some_and(|e| e == "md" || e == "toml");
        if is_text || entry.file_type().is_dir() {
            continue;
        }
        if !entry.file_type().is_file() && !entry.file_type().is_symlink() {
            let kind = entry
                .metadata()
                .map_or("a special file", |m| crate::safe_fs::describe(&m));
            let special =
                |file: &str| format!("`{file}` is {kind}, not a regular file; it is not read");
            diagnostics.push(
                Diagnostic::about_file("not-a-file", root, path, special)
                    .with_hint("put a regular file there, or remove it"),
            );
            continue;
        }
        if entry.file_type().is_symlink() {
            let inside = path
                .canonicalize()
                .is_ok_and(|target| target.starts_with(&canonical_content) && target.is_file());
            if !inside {
                let outside =
                    |file: &str| format!("`{file}` is a link that leads outside content/");
                diagnostics.push(
                    Diagnostic::about_file("path-outside-content", root, path, outside)
                        .with_hint("copy the file into content/ instead of linking to it"),
                );
                escaping.insert(crate::diagnostics::relative_display(content_dir, path));
                continue;
            }
        }
        let rel = crate::diagnostics::relative_display(content_dir, path);
        assets.insert(rel);
    }
    (assets, escaping)
}
