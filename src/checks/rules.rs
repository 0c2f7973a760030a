//! The rule tables behind the domain warnings: which units fit which factor, which phrases tie a
//! reward to taxes paid, which claims the Advertising Law forbids. Kept as data so reviewers can
//! read and extend them without reading the checks.

use crate::model::FactorKind;
use crate::model::units::AREA_NAMES;

/// Units a factor of `kind` may be measured in, as fragments of the unit text (any language).
/// For a rate such as `元/千瓦时` only the part after `/` is compared. `None`: anything goes.
pub fn unit_family(kind: FactorKind) -> Option<(&'static str, &'static [&'static str])> {
    let family: (&str, &[&str]) = match kind {
        FactorKind::Land => ("area (亩, m², hectare)", &AREA_NAMES),
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

/// Text that `parkpress new` and `init` write for staff to replace (each language's version).
/// `new` drafts carry them until someone fills them in; published, they are placeholders.
pub const SCAFFOLD_TEXTS: &[&str] = &[
    "新园区",
    "New park",
    "运营公司名称",
    "Operating company",
    "开发建设单位",
    "Developer",
    "主导产业与发展方向",
    "Lead industries and direction",
    "园区亮点",
    "A selling point",
    "园区简介",
    "About the park",
    "一句话说明政策",
    "The policy in one sentence",
    "企业能得到什么",
    "What a company receives",
    "哪些企业可以申请",
    "Who qualifies",
    "政策文件名称",
    "Name of the policy document",
    "企业名称",
    "Company name",
    "一句话介绍企业",
    "The company in one sentence",
    "新闻标题",
    "Headline",
    "一句话摘要",
    "The news in one sentence",
    "页面标题",
    "Page title",
    "一句话说明",
    "The page in one sentence",
];

/// Bodies `parkpress new` writes.
pub const SCAFFOLD_BODIES: &[&str] = &[
    "园区介绍正文。",
    "About the park, in English.",
    "企业介绍正文。",
    "About the company, in English.",
    "新闻正文。",
    "The news, in English.",
    "页面正文。",
    "The page, in English.",
];

/// Whether a text is scaffold placeholder text: what `new` writes, or the example content of
/// `init` (Chinese text naming itself 示例, "example").
pub fn is_placeholder_text(text: &str) -> bool {
    let text = text.trim();
    SCAFFOLD_TEXTS.contains(&text) || text.contains("示例")
}

/// Whether a Markdown body is the one `new` wrote.
pub fn is_scaffold_body(body: &str) -> bool {
    SCAFFOLD_BODIES.contains(&body.trim())
}

/// Whether a notice is the sample site's (the shipped example's or the one `init` writes).
pub fn is_sample_notice(text: &str) -> bool {
    text.contains("示例站点") || text.to_lowercase().contains("sample site")
}

/// Whether a phone or filing number is a placeholder: its subscriber part (every group of five
/// or more digits) is zeros, as in `0531-0000000` or `鲁ICP备00000000号`.
pub fn is_zero_number(number: &str) -> bool {
    let groups: Vec<&str> = number
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| g.len() >= 5)
        .collect();
    !groups.is_empty() && groups.iter().all(|g| g.bytes().all(|b| b == b'0'))
}

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
