//! Prices as the investor tools, park pages and brochures show them: one rate per item and park
//! in one unit for every park (electricity per kWh, water per m³, land per mu…), with its date,
//! plus the links from a park page to the tools.

use serde::Serialize;

use super::ViewCx;
use super::format;
use crate::model::units::{Measure, Price};
use crate::model::{CarrierKind, FactorKind, Park};

/// What the tools price: each is one rate per park, in one unit for every park.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// Electricity, per kWh.
    Power,
    /// Water, per m³ (= t).
    Water,
    /// Wastewater, per m³ of water used.
    Sewage,
    /// Gas, per m³.
    Gas,
    /// Steam, per t.
    Steam,
    /// Rent, per m²·month (the lowest of the park's spaces).
    Rent,
    /// Land, per mu, once.
    Land,
}

impl Item {
    /// Every item, in the order tables show them.
    pub const ALL: [Item; 7] = [
        Item::Power,
        Item::Water,
        Item::Sewage,
        Item::Gas,
        Item::Steam,
        Item::Rent,
        Item::Land,
    ];

    /// The code in data attributes (`data-price-power`, `data-missing="water,steam"`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Power => "power",
            Self::Water => "water",
            Self::Sewage => "sewage",
            Self::Gas => "gas",
            Self::Steam => "steam",
            Self::Rent => "rent",
            Self::Land => "land",
        }
    }

    fn measure(self) -> Measure {
        match self {
            Self::Power => Measure::Kwh,
            Self::Water | Self::Sewage | Self::Gas => Measure::CubicMetre,
            Self::Steam => Measure::Tonne,
            Self::Rent => Measure::SquareMetreMonth,
            Self::Land => Measure::Mu,
        }
    }

    fn factor_kind(self) -> Option<FactorKind> {
        match self {
            Self::Power => Some(FactorKind::Electricity),
            Self::Water => Some(FactorKind::Water),
            Self::Sewage => Some(FactorKind::Sewage),
            Self::Gas => Some(FactorKind::Gas),
            Self::Steam => Some(FactorKind::Steam),
            Self::Land => Some(FactorKind::Land),
            Self::Rent => None,
        }
    }
}

/// A price as the tool pages show it and their scripts compute with it.
#[derive(Debug, Clone, Serialize)]
pub struct PriceView {
    /// Plain yuan per unit, no grouping (`0.58`, `180000`), for data attributes.
    pub yuan: String,
    /// As the language writes it, with the unit (`0.58 yuan/kWh`, `18万元/亩`).
    pub display: String,
    /// Localized as-of date of the figure.
    pub as_of: Option<String>,
    /// ISO as-of date.
    pub as_of_iso: Option<String>,
    /// The space it comes from (rent and land offered as a carrier).
    pub via: Option<String>,
}

impl ViewCx<'_> {
    /// A price in `lang`, in the one unit every park is shown in: Chinese shows land in
    /// 万元/亩 as zone staff write it, other languages in yuan.
    pub fn price_display(&self, price: Price, lang: &str) -> String {
        let unit = self.s(lang, &format!("unit.{}", price.per.code()));
        let value = if price.per == Measure::Mu && lang.starts_with("zh") {
            price.yuan / 1e4
        } else {
            price.yuan
        };
        // A daily rent becomes 15.2083 a month: cents are enough once a price reaches a yuan.
        let value = if value >= 1.0 {
            (value * 100.0).round() / 100.0
        } else {
            value
        };
        format::join_unit(&format::number(value, lang), &unit)
    }

    /// What `park` charges for `item`, with its date and, for rent and land carriers, the space.
    pub fn item_price(&self, park: &Park, item: Item, lang: &str) -> Option<PriceView> {
        let from_factor = item.factor_kind().and_then(|kind| {
            park.factors
                .iter()
                .filter(|f| f.kind == kind)
                .find_map(|f| f.price.map(|p| (p, f.as_of, None)))
        });
        let found = from_factor.or_else(|| {
            let wanted = item.measure();
            park.carriers
                .iter()
                .filter(|c| (c.kind == CarrierKind::Land) == (item == Item::Land))
                .filter_map(|c| c.unit_price.filter(|p| p.per == wanted).map(|p| (p, c)))
                .min_by(|a, b| a.0.yuan.total_cmp(&b.0.yuan))
                .map(|(p, c)| (p, c.as_of, Some(c.name.get(lang).to_owned())))
        })?;
        let (price, as_of, via) = found;
        Some(PriceView {
            yuan: plain(price.yuan),
            display: self.price_display(price, lang),
            as_of: as_of.map(|d| format::date(d, lang)),
            as_of_iso: as_of.map(|d| d.to_string()),
            via,
        })
    }

    /// URL of the enquiry form with a park chosen.
    pub fn enquiry_url(&self, lang: &str, park: &str) -> String {
        format!("{}?park={park}", self.urls.page(lang, "enquiry/"))
    }
}

/// A number as scripts read it: no grouping, no trailing zeros.
pub fn plain(value: f64) -> String {
    let rounded = (value * 1e6).round() / 1e6;
    format!("{rounded}")
}

/// A park as each tool heads its rows and columns.
#[derive(Debug, Clone, Serialize)]
pub struct ParkRef {
    /// Key.
    pub key: String,
    /// Name.
    pub name: String,
    /// Park page.
    pub url: String,
    /// The enquiry form with this park chosen.
    pub enquiry_url: String,
}

impl ViewCx<'_> {
    /// The reference every tool shows for a park.
    pub fn park_ref(&self, park: &Park, lang: &str) -> ParkRef {
        ParkRef {
            key: park.key.clone(),
            name: park.name.get(lang).to_owned(),
            url: self.urls.page(lang, &ViewCx::park_path(&park.key)),
            enquiry_url: self.enquiry_url(lang, &park.key),
        }
    }
}

/// A park page's links to the tools.
#[derive(Debug, Clone, Serialize)]
pub struct ToolLinks {
    /// The comparison with this park chosen.
    pub compare: String,
    /// The cost estimator.
    pub costs: String,
    /// The enquiry form with this park chosen.
    pub enquiry: String,
}

impl ViewCx<'_> {
    /// The tools' links for a park page.
    pub fn tool_links(&self, park: &Park, lang: &str) -> ToolLinks {
        let others: Vec<&str> = self
            .site
            .parks
            .iter()
            .map(|p| p.key.as_str())
            .filter(|k| *k != park.key)
            .take(1)
            .collect();
        let parks = std::iter::once(park.key.as_str())
            .chain(others)
            .collect::<Vec<_>>()
            .join(",");
        ToolLinks {
            compare: format!("{}?parks={parks}", self.urls.page(lang, "compare/")),
            costs: self.urls.page(lang, "costs/"),
            enquiry: self.enquiry_url(lang, &park.key),
        }
    }
}
