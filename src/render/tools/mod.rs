//! The investor tools: cost estimator, policy finder, space finder, park comparison and the
//! enquiry form. Each page has its own typed context, built from the shared per-language views;
//! the pages list everything server-side (readable without scripts) and the theme's scripts
//! compute and filter from the query string. Prices come from [`crate::views::prices`].

pub mod carriers;
pub mod compare;
pub mod costs;
pub mod enquiry;
pub mod finder;
