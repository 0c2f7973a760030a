//! Prices and areas as numbers the program understands: the unit text staff write (`元/千瓦时`,
//! `万元/亩`, `yuan/m²·month`) parsed into a money scale and what the money is paid per, then
//! normalized to plain yuan per one base measure, so the cost estimator, the comparison, the
//! space finder and the brochures all show and add the same figures.

use super::{FactorKind, MoneyUnit};

/// Square metres in one mu (亩): 10 000 / 15.
pub const M2_PER_MU: f64 = 10_000.0 / 15.0;

/// What a price is paid per, after normalization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Per kWh of electricity.
    Kwh,
    /// Per m³ (of water, 1 t = 1 m³; of gas).
    CubicMetre,
    /// Per tonne (steam; water in tonnes is read as m³).
    Tonne,
    /// Per mu of land, once.
    Mu,
    /// Per m² of floor space and month.
    SquareMetreMonth,
}

impl Measure {
    /// The stable code used in data attributes and the interface strings (`unit.kwh`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Kwh => "kwh",
            Self::CubicMetre => "m3",
            Self::Tonne => "t",
            Self::Mu => "mu",
            Self::SquareMetreMonth => "m2-month",
        }
    }

    /// The measure a priced factor of `kind` is paid per, for the kinds the investor tools
    /// price; water and sewage are read per m³ (a tonne of water is a cubic metre).
    pub fn for_factor(kind: FactorKind) -> Option<Self> {
        match kind {
            FactorKind::Electricity => Some(Self::Kwh),
            FactorKind::Water | FactorKind::Sewage | FactorKind::Gas => Some(Self::CubicMetre),
            FactorKind::Steam => Some(Self::Tonne),
            FactorKind::Land => Some(Self::Mu),
            _ => None,
        }
    }
}

/// A price in plain yuan per one [`Measure`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price {
    /// Yuan per one unit of `per`.
    pub yuan: f64,
    /// What it is paid per.
    pub per: Measure,
}

impl Price {
    /// The price of a factor of `kind`: `value` in `unit`, when the unit is a money rate that
    /// fits the kind (water in tonnes counts as m³). `None` when the unit is not understood or
    /// is paid per something else.
    pub fn of_factor(kind: FactorKind, value: f64, unit: &str) -> Option<Self> {
        let wanted = Measure::for_factor(kind)?;
        let price = Self::parse(value, unit)?;
        match (wanted, price.per) {
            (w, p) if w == p => Some(price),
            (Measure::CubicMetre, Measure::Tonne)
                if matches!(kind, FactorKind::Water | FactorKind::Sewage) =>
            {
                Some(Self {
                    per: Measure::CubicMetre,
                    ..price
                })
            }
            _ => None,
        }
    }

    /// Parses `value` in `unit` (`元/千瓦时`, `10,000 yuan/mu`, `元/平方米·天`…) into plain yuan
    /// per base measure. `None` when the unit is not a money rate this module knows.
    pub fn parse(value: f64, unit: &str) -> Option<Self> {
        let unit = unit.trim().to_lowercase();
        let (money, per) = split_rate(&unit)?;
        let scale = money_scale(money)?;
        let (per, factor) = measure(per)?;
        let yuan = value * scale * factor;
        yuan.is_finite().then_some(Self { yuan, per })
    }
}

/// Whether a unit text names money at all (`元`, `yuan`, `RMB`): a figure in such a unit is a
/// price, and one whose rate is not understood deserves a warning.
pub fn is_money(unit: &str) -> bool {
    let lower = unit.to_lowercase();
    ["元", "yuan", "rmb", "cny", "¥", "￥"]
        .iter()
        .any(|m| lower.contains(m))
}

