//! The parts of the model the investor tools compute with: factor and carrier prices in plain
//! yuan, free areas in m², policies' structured eligibility, and where enquiries go.

use std::collections::HashSet;
use toml::Spanned;

use super::{Cx, Loc};
use crate::content::raw;
use crate::diagnostics::Diagnostic;
use crate::model::units::{Measure, Price, square_metres_per};
use crate::model::{Carrier, CarrierKind, Eligible, Enquiry, Factor, FactorValue, Text, Unit};

impl Cx<'_> {
    pub(super) fn factor(&mut self, loc: Loc, f: &raw::RawFactor) -> Factor {
        let value = f.value.as_ref().map(|v| match v.get_ref() {
            raw::RawValue::Number(n) => FactorValue::Number(*n),
            raw::RawValue::Text(t) => {
                let at = Some(loc.base + v.span().start);
                FactorValue::Text(self.localize(loc, at, "factors.value", t, &[]))
            }
        });
        let unit = self.opt_text(loc, "factors.unit", f.unit.as_ref());
        let price = match (&value, &unit) {
            (Some(FactorValue::Number(n)), Some(unit)) => {
                first_parsed(unit, |text| Price::of_factor(f.kind, *n, text))
            }
            _ => None,
        };
        Factor {
            kind: f.kind,
            label: self.opt_text(loc, "factors.label", f.label.as_ref()),
            value,
            unit,
            price,
            note: self.opt_text(loc, "factors.note", f.note.as_ref()),
            as_of: f.as_of.as_ref().map(|d| self.date(d)),
            as_of_pos: f.as_of.as_ref().map(|d| loc.pos(d)),
        }
    }

    pub(super) fn carrier(&mut self, loc: Loc, c: &raw::RawCarrier) -> Carrier {
        let available = c
            .available
            .as_ref()
            .map(|q| self.quantity(loc, "carriers.available", q));
        let price = c
            .price
            .as_ref()
            .map(|q| self.quantity(loc, "carriers.price", q.get_ref()));
        let wanted = match c.kind {
            CarrierKind::Land => Measure::Mu,
            _ => Measure::SquareMetreMonth,
        };
        let unit_price = price.as_ref().and_then(|q| match &q.unit {
            Unit::Text(unit) => {
                first_parsed(unit, |text| Price::parse(q.value, text)).filter(|p| p.per == wanted)
            }
            _ => None,
        });
        let available_m2 = available.as_ref().and_then(|q| match &q.unit {
            // Space is counted in m² unless the unit says otherwise.
            Unit::None => Some(q.value),
            Unit::Text(unit) => first_parsed(unit, square_metres_per).map(|m2| q.value * m2),
            Unit::Money(_) => None,
        });
        Carrier {
            kind: c.kind,
            name: self.text(loc, "carriers.name", &c.name),
            area: c
                .area
                .as_ref()
                .map(|q| self.quantity(loc, "carriers.area", q)),
            available,
            price,
            price_pos: c.price.as_ref().map(|p| loc.pos(p)),
            unit_price,
            available_m2,
            note: self.opt_text(loc, "carriers.note", c.note.as_ref()),
            as_of: c.as_of.as_ref().map(|d| self.date(d)),
            as_of_pos: c.as_of.as_ref().map(|d| loc.pos(d)),
        }
    }

    pub(super) fn eligible(
        &mut self,
        loc: Loc,
        raw: &Spanned<raw::RawEligible>,
        industries: &HashSet<String>,
    ) -> Eligible {
        let e = raw.get_ref();
        let mut company = e.company.clone();
        company.sort();
        company.dedup();
        let mut eligible = Eligible {
            industries: e
                .industries
                .iter()
                .filter_map(|i| self.industry_ref(loc, i, industries))
                .collect(),
            company,
            ..Eligible::default()
        };
        if let Some(amount) = &e.min_investment {
            let quantity = self.quantity(loc, "policies.eligible.min_investment", amount.get_ref());
            match quantity.unit {
                Unit::Money(money) => {
                    eligible.min_investment_yuan = Some(quantity.value * money.yuan());
                    eligible.min_investment = Some(quantity);
                }
                _ => self.push(
                    loc.error(
                        "invalid-unit",
                        amount,
                        "`min_investment` is a money amount, but its unit is not a money unit",
                    )
                    .with_hint(
                        "write it like { value = 1, unit = \"yi-yuan\" } (units: yuan, wan-yuan, yi-yuan)",
                    ),
                ),
            }
        }
        eligible
    }

    pub(super) fn enquiry(
        &mut self,
        loc: Loc,
        raw: Option<&Spanned<raw::RawEnquiry>>,
        zone_email: Option<&String>,
    ) -> Enquiry {
        let raw = raw.map(Spanned::get_ref);
        let endpoint = raw.and_then(|r| r.endpoint.as_ref()).and_then(|url| {
            let text = url.get_ref().trim();
            let valid = (text.starts_with("https://") || text.starts_with("http://"))
                && crate::safe_url::check_link(text).is_ok()
                && !text.contains(['"', '<']);
            if !valid {
                self.push(
                    loc.error(
                        "invalid-url",
                        url,
                        format!("enquiry endpoint `{text}` is not an absolute http(s) URL"),
                    )
                    .with_hint("write it like \"https://forms.example.gov.cn/invest\", or leave it out to send enquiries by email"),
                );
            }
            valid.then(|| text.to_owned())
        });
        let email = raw.and_then(|r| r.email.as_ref()).and_then(|email| {
            let text = email.get_ref().trim();
            let valid = text.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty() && host.contains('.') && !text.contains(char::is_whitespace)
            }) && !text.contains(['?', '&', '<', '"']);
            if !valid {
                self.push(
                    Diagnostic::error(
                        "invalid-email",
                        format!("enquiry email `{text}` is not an email address"),
                    )
                    .with_hint("write it like \"invest@example.gov.cn\"")
                    .at(loc.file, loc.base + email.span().start),
                );
            }
            valid.then(|| text.to_owned())
        });
        Enquiry {
            endpoint,
            email: email.or_else(|| zone_email.cloned()),
        }
    }
}

/// The first language whose text `parse` understands (units are often the same in all).
fn first_parsed<T>(text: &Text, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
    text.all().find_map(|(_, t)| parse(t))
}
