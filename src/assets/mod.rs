//! Files the site publishes besides pages: images (planned, resized, cached).

pub mod images;