/// How units of area are written, lower case: the square metre's names, then the mu's, then the
/// hectare's. The same names read areas ([`square_metres_per`]) and check that a land price is
/// given per area (`checks::rules`).
pub const AREA_NAMES: [&str; 15] = [
    "平方米",
    "平米",
    "㎡",
    "m²",
    "m2",
    "sqm",
    "sq m",
    "square metres",
    "square meters",
    "亩",
    "mu",
    "公顷",
    "hectare",
    "hectares",
    "ha",
];

/// Square metres in one `unit` of area (`平方米`, `m²`, `亩`, `mu`, `公顷`, `ha`).
pub fn square_metres_per(unit: &str) -> Option<f64> {
    let unit = unit.trim().to_lowercase();
    let (square_metres, rest) = AREA_NAMES.split_at(9);
    let (mu, hectare) = rest.split_at(2);
    [(square_metres, 1.0), (mu, M2_PER_MU), (hectare, 10_000.0)]
        .into_iter()
        .find(|(names, _)| names.contains(&unit.as_str()))
        .map(|(_, m2)| m2)
}

/// Splits `money/per` (also `money per per`); the per part keeps any further `/month`.
fn split_rate(unit: &str) -> Option<(&str, &str)> {
    if let Some((money, per)) = unit.split_once('/') {
        return Some((money.trim(), per.trim()));
    }
    if let Some((money, per)) = unit.split_once(" per ") {
        return Some((money.trim(), per.trim()));
    }
    // 每千瓦时0.6元 is not how units are written; `元每吨` sometimes is.
    unit.split_once('每').map(|(m, p)| (m.trim(), p.trim()))
}

/// Yuan in one unit of the money part.
fn money_scale(money: &str) -> Option<f64> {
    let compact: String = money
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    let scale = match compact.as_str() {
        "元" | "yuan" | "rmb" | "cny" | "¥" | "￥" | "rmbyuan" => MoneyUnit::Yuan,
        "万元" | "10000yuan" | "10kyuan" | "wanyuan" | "tenthousandyuan" | "10000rmb" => {
            MoneyUnit::WanYuan
        }
        "亿元" | "100millionyuan" | "100000000yuan" | "yiyuan" => MoneyUnit::YiYuan,
        _ => return None,
    };
    Some(scale.yuan())
}

/// The base measure of the per part and how many of it one written unit is worth, e.g.
/// `平方米·天` → (m²·month, 365/12): a daily rent is that many times the monthly one.
fn measure(per: &str) -> Option<(Measure, f64)> {
    let (base, period) = split_period(per);
    let area = square_metres_per(base);
    match period {
        Some(months) => {
            let m2 = area?;
            // A price per m² per period, as yuan per m² and month; land-sized units are not rent.
            (m2 == 1.0).then_some((Measure::SquareMetreMonth, 1.0 / months))
        }
        None => {
            if let Some(m2) = area {
                return Some((Measure::Mu, M2_PER_MU / m2));
            }
            let measure = match base {
                "千瓦时" | "度" | "kwh" | "kw·h" | "kw h" | "kw-h" | "kilowatt hour"
                | "kilowatt-hour" => Measure::Kwh,
                "立方米" | "方" | "m³" | "m3" | "cubic metre" | "cubic meter" | "nm³" | "nm3"
                | "标方" => Measure::CubicMetre,
                "吨" | "t" | "tonne" | "ton" | "tonnes" | "tons" => Measure::Tonne,
                _ => return None,
            };
            Some((measure, 1.0))
        }
    }
}

