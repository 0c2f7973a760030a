//! Fonts for PDFs: the theme's `fonts/`, each `--font-path`, then the system's fonts (unless
//! `PARKPRESS_NO_SYSTEM_FONTS=1`), loaded once per run and shared by every document.

use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo, FontVariant};
use typst::utils::LazyHash;
use typst_kit::fonts::FontStore;

use crate::files::ThemeFile;
use crate::theme::Theme;

/// Every font a run may use.
pub struct Fonts {
    store: FontStore,
}

impl Fonts {
    /// Loads the theme's fonts, then those under each of `font_paths`, then the system's.
    pub fn load(theme: &Theme, font_paths: &[PathBuf], system: bool) -> Self {
        let mut store = FontStore::new();
        for file in theme.fonts.values() {
            if let Ok(bytes) = file.bytes() {
                let fonts: Vec<(Font, FontInfo)> = Font::iter(Bytes::new(bytes.into_owned()))
                    .map(|font| {
                        let info = font.info().clone();
                        (font, info)
                    })
                    .collect();
                store.extend(fonts);
            }
        }
        for dir in font_paths {
            store.extend(typst_kit::fonts::scan(dir));
        }
        if system {
            store.extend(typst_kit::fonts::system());
        }
        Self { store }
    }

    /// Metadata of the loaded fonts.
    pub fn book(&self) -> &LazyHash<FontBook> {
        self.store.book()
    }

    /// The font at `index` of the book, loaded on first use.
    pub fn font(&self, index: usize) -> Option<Font> {
        self.store.font(index)
    }

    /// Whether some font covers every character of `sample`.
    pub fn covers(&self, sample: &str) -> bool {
        let book = self.store.book();
        sample.chars().filter(|c| !c.is_whitespace()).all(|c| {
            book.select_fallback(None, FontVariant::default(), &c.to_string())
                .is_some()
        })
    }
}

/// Fonts kept between the builds of one process (`serve --pdf`): scanning the system's fonts
/// and parsing the theme's takes longer than typesetting a brochure, so they are loaded again only
/// when a theme font file, a `--font-path` or the use of system fonts changes.
#[derive(Default)]
pub struct FontCache {
    loaded: Mutex<Option<(u64, Arc<Fonts>)>>,
}

impl std::fmt::Debug for FontCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontCache").finish_non_exhaustive()
    }
}

impl FontCache {
    /// The fonts of [`Fonts::load`], from the previous call when its inputs are the same.
    pub fn get(&self, theme: &Theme, font_paths: &[PathBuf], system: bool) -> Arc<Fonts> {
        let key = inputs_key(theme, font_paths, system);
        let mut loaded = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((kept, fonts)) = loaded.as_ref()
            && *kept == key
        {
            return Arc::clone(fonts);
        }
        let fonts = Arc::new(Fonts::load(theme, font_paths, system));
        *loaded = Some((key, Arc::clone(&fonts)));
        fonts
    }

    /// Forgets the loaded fonts, so the next [`FontCache::get`] scans again (after a font was
    /// found missing: the user may have installed it since).
    pub fn forget(&self) {
        *self.loaded.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

/// What the loaded fonts depend on: the theme's font files (name, and size and modification time
/// on disk), the font folders and whether system fonts are used.
fn inputs_key(theme: &Theme, font_paths: &[PathBuf], system: bool) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for (name, file) in &theme.fonts {
        name.hash(&mut hasher);
        match file {
            ThemeFile::Builtin(bytes) => bytes.len().hash(&mut hasher),
            ThemeFile::Disk(path) => {
                let meta = std::fs::metadata(path).ok();
                meta.as_ref().map(std::fs::Metadata::len).hash(&mut hasher);
                meta.and_then(|m| m.modified().ok()).hash(&mut hasher);
            }
        }
    }
    font_paths.hash(&mut hasher);
    system.hash(&mut hasher);
    hasher.finish()
}

/// The script a language's text is written in, a sample of it, and the Debian package of fonts
/// that cover it (named in the error when none is installed).
pub fn script_of(lang: &str) -> (&'static str, &'static str, &'static str) {
    match lang.split('-').next().unwrap_or(lang) {
        "zh" => ("Chinese (Han)", "中国园区开发投资", "fonts-noto-cjk"),
        "ja" => ("Japanese", "日本語のひらがな", "fonts-noto-cjk"),
        "ko" => ("Korean (Hangul)", "한국어", "fonts-noto-cjk"),
        "ru" | "uk" => ("Cyrillic", "Инвестиции", "fonts-noto-core"),
        "ar" => ("Arabic", "استثمار", "fonts-noto-core"),
        _ => ("Latin", "Investment", "fonts-noto-core"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_are_loaded_again_only_when_their_sources_change() {
        let root = tempfile::tempdir().expect("temp dir");
        let theme = crate::theme::load(root.path(), "default", None).expect("theme");
        let cache = FontCache::default();
        let first = cache.get(&theme, &[], false);
        assert!(Arc::ptr_eq(&first, &cache.get(&theme, &[], false)));
        let folder = vec![root.path().to_path_buf()];
        let with_folder = cache.get(&theme, &folder, false);
        assert!(!Arc::ptr_eq(&first, &with_folder));
        assert!(Arc::ptr_eq(
            &with_folder,
            &cache.get(&theme, &folder, false)
        ));
    }
}
