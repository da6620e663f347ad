//! `commission.toml`: the project settings, parsed from a string (no IO) and checked key by key so
//! an unknown or misspelt key is reported with the nearest known one.

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The settings of a project. Field names are the keys of FORMATS.md section 1.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    pub organisation: String,
    #[serde(default)]
    pub base_url: String,
    #[serde(default)]
    pub home_area: Option<String>,
    #[serde(default = "default_benchmark")]
    pub benchmark_area: String,
    #[serde(default = "default_currency")]
    pub currency: String,
    #[serde(default)]
    pub as_of: Option<NaiveDate>,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub org_id: Option<String>,
    #[serde(default)]
    pub grant_prefix: Option<String>,
    #[serde(default)]
    pub ocid_prefix: Option<String>,
    /// Licence of the published open data.
    #[serde(default = "default_licence")]
    pub licence: String,
    #[serde(default = "default_licence_url")]
    pub licence_url: String,
    /// Contact for the accessibility statement and feedback.
    #[serde(default)]
    pub contact_email: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub needs: NeedsConfig,
    #[serde(default)]
    pub priorities: PrioritiesConfig,
    #[serde(default)]
    pub procurement: ProcurementConfig,
    #[serde(default)]
    pub performance: PerformanceConfig,
    #[serde(default)]
    pub maps: MapsConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: String::new(),
            organisation: String::new(),
            base_url: String::new(),
            home_area: None,
            benchmark_area: default_benchmark(),
            currency: default_currency(),
            as_of: None,
            theme: default_theme(),
            language: default_language(),
            org_id: None,
            grant_prefix: None,
            ocid_prefix: None,
            licence: default_licence(),
            licence_url: default_licence_url(),
            contact_email: None,
            description: None,
            needs: NeedsConfig::default(),
            priorities: PrioritiesConfig::default(),
            procurement: ProcurementConfig::default(),
            performance: PerformanceConfig::default(),
            maps: MapsConfig::default(),
        }
    }
}

