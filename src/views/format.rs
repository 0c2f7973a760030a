//! Numbers, money and dates as each language writes them.

use chrono::{Datelike, NaiveDate};

use crate::locale::is_cjk;
use crate::model::{MoneyUnit, Quantity, Unit};

/// A figure split into number and unit text, plus both joined, in one language.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Figure {
    /// The number as written, e.g. `265.92` or `26.59`.
    pub number: String,
    /// The unit, e.g. `亿元` or `billion yuan`.
    pub unit: String,
    /// Number and unit together, e.g. `265.92亿元` or `26.59 billion yuan`.
    pub display: String,
}

/// Formats a quantity in `lang`: money in the language's own scale, other units beside the number.
pub fn figure(quantity: &Quantity, lang: &str) -> Figure {
    let (number, unit) = match &quantity.unit {
        Unit::None => (number(quantity.value, lang), String::new()),
        Unit::Text(text) => money_rate(quantity.value, text, lang)
            .unwrap_or_else(|| (number(quantity.value, lang), text.get(lang).to_owned())),
        Unit::Money(money) => money_parts(quantity.value, *money, lang),
    };
    let display = join_unit(&number, &unit);
    Figure {
        number,
        unit,
        display,
    }
}

/// Number and unit joined: no space before a Chinese unit (`800亩`), a space before others (`800 mu`).
pub fn join_unit(number: &str, unit: &str) -> String {
    match unit.chars().next() {
        None => number.to_owned(),
        Some(c) if is_cjk(c) => format!("{number}{unit}"),
        Some(_) => format!("{number} {unit}"),
    }
}

fn money_parts(value: f64, unit: MoneyUnit, lang: &str) -> (String, String) {
    if lang == "zh" || lang.starts_with("zh-") {
        let unit = match unit {
            MoneyUnit::Yuan => "元",
            MoneyUnit::WanYuan => "万元",
            MoneyUnit::YiYuan => "亿元",
        };
        return (number(value, lang), unit.to_owned());
    }
    let yuan = value * unit.yuan();
    let (scaled, word) = if yuan.abs() >= 1e9 {
        (yuan / 1e9, "billion yuan")
    } else if yuan.abs() >= 1e6 {
        (yuan / 1e6, "million yuan")
    } else {
        (yuan, "yuan")
    };
    (number(round2(scaled), lang), word.to_owned())
}

