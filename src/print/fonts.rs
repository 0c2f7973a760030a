//! Fonts for PDFs: the theme's `fonts/`, each `--font-path`, then the system's fonts (unless
//! `PARKPRESS_NO_SYSTEM_FONTS=1`), loaded once per run and shared by every document.

use std::path::PathBuf;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo, FontVariant};
use typst::utils::LazyHash;
use typst_kit::fonts::FontStore;

use crate::render::theme::Theme;

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
