//! `/finder/`, the policy finder (政策匹配): every live policy with its structured eligibility in
//! data attributes, which the script matches against industry, company and planned investment;
//! policies without an `eligible` table are listed apart, to be checked by reading them.

use serde::Serialize;

use crate::model::Company;
use crate::views::context::{FilterOption, PolicyView};
use crate::views::format::figure;
use crate::views::{LangViews, ViewCx};

/// A policy with what the finder matches on.
#[derive(Debug, Clone, Serialize)]
pub struct FinderPolicy<'a> {
    /// `PARK/POLICY_KEY`.
    pub id: String,
    /// The policy as every list shows it.
    pub policy: &'a PolicyView,
    /// Industry keys that qualify, space-separated; empty: any.
    pub industries: String,
    /// Their names.
    pub industry_names: Vec<String>,
    /// Company codes that qualify, space-separated; empty: any.
    pub company: String,
    /// Their labels.
    pub company_labels: Vec<String>,
    /// The smallest investment in plain yuan, for the script.
    pub min_investment_yuan: Option<String>,
    /// The same in the language's money scale.
    pub min_investment: Option<String>,
}

/// The context of `finder.html`.
#[derive(Debug, Clone, Serialize)]
pub struct FinderView<'a> {
    /// Zone industries for the industry field.
    pub industries: Vec<FilterOption>,
    /// `new`, `existing`.
    pub companies: Vec<FilterOption>,
    /// Live policies with an `eligible` table.
    pub structured: Vec<FinderPolicy<'a>>,
    /// Live policies without one.
    pub unstructured: Vec<&'a PolicyView>,
}

/// Builds the finder's context in one language.
pub fn view<'a>(cx: &ViewCx, views: &'a LangViews) -> FinderView<'a> {
    let lang = views.lang.as_str();
    let site = cx.site;
    let company_label = |c: Company| cx.s(lang, &format!("finder.company.{}", c.code()));
    let mut structured = Vec::new();
    let mut unstructured = Vec::new();
    for (p, park) in site.parks.iter().enumerate() {
        for view in &views.policies[p] {
            let Some(eligible) = park
                .policies
                .iter()
                .find(|policy| policy.key == view.key)
                .and_then(|policy| policy.eligible.as_ref())
            else {
                unstructured.push(view);
                continue;
            };
            structured.push(FinderPolicy {
                id: format!("{}/{}", park.key, view.key),
                policy: view,
                industries: eligible.industries.join(" "),
                industry_names: eligible
                    .industries
                    .iter()
                    .filter_map(|k| site.industry(k))
                    .map(|i| i.name.get(lang).to_owned())
                    .collect(),
                company: eligible
                    .company
                    .iter()
                    .map(|c| c.code())
                    .collect::<Vec<_>>()
                    .join(" "),
                company_labels: eligible.company.iter().map(|c| company_label(*c)).collect(),
                min_investment_yuan: eligible
                    .min_investment_yuan
                    .map(crate::views::prices::plain),
                min_investment: eligible
                    .min_investment
                    .as_ref()
                    .map(|q| figure(q, lang).display),
            });
        }
    }
    FinderView {
        industries: views
            .zone
            .industries
            .iter()
            .map(FilterOption::from)
            .collect(),
        companies: Company::ALL
            .iter()
            .map(|c| FilterOption {
                value: c.code().to_owned(),
                label: company_label(*c),
            })
            .collect(),
        structured,
        unstructured,
    }
}