/// A rate whose Chinese unit starts with a money scale (`19.2 万元/亩`), in the scale of `lang`
/// (`192,000 yuan/mu`), the part after `/` taken from the unit in `lang`. `None` for other units
/// and for Chinese, which keeps the text as written.
fn money_rate(value: f64, unit: &crate::model::Text, lang: &str) -> Option<(String, String)> {
    if lang.starts_with("zh") {
        return None;
    }
    let (scale, per) = unit.all().find_map(|(_, text)| {
        let text = text.trim();
        [("万元", MoneyUnit::WanYuan), ("亿元", MoneyUnit::YiYuan)]
            .into_iter()
            .find_map(|(word, scale)| text.strip_prefix(word).map(|rest| (scale, rest)))
    })?;
    let per = per.trim().trim_start_matches('/').trim();
    let own = unit.get(lang);
    let per = own.split_once('/').map_or(per, |(_, p)| p.trim());
    let (number, word) = money_parts(value, scale, lang);
    Some(if per.is_empty() {
        (number, word)
    } else {
        (number, format!("{word}/{per}"))
    })
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Thousands separator and decimal mark of a language (`None`: Chinese, not grouped: `48000`).
fn separators(lang: &str) -> Option<(&'static str, &'static str)> {
    match lang.split('-').next().unwrap_or(lang) {
        "zh" => None,
        "de" | "es" | "it" | "pt" | "nl" | "id" | "tr" | "da" | "vi" => Some((".", ",")),
        "fr" | "ru" | "pl" | "cs" | "sv" | "fi" | "nb" | "uk" | "kk" => Some(("\u{a0}", ",")),
        _ => Some((",", ".")),
    }
}

/// A number without trailing zeros, grouped the way `lang` groups thousands (`48,000` in English,
/// `48.000` in German, `48000` in Chinese).
pub fn number(value: f64, lang: &str) -> String {
    let mut text = format!("{:.4}", value);
    if text.contains('.') {
        text = text.trim_end_matches('0').trim_end_matches('.').to_owned();
    }
    let Some((thousands, decimal)) = separators(lang) else {
        return text;
    };
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push_str(thousands);
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}{decimal}{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A date as the language writes it: `2020年5月29日`, `29 May 2020`, else ISO.
pub fn date(date: NaiveDate, lang: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    if lang.starts_with("zh") {
        format!("{}年{}月{}日", date.year(), date.month(), date.day())
    } else if lang == "en" {
        format!(
            "{} {} {}",
            date.day(),
            MONTHS[date.month0() as usize],
            date.year()
        )
    } else {
        date.format("%Y-%m-%d").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Text;

    fn money(value: f64, unit: MoneyUnit) -> Quantity {
        Quantity {
            value,
            unit: Unit::Money(unit),
        }
    }

    #[test]
    fn money_in_each_language_scale() {
        for (value, unit, lang, shown) in [
            (265.92, MoneyUnit::YiYuan, "zh", "265.92亿元"),
            (265.92, MoneyUnit::YiYuan, "en", "26.59 billion yuan"),
            (500.0, MoneyUnit::WanYuan, "en", "5 million yuan"),
            (500.0, MoneyUnit::WanYuan, "zh", "500万元"),
            (1200.0, MoneyUnit::Yuan, "en", "1,200 yuan"),
        ] {
            assert_eq!(figure(&money(value, unit), lang).display, shown);
        }
    }

    #[test]
    fn money_rates_are_scaled_per_language() {
        let unit = |zh: &str, en: &str| Quantity {
            value: 19.2,
            unit: Unit::Text(Text::new(
                [
                    ("zh".to_owned(), zh.to_owned()),
                    ("en".to_owned(), en.to_owned()),
                ]
                .into(),
                "zh",
            )),
        };
        let price = unit("万元/亩", "10,000 yuan/mu");
        assert_eq!(figure(&price, "en").display, "192,000 yuan/mu");
        assert_eq!(figure(&price, "zh").display, "19.2万元/亩");
        // Without an English unit, the Chinese rest is kept.
        let plain = unit("万元/亩", "万元/亩");
        assert_eq!(figure(&plain, "en").display, "192,000 yuan/亩");
        let yi = Quantity {
            value: 1.5,
            ..unit("亿元", "100 million yuan")
        };
        assert_eq!(figure(&yi, "en").display, "150 million yuan");
    }

    #[test]
    fn numbers_are_grouped_per_language() {
        assert_eq!(number(48000.0, "en"), "48,000");
        assert_eq!(number(48000.5, "de"), "48.000,5");
        assert_eq!(number(48000.0, "fr"), "48\u{a0}000");
        assert_eq!(number(48000.0, "zh"), "48000");
    }

    #[test]
    fn text_units_sit_beside_the_number() {
        let mut unit = Text::plain("亩", "zh");
        unit.set("en", "mu".into());
        let q = Quantity {
            value: 800.0,
            unit: Unit::Text(unit),
        };
        assert_eq!(figure(&q, "zh").display, "800亩");
        assert_eq!(figure(&q, "en").display, "800 mu");
        assert_eq!(number(12000.5, "en"), "12,000.5");
        assert_eq!(number(-0.62, "en"), "-0.62");
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2020, 5, 29).unwrap();
        assert_eq!(date(d, "zh"), "2020年5月29日");
        assert_eq!(date(d, "en"), "29 May 2020");
        assert_eq!(date(d, "fr"), "2020-05-29");
    }
}
