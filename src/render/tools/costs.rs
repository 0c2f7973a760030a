//! `/costs/`, the cost estimator (成本测算): each park's unit prices, server-side, and the inputs
//! the script multiplies them with (monthly quantities from the query string).

use serde::Serialize;

use crate::views::prices::{Item, ParkRef, PriceView};
use crate::views::{LangViews, ViewCx};

/// One input of the estimator: a query parameter and the prices it is multiplied by.
#[derive(Debug, Clone, Serialize)]
pub struct CostInput {
    /// Query parameter and field name (`power_kwh`).
    pub name: &'static str,
    /// Label.
    pub label: String,
    /// Unit of the quantity (`kWh/month`).
    pub unit: String,
    /// Item codes it is multiplied by, space-separated (`water sewage`).
    pub items: String,
    /// Value shown before the visitor enters anything.
    pub example: &'static str,
    /// Whether it is a one-off quantity (land) rather than a monthly one.
    pub once: bool,
}

/// A priced item as a column head.
#[derive(Debug, Clone, Serialize)]
pub struct ItemHead {
    /// Code.
    pub code: &'static str,
    /// Label.
    pub label: String,
}

/// One park's prices for every item (`None`: the park lists no price, "ask us").
#[derive(Debug, Clone, Serialize)]
pub struct CostPark {
    /// The park.
    pub park: ParkRef,
    /// Price per item, in [`Item::ALL`] order.
    pub prices: Vec<CostCell>,
}

/// One item's price in one park.
#[derive(Debug, Clone, Serialize)]
pub struct CostCell {
    /// Item code.
    pub item: &'static str,
    /// Item label.
    pub label: String,
    /// The price, when the park lists one the program understands.
    pub price: Option<PriceView>,
}

/// The context of `costs.html`.
#[derive(Debug, Clone, Serialize)]
pub struct CostsView {
    /// Inputs, in form order.
    pub inputs: Vec<CostInput>,
    /// Column heads.
    pub items: Vec<ItemHead>,
    /// Parks, in listing order.
    pub parks: Vec<CostPark>,
}

/// (query parameter, items, example value, one-off)
const INPUTS: [(&str, &[Item], &str, bool); 6] = [
    ("power_kwh", &[Item::Power], "100000", false),
    ("water_t", &[Item::Water, Item::Sewage], "1000", false),
    ("gas_m3", &[Item::Gas], "0", false),
    ("steam_t", &[Item::Steam], "0", false),
    ("rent_m2", &[Item::Rent], "2000", false),
    ("land_mu", &[Item::Land], "50", true),
];

/// Builds the estimator's context in one language.
pub fn view(cx: &ViewCx, views: &LangViews) -> CostsView {
    let lang = views.lang.as_str();
    let inputs = INPUTS
        .iter()
        .map(|(name, items, example, once)| CostInput {
            name,
            label: cx.s(lang, &format!("costs.input.{name}")),
            unit: cx.s(lang, &format!("costs.input_unit.{name}")),
            items: items.iter().map(|i| i.code()).collect::<Vec<_>>().join(" "),
            example,
            once: *once,
        })
        .collect();
    let items = Item::ALL
        .iter()
        .map(|i| ItemHead {
            code: i.code(),
            label: cx.s(lang, &format!("tools.item.{}", i.code())),
        })
        .collect();
    let parks = cx
        .site
        .parks
        .iter()
        .map(|park| CostPark {
            park: cx.park_ref(park, lang),
            prices: Item::ALL
                .iter()
                .map(|&item| CostCell {
                    item: item.code(),
                    label: cx.s(lang, &format!("tools.item.{}", item.code())),
                    price: cx.item_price(park, item, lang),
                })
                .collect(),
        })
        .collect();
    CostsView {
        inputs,
        items,
        parks,
    }
}
