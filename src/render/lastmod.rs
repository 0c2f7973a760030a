//! The date a page's content last changed, as far as the content itself says: the newest date
//! written in what the page shows (a news item's `date`, a figure's `as_of`, a policy's
//! `valid_from`, a tenant's `since`). It goes into the sitemap's `<lastmod>`. Only content dates
//! are used, never file times or git history, so two builds of the same content give the same
//! sitemap; a page that shows no date (a free page, the enquiry form) has no `<lastmod>`.
//! Dates after the build date (a policy that takes effect next year) are not changes yet.

use chrono::NaiveDate;

use crate::model::{Park, Site};

/// Newest-date finder for the pages of one build.
pub struct LastModified<'a> {
    site: &'a Site,
    drafts: bool,
}

impl<'a> LastModified<'a> {
    /// Dates of `site`, judged at its build date; `drafts` as the build shows them.
    pub fn new(site: &'a Site, drafts: bool) -> Self {
        Self { site, drafts }
    }

    /// The newest of `dates` that is not after the build date.
    fn newest(&self, dates: impl IntoIterator<Item = NaiveDate>) -> Option<NaiveDate> {
        dates
            .into_iter()
            .filter(|d| *d <= self.site.build_date)
            .max()
    }

    /// Policy start dates of the policies a park page shows.
    fn policy_dates(&self, park: &'a Park) -> impl Iterator<Item = NaiveDate> + 'a {
        let (date, drafts) = (self.site.build_date, self.drafts);
        park.policies
            .iter()
            .filter(move |p| p.is_live(date, drafts))
            .filter_map(|p| p.valid_from)
    }

    /// Every date a park page shows: policies, factors, carriers, pipeline, tenants.
    fn park_dates(&self, park: &'a Park) -> impl Iterator<Item = NaiveDate> + 'a {
        self.policy_dates(park)
            .chain(park.factors.iter().filter_map(|f| f.as_of))
            .chain(park.carriers.iter().filter_map(|c| c.as_of))
            .chain(park.pipeline.as_ref().map(|p| p.as_of))
            .chain(park.tenants.iter().filter_map(|t| t.since))
    }

    /// The home page: the zone's figures and pipeline, the parks, the newest news.
    pub fn home(&self) -> Option<NaiveDate> {
        let zone = &self.site.zone;
        self.newest(
            zone.metrics
                .iter()
                .map(|m| m.as_of)
                .chain(zone.pipeline.as_ref().map(|p| p.as_of))
                .chain(self.site.parks.iter().flat_map(|p| self.park_dates(p)))
                .chain(self.site.news.iter().map(|n| n.date)),
        )
    }

    /// The park list and the park comparison.
    pub fn parks(&self) -> Option<NaiveDate> {
        self.newest(self.site.parks.iter().flat_map(|p| self.park_dates(p)))
    }

    /// One park's page.
    pub fn park(&self, index: usize) -> Option<NaiveDate> {
        self.newest(self.park_dates(&self.site.parks[index]))
    }

    /// One tenant's page: when it settled.
    pub fn tenant(&self, park: usize, tenant: usize) -> Option<NaiveDate> {
        self.newest(self.site.parks[park].tenants[tenant].since)
    }

    /// The tenant list.
    pub fn tenants(&self) -> Option<NaiveDate> {
        self.newest(
            self.site
                .parks
                .iter()
                .flat_map(|p| p.tenants.iter().filter_map(|t| t.since)),
        )
    }

    /// The policy list and the policy finder.
    pub fn policies(&self) -> Option<NaiveDate> {
        self.newest(self.site.parks.iter().flat_map(|p| self.policy_dates(p)))
    }

    /// The cost estimator: factor prices.
    pub fn costs(&self) -> Option<NaiveDate> {
        self.newest(
            self.site
                .parks
                .iter()
                .flat_map(|p| p.factors.iter().filter_map(|f| f.as_of)),
        )
    }

    /// The space finder: carriers.
    pub fn carriers(&self) -> Option<NaiveDate> {
        self.newest(
            self.site
                .parks
                .iter()
                .flat_map(|p| p.carriers.iter().filter_map(|c| c.as_of)),
        )
    }

    /// The news list: its newest item.
    pub fn news_list(&self) -> Option<NaiveDate> {
        self.newest(self.site.news.iter().map(|n| n.date))
    }

    /// One news item: its date.
    pub fn news(&self, index: usize) -> Option<NaiveDate> {
        self.newest([self.site.news[index].date])
    }
}
