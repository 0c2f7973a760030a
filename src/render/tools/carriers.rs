//! `/carriers/`, the space finder (载体查询): every carrier of every park, with its kind, free
//! area in m² and monthly rent per m² in data attributes for the script's filters.

use serde::Serialize;

use crate::model::units::Measure;
use crate::views::context::{CarrierView, FilterOption};
use crate::views::prices::{ParkRef, plain};
use crate::views::{LangViews, ViewCx};

/// One carrier in the cross-park list.
#[derive(Debug, Clone, Serialize)]
pub struct CarrierRow {
    /// Its park.
    pub park: ParkRef,
    /// The carrier as the park page shows it.
    pub carrier: CarrierView,
    /// Free area in plain m², when known.
    pub available_m2: Option<String>,
    /// Rent in plain yuan per m²·month, when the price is a monthly rent.
    pub price_m2_month: Option<String>,
    /// The price in the one unit all parks are compared in, when understood.
    pub unit_price: Option<String>,
}

/// The context of `carriers.html`.
#[derive(Debug, Clone, Serialize)]
pub struct CarriersView {
    /// Kinds present, for the kind field.
    pub kinds: Vec<FilterOption>,
    /// Every carrier, park by park.
    pub rows: Vec<CarrierRow>,
}

/// Builds the space finder's context in one language.
pub fn view(cx: &ViewCx, views: &LangViews) -> CarriersView {
    let lang = views.lang.as_str();
    let mut kinds: Vec<FilterOption> = Vec::new();
    let mut rows = Vec::new();
    for park in &cx.site.parks {
        for carrier in &park.carriers {
            let kind = carrier.kind.code();
            if !kinds.iter().any(|k| k.value == kind) {
                kinds.push(FilterOption {
                    value: kind.to_owned(),
                    label: cx.s(lang, &format!("carrier_kind.{kind}")),
                });
            }
            let monthly = carrier
                .unit_price
                .filter(|p| p.per == Measure::SquareMetreMonth);
            rows.push(CarrierRow {
                park: cx.park_ref(park, lang),
                carrier: cx.carrier_view(carrier, lang),
                available_m2: carrier.available_m2.map(|m2| plain(m2.round())),
                price_m2_month: monthly.map(|p| plain(p.yuan)),
                unit_price: carrier.unit_price.map(|p| cx.price_display(p, lang)),
            });
        }
    }
    CarriersView { kinds, rows }
}
