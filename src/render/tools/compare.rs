//! `/compare/`, the park comparison: one column per park (the script keeps the two to four
//! chosen in `?parks=`), one row per fact, every price in one unit per row.

use serde::Serialize;

use crate::views::context::{AccessView, ContactView, IndustryView};
use crate::views::format::Figure;
use crate::views::prices::{Item, ParkRef, PriceView};
use crate::views::{LangViews, ViewCx};

/// One park's column.
#[derive(Debug, Clone, Serialize)]
pub struct CompareColumn {
    /// The park.
    pub park: ParkRef,
    /// Positioning.
    pub positioning: String,
    /// Operator.
    pub operator: String,
    /// Status label.
    pub status: String,
    /// Area.
    pub area: Option<Figure>,
    /// Industries.
    pub industries: Vec<IndustryView>,
    /// Price per item, in [`Item::ALL`] order.
    pub prices: Vec<Option<PriceView>>,
    /// Carriers: name, kind and free area.
    pub carriers: Vec<String>,
    /// Access distances.
    pub access: Vec<AccessView>,
    /// Live policies.
    pub policy_count: usize,
    /// Contacts.
    pub contacts: Vec<ContactView>,
}

/// A price row's head.
#[derive(Debug, Clone, Serialize)]
pub struct PriceRow {
    /// Item code.
    pub item: &'static str,
    /// Label with its unit.
    pub label: String,
}

/// The context of `compare.html`.
#[derive(Debug, Clone, Serialize)]
pub struct CompareView {
    /// Price rows.
    pub price_rows: Vec<PriceRow>,
    /// Columns, in listing order.
    pub columns: Vec<CompareColumn>,
}

/// Builds the comparison's context in one language.
pub fn view(cx: &ViewCx, views: &LangViews) -> CompareView {
    let lang = views.lang.as_str();
    let columns = cx
        .site
        .parks
        .iter()
        .zip(&views.parks)
        .map(|(park, card)| {
            let park_view = cx.park_contacts(park, lang);
            CompareColumn {
                park: cx.park_ref(park, lang),
                positioning: card.positioning.clone(),
                operator: card.operator.clone(),
                status: card.status_label.clone(),
                area: card.area.clone(),
                industries: card.industries.clone(),
                prices: Item::ALL
                    .iter()
                    .map(|&item| cx.item_price(park, item, lang))
                    .collect(),
                carriers: park
                    .carriers
                    .iter()
                    .map(|c| {
                        let view = cx.carrier_view(c, lang);
                        match view.available {
                            Some(free) => format!(
                                "{} ({}{}{})",
                                view.name,
                                view.kind_label,
                                cx.s(lang, "list_separator"),
                                free.display
                            ),
                            None => format!("{} ({})", view.name, view.kind_label),
                        }
                    })
                    .collect(),
                access: cx.access_views(&park.access, lang),
                policy_count: card.policy_count,
                contacts: park_view,
            }
        })
        .collect();
    CompareView {
        price_rows: Item::ALL
            .iter()
            .map(|i| PriceRow {
                item: i.code(),
                label: cx.s(lang, &format!("tools.item.{}", i.code())),
            })
            .collect(),
        columns,
    }
}
