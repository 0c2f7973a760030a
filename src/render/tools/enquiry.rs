//! `/enquiry/`, the enquiry form (投资咨询): posts to the zone's form service, or opens a
//! pre-filled email when there is none.

use serde::Serialize;

use crate::views::context::FilterOption;
use crate::views::{LangViews, ViewCx};

/// The context of `enquiry.html`.
#[derive(Debug, Clone, Serialize)]
pub struct EnquiryView {
    /// The form service (`[enquiry] endpoint`); none: a mailto fallback.
    pub endpoint: Option<String>,
    /// Where the fallback email goes.
    pub email: Option<String>,
    /// Parks to choose from.
    pub parks: Vec<FilterOption>,
    /// Who collects the data (the zone), for the consent notice.
    pub controller: String,
}

/// Builds the enquiry form's context in one language.
pub fn view(cx: &ViewCx, views: &LangViews) -> EnquiryView {
    let enquiry = &cx.site.enquiry;
    EnquiryView {
        endpoint: enquiry.endpoint.clone(),
        email: enquiry.email.clone(),
        parks: views
            .parks
            .iter()
            .map(|p| FilterOption {
                value: p.key.clone(),
                label: p.name.clone(),
            })
            .collect(),
        controller: views.zone.name.clone(),
    }
}
