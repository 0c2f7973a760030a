//! Files the site publishes besides pages: images (planned, resized, cached).

pub mod images;
pub mod strip;
pub mod svg;
