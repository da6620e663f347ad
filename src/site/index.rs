//! Lookup tables built once per build so pages join the cycle (need → specification → tender →
//! contract → KPI and back) without quadratic scans, and the lookups every page kind shares
//! (area names, links to a specification or a contract).

use crate::analysis::performance::{ContractStatus, KpiAnalysis};
use crate::analysis::tender::TenderEvaluation;
use crate::analysis::Analysis;
use crate::load::theme::Strings;
use crate::model::{Project, Specification};
use crate::site::needs::ContractRef;
use crate::site::{contract_path, indicator_path, link, spec_path, Link};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Latest headline values by indicator, then area type; see [`Index::peers`].
type Peers<'a> = BTreeMap<&'a str, Vec<(Option<&'a str>, Vec<f64>)>>;

/// The project, its analysis and the joins between them: what every page kind is built from.
pub struct Index<'a> {
    pub project: &'a Project,
    pub analysis: &'a Analysis,
    /// The theme's words in the site's language.
    pub words: &'a Strings,
    pub specs_by_indicator: BTreeMap<&'a str, Vec<&'a str>>,
    pub contracts_by_spec: BTreeMap<&'a str, Vec<&'a str>>,
    pub tenders_by_spec: BTreeMap<&'a str, Vec<&'a TenderEvaluation>>,
    pub tender: BTreeMap<&'a str, &'a TenderEvaluation>,
    pub grants_by_spec: BTreeMap<&'a str, Vec<&'a str>>,
    pub kpis_by_contract: BTreeMap<&'a str, Vec<&'a KpiAnalysis>>,
    pub status: BTreeMap<&'a str, &'a ContractStatus>,
    pub engagements_by_spec: BTreeMap<&'a str, Vec<&'a str>>,
    pub options_by_spec: BTreeMap<&'a str, usize>,
    /// Each indicator's latest headline values in the areas of each type (the benchmark area
    /// aside), which every area page of that type compares with: made once, on first use.
    peers: std::sync::OnceLock<Peers<'a>>,
    /// Each contract as the pages along the cycle cite it (its KPI counts and rating in words):
    /// made once, on first use, however many indicators and priorities cite it.
    contract_refs: std::sync::OnceLock<BTreeMap<&'a str, ContractRef>>,
}

impl<'a> Index<'a> {
    /// The latest headline values of `indicator_id` in the areas of `area_type`, the benchmark
    /// area aside, in area-code order (what an area's spine chart places it among).
    pub fn peers(&self, indicator_id: &str, area_type: Option<&str>) -> &[f64] {
        let peers = self.peers.get_or_init(|| {
            let bench = self.project.config.benchmark_area.as_str();
            let needs = &self.analysis.needs;
            let mut peers: Peers<'a> = BTreeMap::new();
            for ind in self.project.indicators.values() {
                for area in self.project.areas.values().filter(|o| o.code != bench) {
                    if let Some(v) = needs.latest(&ind.id, &area.code).and_then(|r| r.value) {
                        let types = peers.entry(ind.id.as_str()).or_default();
                        let kind = area.area_type.as_deref();
                        match types.iter_mut().find(|(t, _)| *t == kind) {
                            Some((_, values)) => values.push(v),
                            None => types.push((kind, vec![v])),
                        }
                    }
                }
            }
            peers
        });
        peers
            .get(indicator_id)
            .and_then(|types| types.iter().find(|(t, _)| *t == area_type))
            .map_or(&[], |(_, values)| values.as_slice())
    }

