//! Prices the investor tools cannot use: a money figure whose rate (`元/…`) is not one the
//! units module understands is shown as "ask us" by the estimator and the comparison.

use super::place;
use crate::diagnostics::Diagnostic;
use crate::model::units::is_money;
use crate::model::{CarrierKind, Park, Pos, Unit};

/// The warning for a factor price whose unit is money but not an understood rate.
pub(super) fn unknown_price_unit(pos: Option<&Pos>, texts: &[&str], kind: &str) -> Diagnostic {
    place(
        pos,
        Diagnostic::warning(
            "unit-unknown",
            format!(
                "price unit `{}` of a `{kind}` factor is not understood",
                texts.join("` / `")
            ),
        )
        .with_hint(
            "write the rate like 元/千瓦时, 元/吨, 元/立方米, 万元/亩 (or yuan/kWh, yuan/t, yuan/m³, \
             10,000 yuan/mu); until then the cost estimator and the comparison show \"ask us\"",
        ),
    )
}

/// Warns about carrier prices in money whose rate is not per m²·month (per mu for land).
pub(super) fn carrier_prices(park: &Park, out: &mut Vec<Diagnostic>) {
    for carrier in &park.carriers {
        let Some(price) = &carrier.price else {
            continue;
        };
        let Unit::Text(unit) = &price.unit else {
            continue;
        };
        let mut texts: Vec<&str> = unit.all().map(|(_, t)| t).collect();
        texts.dedup();
        if carrier.unit_price.is_some() || !texts.iter().any(|t| is_money(t)) {
            continue;
        }
        let expected = match carrier.kind {
            CarrierKind::Land => "万元/亩 (10,000 yuan/mu)",
            _ => "元/平方米·月 (yuan/m²·month), or per day or year",
        };
        out.push(place(
            carrier.price_pos.as_ref(),
            Diagnostic::warning(
                "unit-unknown",
                format!(
                    "price unit `{}` of carrier `{}` in park `{}` is not understood",
                    texts.join("` / `"),
                    carrier.name.get(""),
                    park.key
                ),
            )
            .with_hint(format!(
                "write it like {expected}; until then the space finder cannot filter it by price"
            )),
        ));
    }
}