fn default_benchmark() -> String {
    "E92000001".into()
}
fn default_currency() -> String {
    "GBP".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_language() -> String {
    "en-GB".into()
}
fn default_licence() -> String {
    "Open Government Licence v3.0".into()
}
fn default_licence_url() -> String {
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/".into()
}

/// Benchmark comparison method (METHODS.md 1.3).
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum ComparisonMethod {
    #[default]
    CiOverlap,
    CiOverlapTwoLevels,
    None,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct NeedsConfig {
    /// 95 or 99.8: the level used for comparison and display.
    pub confidence: f64,
    pub comparison: ComparisonMethod,
    pub trend_points: usize,
}

impl Default for NeedsConfig {
    fn default() -> Self {
        NeedsConfig {
            confidence: 95.0,
            comparison: ComparisonMethod::CiOverlap,
            trend_points: 5,
        }
    }
}

/// Prioritisation method (METHODS.md 5). Only the Hanlon basic priority rating is implemented.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum PriorityMethod {
    #[default]
    Hanlon,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct PrioritiesConfig {
    pub method: PriorityMethod,
}

/// Discount-rate schedule for options appraisal (METHODS.md 3).
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum DiscountSchedule {
    #[default]
    GreenBook,
    /// The Green Book health schedule: 1.5% for years 0–30, then declining.
    GreenBookHealth,
}

/// Price scoring method (METHODS.md 4).
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum PriceScoring {
    #[default]
    LowestOverBid,
    LinearDeviation,
    Ceiling,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ProcurementConfig {
    pub discount_rate_schedule: DiscountSchedule,
    pub price_scoring: PriceScoring,
    pub min_social_value_weight: f64,
    pub abnormally_low_ratio: f64,
    /// How much of each tender's bids is published (FORMATS.md, `[procurement]`); a tender's
    /// `bid_publication` column overrides it.
    pub bid_publication: super::tender::BidPublication,
}

impl Default for ProcurementConfig {
    fn default() -> Self {
        ProcurementConfig {
            discount_rate_schedule: DiscountSchedule::GreenBook,
            price_scoring: PriceScoring::LowestOverBid,
            min_social_value_weight: 10.0,
            abnormally_low_ratio: 0.8,
            bid_publication: super::tender::BidPublication::NamedWithoutScores,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PerformanceConfig {
    pub spc_screen_outliers: bool,
    pub amber_tolerance: f64,
    pub spc_fix_limits_after: usize,
    pub kpi_threshold_value: f64,
}

impl Default for PerformanceConfig {
    fn default() -> Self {
        PerformanceConfig {
            spc_screen_outliers: false,
            amber_tolerance: 5.0,
            spc_fix_limits_after: 0,
            kpi_threshold_value: 5_000_000.0,
        }
    }
}

/// Boundary files in `maps/` (FORMATS.md 4, maps): which property holds the area code and name,
/// and the attribution line their licence requires, printed under every map.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct MapsConfig {
    /// Feature property holding the area code; detected when not set (`LAD22CD`, `WD22CD`,
    /// `MSOA21CD` and other ONS `…CD` properties, `area_code`, `code`).
    pub code_property: Option<String>,
    /// Feature property holding the area name; detected when not set.
    pub name_property: Option<String>,
    /// The attribution the boundaries' licence requires; the theme prints the ONS/OS line when unset.
    pub attribution: Option<String>,
}

const TOP_KEYS: &[&str] = &[
    "title",
    "organisation",
    "base_url",
    "home_area",
    "benchmark_area",
    "currency",
    "as_of",
    "theme",
    "language",
    "org_id",
    "grant_prefix",
    "ocid_prefix",
    "licence",
    "licence_url",
    "contact_email",
    "description",
    "needs",
    "priorities",
    "procurement",
    "performance",
    "maps",
];
const SECTION_KEYS: &[(&str, &[&str])] = &[
    ("needs", &["confidence", "comparison", "trend_points"]),
    ("priorities", &["method"]),
    (
        "procurement",
        &[
            "discount_rate_schedule",
            "price_scoring",
            "min_social_value_weight",
            "abnormally_low_ratio",
            "bid_publication",
        ],
    ),
    (
        "performance",
        &[
            "spc_screen_outliers",
            "amber_tolerance",
            "spc_fix_limits_after",
            "kpi_threshold_value",
        ],
    ),
    ("maps", &["code_property", "name_property", "attribution"]),
];

/// True for a well-formed BCP 47 language tag as a site uses one (`en-GB`, `cy`, `zh-Hant-TW`):
/// a language of two or three letters, then subtags of one to eight letters or digits. The tag
/// names the pages' language and reaches the search indexer, so nothing else may pass.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or("");
    tag.len() <= 35
        && (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Levenshtein distance, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The known name nearest to `name`, if any is reasonably close.
pub fn nearest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (edit_distance(name, k), k))
        .filter(|(d, k)| *d <= (k.len() / 2).max(2))
        .min()
        .map(|(_, k)| k)
}

/// Line (1-based) on which `key` is first defined, for diagnostics.
fn line_of(text: &str, section: Option<&str>, key: &str) -> Option<usize> {
    let mut in_section = section.is_none();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            let name = t.trim_matches(|c| c == '[' || c == ']').trim();
            in_section = Some(name) == section;
            if section.is_none() && t.trim_matches(|c| c == '[' || c == ']').trim() == key {
                return Some(i + 1);
            }
            continue;
        }
        if in_section {
            if let Some((k, _)) = t.split_once('=') {
                if k.trim().trim_matches('"') == key {
                    return Some(i + 1);
                }
            }
        }
    }
    None
}

fn location(text: &str, section: Option<&str>, key: &str) -> Location {
    line_of(text, section, key)
        .map(Location::Line)
        .unwrap_or(Location::File)
}

/// Checks a base address given on the command line (`--base-url`) by the same policy as
/// `base_url` in the config; the error is the command line's.
pub fn check_base_url_argument(url: &str) -> Result<(), String> {
    super::url::check_url(url, super::url::UrlUse::Web).map_err(|why| {
        format!("{url:?} is {why}: give the address the site will be published at, e.g. https://example.gov.uk/commissioning/")
    })
}

impl Config {
    /// Parses and checks a config; `file` is the name used in diagnostics.
    pub fn parse(text: &str, file: &str) -> (Option<Config>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let table: toml::Table = match text.parse() {
            Ok(t) => t,
            Err(e) => {
                let line = e
                    .span()
                    .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
                diags.push(
                    Diagnostic::error(
                        file,
                        line.map(Location::Line).unwrap_or(Location::File),
                        "not valid TOML",
                    )
                    .hint(e.message().to_string()),
                );
                return (None, diags);
            }
        };
        for key in table.keys() {
            if !TOP_KEYS.contains(&key.as_str()) {
                let mut d = Diagnostic::error(file, location(text, None, key), "unknown key")
                    .value(key.clone());
                if let Some(n) = nearest(key, TOP_KEYS.iter().copied()) {
                    d = d.hint(format!("did you mean `{n}`?"));
                } else {
                    d = d.hint(format!("known keys are {}", TOP_KEYS.join(", ")));
                }
                diags.push(d);
            }
        }
        for (section, keys) in SECTION_KEYS {
            if let Some(toml::Value::Table(t)) = table.get(*section) {
                for key in t.keys() {
                    if !keys.contains(&key.as_str()) {
                        let mut d = Diagnostic::error(
                            file,
                            location(text, Some(section), key),
                            "unknown key",
                        )
                        .value(format!("{section}.{key}"));
                        d = match nearest(key, keys.iter().copied()) {
                            Some(n) => d.hint(format!("did you mean `{section}.{n}`?")),
                            None => {
                                d.hint(format!("known keys in [{section}] are {}", keys.join(", ")))
                            }
                        };
                        diags.push(d);
                    }
                }
            }
        }
        for required in ["title", "organisation"] {
            if !table.contains_key(required) {
                diags.push(
                    Diagnostic::error(
                        file,
                        Location::File,
                        format!("missing required key `{required}`"),
                    )
                    .hint(format!("add a line such as {required} = \"...\"")),
                );
            }
        }
        if diags.has_errors() {
            return (None, diags);
        }
        let config: Config = match toml::Value::Table(table).try_into() {
            Ok(c) => c,
            Err(e) => {
                let msg = e.message().to_string();
                // Parsing the text again gives the span of the offending value.
                let line = toml::from_str::<Config>(text)
                    .err()
                    .and_then(|e| e.span())
                    .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
                diags.push(
                    Diagnostic::error(
                        file,
                        line.map(Location::Line).unwrap_or(Location::File),
                        "invalid setting",
                    )
                    .hint(msg),
                );
                return (None, diags);
            }
        };
        config.check(text, file, &mut diags);
        let ok = !diags.has_errors();
        (ok.then_some(config), diags)
    }

    fn check(&self, text: &str, file: &str, diags: &mut Diagnostics) {
        if self.title.trim().is_empty() {
            diags.push(Diagnostic::error(
                file,
                location(text, None, "title"),
                "the title is empty",
            ));
        }
        if self.needs.confidence != 95.0 && self.needs.confidence != 99.8 {
            diags.push(
                Diagnostic::error(
                    file,
                    location(text, Some("needs"), "confidence"),
                    "unsupported confidence level",
                )
                .value(self.needs.confidence.to_string())
                .hint("use 95 or 99.8, the two levels Fingertips publishes"),
            );
        }
        if !(2..=20).contains(&self.needs.trend_points) {
            diags.push(
                Diagnostic::error(
                    file,
                    location(text, Some("needs"), "trend_points"),
                    "trend_points out of range",
                )
                .value(self.needs.trend_points.to_string())
                .hint("Fingertips uses 5 points; use a number from 2 to 20"),
            );
        }
        let fix = self.performance.spc_fix_limits_after;
        if fix != 0 && fix < 12 {
            diags.push(
                Diagnostic::error(
                    file,
                    location(text, Some("performance"), "spc_fix_limits_after"),
                    "too few points to fix limits",
                )
                .value(fix.to_string())
                .hint("use 0 (limits from all points) or at least 12 (METHODS.md 2.5)"),
            );
        }
        let ratio = self.procurement.abnormally_low_ratio;
        if !(ratio > 0.0 && ratio < 1.0) {
            diags.push(
                Diagnostic::error(
                    file,
                    location(text, Some("procurement"), "abnormally_low_ratio"),
                    "ratio out of range",
                )
                .value(ratio.to_string())
                .hint("use a share between 0 and 1, e.g. 0.8"),
            );
        }
        if self.theme != "default" {
            diags.push(
                Diagnostic::error(file, location(text, None, "theme"), "unknown theme")
                    .value(self.theme.clone())
                    .hint("\"default\" is the theme built in; replace its templates, static files and strings file by file in the project's templates/, static/ and i18n/ folders (docs/THEMES.md)"),
            );
        }
        use super::url::{check_email, check_url, url_hint, UrlUse};
        if !self.base_url.is_empty() {
            if let Err(why) = check_url(&self.base_url, UrlUse::Web) {
                diags.push(
                    Diagnostic::error(
                        file,
                        location(text, None, "base_url"),
                        format!("base_url is {why}"),
                    )
                    .value(self.base_url.clone())
                    .hint("e.g. https://example.gov.uk/commissioning/"),
                );
            }
        }
        if let Err(why) = check_url(&self.licence_url, UrlUse::Web) {
            diags.push(
                Diagnostic::error(
                    file,
                    location(text, None, "licence_url"),
                    format!("licence_url is {why}"),
                )
                .value(self.licence_url.clone())
                .hint(url_hint(UrlUse::Web)),
            );
        }
        if let Some(email) = &self.contact_email {
            if let Err(why) = check_email(email) {
                diags.push(
                    Diagnostic::error(
                        file,
                        location(text, None, "contact_email"),
                        format!("contact_email is {why}"),
                    )
                    .value(email.clone())
                    .hint("e.g. accessibility@example.gov.uk"),
                );
            }
        }
        if !is_language_tag(&self.language) {
            diags.push(
                Diagnostic::error(
                    file,
                    location(text, None, "language"),
                    "language is not a BCP 47 language tag",
                )
                .value(self.language.clone())
                .hint("e.g. en-GB, or cy for Welsh: a language of two or three letters, then region or script parts"),
            );
        }
        if let Some(as_of) = self.as_of {
            if !(1900..=2100).contains(&chrono::Datelike::year(&as_of)) {
                diags.push(
                    Diagnostic::error(
                        file,
                        location(text, None, "as_of"),
                        "as_of is outside 1900 to 2100",
                    )
                    .value(as_of.to_string())
                    .hint("the reporting date, e.g. as_of = \"2026-03-31\""),
                );
            }
        }
        if self.currency.len() != 3 || !self.currency.bytes().all(|b| b.is_ascii_uppercase()) {
            diags.push(
                Diagnostic::error(
                    file,
                    location(text, None, "currency"),
                    "not an ISO 4217 currency code",
                )
                .value(self.currency.clone())
                .hint("e.g. GBP"),
            );
        }
    }

    /// `base_url` with exactly one trailing slash, or empty.
    pub fn base_url_normalised(&self) -> String {
        if self.base_url.is_empty() {
            String::new()
        } else {
            format!("{}/", self.base_url.trim_end_matches('/'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_built_in_theme_is_accepted() {
        let ok = "title = \"T\"\norganisation = \"O\"\ntheme = \"default\"\n";
        assert!(Config::parse(ok, "commission.toml").0.is_some());
        let (config, diags) = Config::parse(
            "title = \"T\"\norganisation = \"O\"\ntheme = \"fancy\"\n",
            "commission.toml",
        );
        assert!(config.is_none());
        let d = diags.iter().next().expect("a diagnostic");
        assert_eq!(
            (d.message.as_str(), d.value.as_deref()),
            ("unknown theme", Some("fancy"))
        );
    }

    #[test]
    fn minimal_config_takes_documented_defaults() {
        let (c, d) = Config::parse("title = \"T\"\norganisation = \"O\"\n", "commission.toml");
        assert!(d.is_empty(), "{:?}", d);
        let c = c.unwrap();
        assert_eq!(c.benchmark_area, "E92000001");
        assert_eq!(c.performance.kpi_threshold_value, 5_000_000.0);
        assert!(!c.performance.spc_screen_outliers);
        assert_eq!(c.procurement.price_scoring, PriceScoring::LowestOverBid);
    }

    #[test]
    fn unknown_key_names_the_nearest_known_one() {
        let text = "title = \"T\"\norganisation = \"O\"\n\n[needs]\nconfidance = 95\n";
        let (c, d) = Config::parse(text, "commission.toml");
        assert!(c.is_none());
        let msgs: Vec<String> = d.sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            msgs,
            vec!["error: commission.toml:5: unknown key: \"needs.confidance\"\n  = hint: did you mean `needs.confidence`?"]
        );
    }

    #[test]
    fn language_tags_are_checked_before_they_reach_a_path_or_the_indexer() {
        for ok in ["en", "en-GB", "cy", "zh-Hant-TW", "sgn-BE-FR", "de-CH-1996"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        let long = format!("{}-GB", "a".repeat(32));
        for bad in [
            "",
            "../../x",
            "en_GB",
            "e",
            "english",
            "en-",
            "en--GB",
            &long,
            "en-GB/x",
            "en-123456789",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn missing_title_is_reported() {
        let (_, d) = Config::parse("organisation = \"O\"\ntitel = \"x\"\n", "commission.toml");
        let msgs: Vec<String> = d.sorted().iter().map(|d| d.to_string()).collect();
        assert_eq!(msgs.len(), 2);
        assert!(msgs.contains(&"error: commission.toml: missing required key `title`\n  = hint: add a line such as title = \"...\"".to_string()));
        assert!(msgs.contains(
            &"error: commission.toml:2: unknown key: \"titel\"\n  = hint: did you mean `title`?"
                .to_string()
        ));
    }
}
