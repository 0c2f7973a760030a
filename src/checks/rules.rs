//! The rule tables behind the domain warnings: which units fit which factor, which phrases tie a
//! reward to taxes paid, which claims the Advertising Law forbids. Kept as data so reviewers can
//! read and extend them without reading the checks.

use crate::model::FactorKind;

/// Units a factor of `kind` may be measured in, as fragments of the unit text (any language).
/// For a rate such as `元/千瓦时` only the part after `/` is compared. `None`: anything goes.
pub fn unit_family(kind: FactorKind) -> Option<(&'static str, &'static [&'static str])> {
    let family: (&str, &[&str]) = match kind {
        FactorKind::Land => (
            "area (亩, m², hectare)",
            &[
                "亩",
                "平方米",
                "平米",
                "㎡",
                "m²",
                "m2",
                "sqm",
                "sq m",
                "mu",
                "公顷",
                "hectare",
                "ha",
            ],
        ),
        FactorKind::Electricity => (
            "energy or capacity (千瓦时/度, kWh, kVA, kV)",
            &[
                "千瓦时",
                "度",
                "kwh",
                "kw·h",
                "kw",
                "kva",
                "千伏安",
                "千伏",
                "kv",
                "兆瓦",
                "mw",
                "瓦",
                "w",
            ],
        ),
        FactorKind::Water | FactorKind::Sewage => (
            "volume or mass (立方米, m³, 吨, t)",
            &["立方米", "方", "m³", "m3", "吨", "t", "tonne", "ton"],
        ),
        FactorKind::Gas => (
            "volume (立方米, m³, Nm³)",
            &["立方米", "方", "m³", "m3", "nm³", "nm3"],
        ),
        FactorKind::Steam => (
            "mass (吨, t) or energy (GJ)",
            &["吨", "t", "tonne", "ton", "gj", "吉焦"],
        ),
        FactorKind::Heating => (
            "area (m²) or energy (GJ)",
            &["平方米", "㎡", "m²", "m2", "gj", "吉焦"],
        ),
        FactorKind::Broadband => (
            "bandwidth (Mbps, Gbps, 兆, 千兆)",
            &[
                "mbps", "gbps", "mb/s", "gb/s", "兆", "千兆", "万兆", "m", "g",
            ],
        ),
        FactorKind::Logistics
        | FactorKind::Talent
        | FactorKind::Housing
        | FactorKind::Finance
        | FactorKind::Other => return None,
    };
    Some(family)
}

/// Whether `unit` (one language's text) names a unit of the family.
pub fn unit_fits(unit: &str, fragments: &[&str]) -> bool {
    let lower = unit.to_lowercase();
    let per = lower
        .rsplit_once('/')
        .map_or(lower.as_str(), |(_, per)| per)
        .trim();
    // Plain money amounts (元, 万元) carry no unit of measure: nothing to compare.
    if ["元", "万元", "亿元", "yuan", "rmb", "cny"].contains(&per) {
        return true;
    }
    fragments.iter().any(|f| {
        if f.is_ascii() {
            // ASCII fragments must stand as a token: `t` fits `yuan/t` but not `yuan/month`.
            per.split(|c: char| !c.is_ascii_alphanumeric() && !"³²·".contains(c))
                .any(|token| token == *f)
        } else {
            per.contains(f)
        }
    })
}

/// Phrases that tie a reward to taxes paid or fiscal contribution: such measures are reviewed under
/// the Fair Competition Review Regulation (公平竞争审查条例, in force since 2024-08-01).
pub const FISCAL_REWARD_PHRASES: &[&str] = &[
    "财政贡献",
    "地方财力贡献",
    "税收贡献",
    "税收返还",
    "返还税",
    "先征后返",
    "即征即退",
    "按纳税额",
    "纳税额",
    "地方留成",
    "税收奖励",
    "税收留成",
    "tax rebate",
    "tax refund",
    "tax return",
    "fiscal contribution",
    "taxes paid",
    "tax paid",
    "tax contribution",
];

/// Absolute claims the Advertising Law (广告法 art. 9) forbids in promotion.
pub const ABSOLUTE_CLAIMS_ZH: &[&str] = &[
    "最佳",
    "最大",
    "最好",
    "最优",
    "最强",
    "最高级",
    "最先进",
    "最便宜",
    "第一",
    "顶级",
    "顶尖",
    "国家级",
    "世界级",
    "唯一",
    "独一无二",
    "首个",
    "首家",
    "独家",
    "全国领先",
    "世界领先",
    "绝无仅有",
    "史无前例",
    "万能",
    "极致",
];

/// English absolute claims, matched as whole words.
pub const ABSOLUTE_CLAIMS_EN: &[&str] = &[
    "best",
    "largest",
    "biggest",
    "number one",
    "no. 1",
    "no.1",
    "top-ranked",
    "world-leading",
    "world-class",
    "unrivalled",
    "unrivaled",
    "unmatched",
    "second to none",
    "state-level",
    "national-level",
];

/// Words that show a sentence cites where its claim comes from.
/// (A bare 据 would also match 数据, "data".)
pub const CITATION_MARKERS: &[&str] = &[
    "根据",
    "来源",
    "出处",
    "据统计",
    "据报道",
    "据测算",
    "据《",
    "《",
    "according to",
    "source:",
    "source：",
    "sources:",
    "http://",
    "https://",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_fit_their_kind() {
        let (_, power) = unit_family(FactorKind::Electricity).unwrap();
        assert!(unit_fits("元/千瓦时", power));
        assert!(unit_fits("yuan/kWh", power));
        assert!(!unit_fits("元/立方米", power));
        let (_, steam) = unit_family(FactorKind::Steam).unwrap();
        assert!(unit_fits("元/吨", steam));
        assert!(unit_fits("yuan/t", steam));
        assert!(!unit_fits("元/立方米", steam), "steam per m³ is wrong");
        let (_, land) = unit_family(FactorKind::Land).unwrap();
        assert!(unit_fits("万元/亩", land));
        assert!(!unit_fits("元/千瓦时", land), "land per kWh is wrong");
        assert!(unit_fits("万元", land), "a plain amount carries no measure");
        assert!(unit_family(FactorKind::Talent).is_none());
    }
}