/// Splits a per part such as `平方米·月`, `m²/month`, `m² per month` into the measure and the
/// period in months (`None`: no period).
fn split_period(per: &str) -> (&str, Option<f64>) {
    const PERIODS: &[(&str, f64)] = &[
        ("月", 1.0),
        ("month", 1.0),
        ("mo", 1.0),
        ("天", 12.0 / 365.0),
        ("日", 12.0 / 365.0),
        ("day", 12.0 / 365.0),
        ("年", 12.0),
        ("year", 12.0),
        ("yr", 12.0),
        ("annum", 12.0),
    ];
    for (word, months) in PERIODS {
        if let Some(rest) = per.strip_suffix(word) {
            let base = rest
                .trim_end()
                .trim_end_matches(['·', '/', '.', '*', '×', '-', '每'])
                .trim_end();
            let base = base
                .strip_suffix(" per")
                .or_else(|| base.strip_suffix(" a"))
                .unwrap_or(base)
                .trim_end();
            if base != rest.trim_end() || rest.ends_with(' ') {
                return (base, Some(*months));
            }
        }
    }
    (per, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(value: f64, unit: &str) -> Option<(f64, Measure)> {
        Price::parse(value, unit).map(|p| ((p.yuan * 1000.0).round() / 1000.0, p.per))
    }

    #[test]
    fn parses_the_units_staff_write() {
        for (value, unit, yuan_per, per) in [
            (0.62, "元/千瓦时", 0.62, Measure::Kwh),
            (0.62, "yuan/kWh", 0.62, Measure::Kwh),
            (0.62, "元/度", 0.62, Measure::Kwh),
            (3.9, "元/吨", 3.9, Measure::Tonne),
            (3.9, "元/立方米", 3.9, Measure::CubicMetre),
            (3.9, "yuan/m³", 3.9, Measure::CubicMetre),
            (18.0, "万元/亩", 180_000.0, Measure::Mu),
            (18.0, "10,000 yuan/mu", 180_000.0, Measure::Mu),
            (12.0, "元/平方米·月", 12.0, Measure::SquareMetreMonth),
            (12.0, "yuan/m²·month", 12.0, Measure::SquareMetreMonth),
            (12.0, "yuan/m²/month", 12.0, Measure::SquareMetreMonth),
            (
                12.0,
                "yuan per m² per month",
                12.0,
                Measure::SquareMetreMonth,
            ),
            (144.0, "元/平方米·年", 12.0, Measure::SquareMetreMonth),
            (0.4, "元/平方米·天", 12.167, Measure::SquareMetreMonth),
            // Land per m² or hectare is land per mu.
            (300.0, "元/平方米", 200_000.0, Measure::Mu),
            (270.0, "万元/公顷", 180_000.0, Measure::Mu),
        ] {
            assert_eq!(yuan(value, unit), Some((yuan_per, per)), "{value} {unit}");
        }
    }

    #[test]
    fn refuses_what_it_does_not_understand() {
        assert_eq!(yuan(30.0, "元/平方米·采暖季"), None);
        assert_eq!(yuan(5.0, "美元/千瓦时"), None);
        assert_eq!(yuan(100.0, "Gbps"), None);
        assert_eq!(yuan(1.0, "元"), None);
        assert_eq!(yuan(12.0, "元/亩·月"), None, "rent is per m²");
    }

    #[test]
    fn factor_prices_fit_their_kind() {
        let water = Price::of_factor(FactorKind::Water, 3.9, "元/吨").unwrap();
        assert_eq!(water.per, Measure::CubicMetre, "1 t of water = 1 m³");
        assert!(Price::of_factor(FactorKind::Steam, 220.0, "元/吨").is_some());
        assert!(Price::of_factor(FactorKind::Steam, 220.0, "元/立方米").is_none());
        assert!(Price::of_factor(FactorKind::Gas, 3.3, "元/吨").is_none());
        assert!(Price::of_factor(FactorKind::Heating, 30.0, "元/平方米").is_none());
    }

    #[test]
    fn areas() {
        assert_eq!(square_metres_per("平方米"), Some(1.0));
        assert_eq!(square_metres_per("m²"), Some(1.0));
        assert_eq!(square_metres_per("亩"), Some(M2_PER_MU));
        assert_eq!(square_metres_per("ha"), Some(10_000.0));
        assert_eq!(square_metres_per("套"), None);
        assert!(is_money("万元/亩") && is_money("yuan/t") && !is_money("kV"));
    }
}
