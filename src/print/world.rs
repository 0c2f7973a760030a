//! The Typst `World` of one document: its generated main source, the site's images (only files
//! under content/ that the site knows, never arbitrary paths), QR codes of short links, fonts.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

use super::fonts::Fonts;

/// Prefix of the virtual files holding QR codes: `/__qr/<code>.svg`.
pub const QR_DIR: &str = "__qr";

/// What every document of a run shares.
pub struct Shared<'a> {
    /// Typst's standard library.
    pub library: LazyHash<Library>,
    /// Fonts.
    pub fonts: &'a Fonts,
    /// `content/` on disk.
    pub content_dir: PathBuf,
    /// Files under content/ documents may read.
    pub assets: &'a BTreeSet<String>,
    /// The site's images: SVGs are typeset from their sanitized form.
    pub images: &'a crate::assets::images::ImagePlan,
    /// Short-link code → short link, for `/__qr/<code>.svg`.
    pub qr_codes: HashMap<String, String>,
    /// Embed photos at the full resolution of their files (the print shop's PDFs), not as the
    /// copies capped at [`crate::assets::images::PRINT_SIDE`] that screen PDFs get.
    pub full_resolution: bool,
    /// The content path of each raster image handed to Typst, by the hash of its bytes: to name
    /// the file a warning about an embedded image is about.
    pub embedded: Mutex<HashMap<u128, String>>,
    /// The build date.
    pub today: Datetime,
}

/// One document to compile.
pub struct PrintWorld<'a> {
    shared: &'a Shared<'a>,
    main: Source,
}

impl Shared<'_> {
    /// The content path of a raster image Typst embedded, from its bytes.
    pub fn image_path(&self, bytes: &[u8]) -> Option<String> {
        let embedded = self
            .embedded
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        embedded.get(&xxhash_rust::xxh3::xxh3_128(bytes)).cloned()
    }
}

impl<'a> PrintWorld<'a> {
    /// A world whose main file is `source` (generated Typst markup).
    pub fn new(shared: &'a Shared<'a>, name: &str, source: String) -> Self {
        let path = VirtualPath::new(format!("/{name}"))
            .unwrap_or_else(|_| VirtualPath::new("/main.typ").expect("a valid path"));
        let id = FileId::new(RootedPath::new(VirtualRoot::Project, path));
        Self {
            shared,
            main: Source::new(id, source),
        }
    }

    /// The generated source.
    pub fn main_source(&self) -> &Source {
        &self.main
    }

    fn read(&self, id: FileId) -> FileResult<Bytes> {
        let rooted = id.get();
        let path = rooted.vpath().get_without_slash();
        let not_found = || FileError::NotFound(PathBuf::from(path));
        if let Some(code) = path
            .strip_prefix(&format!("{QR_DIR}/"))
            .and_then(|p| p.strip_suffix(".svg"))
        {
            let url = self.shared.qr_codes.get(code).ok_or_else(not_found)?;
            let svg = crate::share::qr::Matrix::new(url)
                .map_err(|e| FileError::Other(Some(e.into())))?
                .svg(url);
            return Ok(Bytes::from_string(svg));
        }
        // Only files the site knows, under content/: a template cannot read anything else.
        if !self.shared.assets.contains(path) {
            return Err(not_found());
        }
        if let Some(svg) = self.shared.images.svg(path) {
            return Ok(Bytes::new(svg.to_vec()));
        }
        // Photos are embedded as print copies: no EXIF or GPS, no more pixels than print needs
        // (all of them in the print shop's files).
        let file = self.shared.content_dir.join(path);
        if let Some(copy) = (self.shared.images).print_copy(&file, self.shared.full_resolution) {
            let copy = copy.map_err(|e| FileError::Other(Some(format!("{path}: {e}").into())))?;
            self.shared
                .embedded
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(xxhash_rust::xxh3::xxh3_128(&copy), path.to_owned());
            return Ok(Bytes::new(copy.to_vec()));
        }
        crate::safe_fs::read_regular(&self.shared.content_dir.join(path))
            .map(Bytes::new)
            .map_err(|e| FileError::from_io(e, &self.shared.content_dir.join(path)))
    }
}

impl World for PrintWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.shared.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(PathBuf::from(
                id.get().vpath().get_without_slash(),
            )))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.text().to_owned()));
        }
        self.read(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.shared.today)
    }
}