    /// The index with the embedded theme's base-language words.
    pub fn new(project: &'a Project, analysis: &'a Analysis) -> Index<'a> {
        Index::with_words(project, analysis, Strings::base())
    }

    /// The index with the given words.
    pub fn with_words(
        project: &'a Project,
        analysis: &'a Analysis,
        words: &'a Strings,
    ) -> Index<'a> {
        let mut ix = Index {
            project,
            analysis,
            words,
            specs_by_indicator: BTreeMap::new(),
            contracts_by_spec: BTreeMap::new(),
            tenders_by_spec: BTreeMap::new(),
            tender: BTreeMap::new(),
            grants_by_spec: BTreeMap::new(),
            kpis_by_contract: BTreeMap::new(),
            status: BTreeMap::new(),
            engagements_by_spec: BTreeMap::new(),
            options_by_spec: BTreeMap::new(),
            peers: std::sync::OnceLock::new(),
            contract_refs: std::sync::OnceLock::new(),
        };
        for spec in project.specifications.values() {
            for ind in &spec.addresses {
                ix.specs_by_indicator
                    .entry(ind.as_str())
                    .or_default()
                    .push(&spec.id);
            }
        }
        for c in project.contracts.values() {
            ix.contracts_by_spec
                .entry(c.spec_id.as_str())
                .or_default()
                .push(&c.contract_id);
        }
        for t in &analysis.tenders {
            ix.tenders_by_spec
                .entry(t.spec_id.as_str())
                .or_default()
                .push(t);
            ix.tender.insert(&t.tender_id, t);
        }
        for g in project.grants.values() {
            if let Some(s) = &g.spec_id {
                ix.grants_by_spec
                    .entry(s.as_str())
                    .or_default()
                    .push(&g.grant_id);
            }
        }
        for k in &analysis.kpis {
            ix.kpis_by_contract
                .entry(k.contract_id.as_str())
                .or_default()
                .push(k);
        }
        for s in &analysis.contracts {
            ix.status.insert(&s.contract_id, s);
        }
        for e in project.engagements.values() {
            for s in &e.specs {
                ix.engagements_by_spec
                    .entry(s.as_str())
                    .or_default()
                    .push(&e.id);
            }
        }
        for o in &analysis.options {
            *ix.options_by_spec.entry(o.spec_id.as_str()).or_default() += 1;
        }
        ix
    }

    /// The contracts of `ids` (in that order; an id of no contract is skipped) as pages along the
    /// cycle cite them, each made once per build ([`super::needs::contract_ref`]).
    pub fn contract_refs(&self, ids: &[&str]) -> Vec<ContractRef> {
        let refs = self.contract_refs.get_or_init(|| {
            self.project
                .contracts
                .values()
                .map(|c| (c.contract_id.as_str(), super::needs::contract_ref(self, c)))
                .collect()
        });
        ids.iter().filter_map(|id| refs.get(id).cloned()).collect()
    }

    /// Contracts answering an indicator, through the specifications that address it.
    pub fn contracts_for_indicator(&self, indicator: &str) -> Vec<&'a str> {
        let mut out: Vec<&str> = self
            .specs_by_indicator
            .get(indicator)
            .into_iter()
            .flatten()
            .flat_map(|s| self.contracts_by_spec.get(s).into_iter().flatten().copied())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// A contract's KPIs, in KPI order.
    pub fn kpis(&self, contract_id: &str) -> &[&'a KpiAnalysis] {
        self.kpis_by_contract
            .get(contract_id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The home area's code (empty when the project sets none).
    pub fn home_code(&self) -> &'a str {
        self.project.config.home_area.as_deref().unwrap_or_default()
    }

    /// The home area's name, or its code when the project does not name it.
    pub fn home_name(&self) -> String {
        self.area_name(self.home_code())
    }

    /// The benchmark area's name ("England" when the project does not name it).
    pub fn benchmark_name(&self) -> String {
        self.project
            .areas
            .get(&self.project.config.benchmark_area)
            .map_or_else(
                || self.words.get("needs.default_benchmark").into(),
                |a| a.name.clone(),
            )
    }

    /// An area's name, or its code when the project does not name it.
    pub fn area_name(&self, code: &str) -> String {
        self.project
            .areas
            .get(code)
            .map_or_else(|| code.to_string(), |a| a.name.clone())
    }

    /// A link to a specification's page, titled with the specification's title.
    pub fn spec_link(&self, spec_id: &str) -> Option<Link> {
        self.project
            .specifications
            .get(spec_id)
            .map(|s| link(&spec_path(&s.id), s.title.clone()))
    }

    /// Links to the indicators a specification addresses, in its order.
    pub fn needs_links(&self, spec: &Specification) -> Vec<Link> {
        spec.addresses
            .iter()
            .filter_map(|i| self.project.indicators.get(i))
            .map(|i| link(&indicator_path(&i.id), i.name.clone()))
            .collect()
    }

    /// Links to the contracts let for a specification, titled "title — supplier".
    pub fn contract_links(&self, spec_id: &str) -> Vec<Link> {
        self.contracts_by_spec
            .get(spec_id)
            .into_iter()
            .flatten()
            .filter_map(|c| self.contract_link(c))
            .collect()
    }

    /// A link to a contract's page, titled "title — supplier".
    pub fn contract_link(&self, contract_id: &str) -> Option<Link> {
        self.project.contracts.get(contract_id).map(|c| {
            link(
                &contract_path(&c.contract_id),
                format!("{} — {}", c.title, c.supplier),
            )
        })
    }
}

/// The index, shared by pages whose views read only the needs side of the project (settings,
/// indicators, areas, maps, observations, and their analysis) and are built when the page
/// renders. It serialises, for the render key, as the needs analysis's identity alone
/// (`NeedsAnalysis::identity`), which `serve`'s cache keeps only while that side is unchanged:
/// a KPI's change renders no area page again, and costs no hashing of the needs data.
#[derive(Clone)]
pub struct NeedsSide<'a>(pub Arc<Index<'a>>);

impl serde::Serialize for NeedsSide<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.0.analysis.needs.identity())
    }
}

impl<'a> std::ops::Deref for NeedsSide<'a> {
    type Target = Index<'a>;

    fn deref(&self) -> &Index<'a> {
        &self.0
    }
}
