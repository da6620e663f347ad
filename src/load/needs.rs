//! Loads `needs/`: indicator metadata, values in the project's own layout, and OHID Fingertips
//! "download data" exports read unchanged (recognised by their header).

use super::fields::{is_missing_marker, read_rows_in_parallel, Columns, Fields};
use super::table::{Cell, Table};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::model::{Area, Indicator, Observation, Period, Polarity, PolaritySource, ValueType};
use std::collections::BTreeMap;

const POLARITIES: &[&str] = &["higher_is_better", "lower_is_better", "no_judgement"];

/// Reads `needs/indicators.csv` rows into indicators keyed by id.
pub fn read_indicators(table: &Table, diags: &mut Diagnostics) -> BTreeMap<String, Indicator> {
    let mut out = BTreeMap::new();
    let Some(cols) = Columns::resolve(
        table,
        &["indicator_id", "name", "value_type", "polarity"],
        &[
            "domain",
            "multiplier",
            "unit",
            "definition",
            "source",
            "size",
            "seriousness",
            "effectiveness",
            "pearl",
            "affected_share",
            "decimals",
        ],
        diags,
    ) else {
        return out;
    };
    for row in &table.rows {
        let mut f = Fields::new(table, row, &cols, diags);
        let id = f.id("indicator_id");
        let name = f.required_text("name");
        let value_type = match f.text("value_type") {
            Some(_) => f.choice("value_type", &ValueType::ALL, ValueType::parse),
            None => {
                f.push_missing(
                    "value_type",
                    format!("expected one of: {}", ValueType::ALL.join(", ")),
                );
                None
            }
        };
        let polarity = match f.text("polarity") {
            Some(_) => f.choice("polarity", POLARITIES, Polarity::parse),
            None => {
                f.push_missing(
                    "polarity",
                    format!("expected one of: {}", POLARITIES.join(", ")),
                );
                None
            }
        };
        let multiplier = f.number("multiplier");
        if matches!(multiplier, Some(m) if m <= 0.0) {
            let d = f
                .error("multiplier", "multiplier must be positive")
                .value(multiplier.unwrap_or(0.0).to_string());
            f.diags.push(d);
        }
        let score = |f: &mut Fields, col: &str| {
            let v = f.number(col)?;
            if !(0.0..=10.0).contains(&v) {
                let d = f
                    .error(col, "Hanlon score out of range")
                    .value(v.to_string())
                    .hint("scores run from 0 to 10");
                f.diags.push(d);
                return None;
            }
            Some(v)
        };
        let size = score(&mut f, "size");
        let seriousness = score(&mut f, "seriousness");
        let effectiveness = score(&mut f, "effectiveness");
        let pearl = f.text("pearl").and_then(|p| {
            let flags: Vec<char> = p.chars().collect();
            if flags.len() == 5 && flags.iter().all(|c| *c == '0' || *c == '1') {
                let mut out = [true; 5];
                for (i, c) in flags.iter().enumerate() {
                    out[i] = *c == '1';
                }
                Some(out)
            } else {
                let d = f
                    .error("pearl", "PEARL must be five 0/1 flags")
                    .value(p)
                    .hint("e.g. 11110: propriety, economics, acceptability, resources, legality");
                f.diags.push(d);
                None
            }
        });
        let affected_share = f.number("affected_share").and_then(|v| {
            if (0.0..=100.0).contains(&v) {
                return Some(v);
            }
            let d = f
                .error("affected_share", "affected share out of range")
                .value(v.to_string())
                .hint("the percentage of the population affected, from 0 to 100");
            f.diags.push(d);
            None
        });
        let decimals = f.number("decimals").and_then(|v| {
            if v.fract() == 0.0 && (0.0..=6.0).contains(&v) {
                return Some(v as u32);
            }
            let d = f
                .error("decimals", "decimals must be a whole number from 0 to 6")
                .value(v.to_string())
                .hint("the decimal places shown for the indicator's values, e.g. 1");
            f.diags.push(d);
            None
        });
        let (Some(id), Some(name), Some(value_type), Some(polarity)) =
            (id, name, value_type, polarity)
        else {
            continue;
        };
        let default_multiplier = match value_type {
            ValueType::Proportion => 100.0,
            ValueType::CrudeRate | ValueType::DirectlyStandardisedRate => 100_000.0,
            _ => 1.0,
        };
        let indicator = Indicator {
            id: id.clone(),
            name,
            domain: f.text("domain"),
            value_type,
            multiplier: multiplier
                .filter(|m| *m > 0.0)
                .unwrap_or(default_multiplier),
            unit: f.text("unit"),
            polarity,
            polarity_source: PolaritySource::Metadata,
            definition: f.text("definition"),
            source: f.text("source"),
            size,
            seriousness,
            effectiveness,
            pearl,
            affected_share,
            decimals,
        };
        if out.insert(id.clone(), indicator).is_some() {
            let d = f
                .error("indicator_id", "duplicate indicator id")
                .value(id)
                .hint("each indicator appears once in indicators.csv");
            f.diags.push(d);
        }
    }
    out
}

/// True when the header is a Fingertips "download data" export, in any of the forms analysts
/// hand it on (the download itself, R's `write.csv` with dots for spaces and a row-number column,
/// fingertipsR's names, a copy saved as .xlsx): headers are compared on letters and digits only.
pub fn is_fingertips(table: &Table) -> bool {
    table.has_columns(&["indicator_id", "area_code", "time_period"])
}

/// True when a table is indicator metadata (`needs/indicators.csv` under any name).
pub fn is_indicators(table: &Table) -> bool {
    table.has_columns(&["indicator_id", "name", "value_type", "polarity"])
}

/// True when a table is needs values in the project's own layout (its missing columns, if any,
/// are reported when it is read).
pub fn is_own_values(table: &Table) -> bool {
    table.has_columns(&["indicator_id", "area_code"])
        || table.has_columns(&["indicator_id", "period"])
}

/// England's area code: the area a Fingertips export's "Compared to England" column judges against.
pub const ENGLAND: &str = "E92000001";

/// The column holding Fingertips' own judgement of each row against England.
const COMPARED_TO_ENGLAND: &str = "Compared to England value or percentiles";

/// One Fingertips row's own comparison with England, kept to read the indicator's polarity from.
#[derive(Debug, Clone)]
pub struct Judgement {
    pub indicator_id: String,
    pub period: String,
    pub sex: Option<String>,
    pub age: Option<String>,
    pub value: f64,
    /// As published: `Better`, `Worse`, `Similar`, `Higher`, `Lower`, `Not compared`, ...
    pub label: String,
}

/// A copy of a Fingertips table with every missing-value marker (`NA`, `..`, ...) emptied, so
/// text columns such as `Value note` read them as missing too.
fn without_markers(table: &Table) -> Table {
    let mut t = table.clone();
    for row in &mut t.rows {
        for cell in &mut row.cells {
            if matches!(cell, Cell::Text(s) if is_missing_marker(s)) {
                *cell = Cell::Empty;
            }
        }
    }
    t
}

/// Values read from one needs file, before cross-checking against indicator metadata.
#[derive(Default)]
pub struct NeedsValues {
    pub observations: Vec<Observation>,
    pub areas: BTreeMap<String, Area>,
    /// Indicator names seen in Fingertips exports (a fallback when indicators.csv lacks one).
    pub fingertips_names: BTreeMap<String, String>,
    /// Fingertips' own comparisons with England, for the polarity of indicators without metadata.
    pub judgements: Vec<Judgement>,
}

/// Which layout a needs values table is in: the project's own, or a Fingertips export. The
/// columns are named differently; the rules are mostly the same.
#[derive(Clone, Copy)]
struct Layout {
    fingertips: bool,
}

impl Layout {
    /// The column's name in this layout: `own` in the project's layout, `ft` in Fingertips'.
    fn name(self, own: &'static str, ft: &'static str) -> &'static str {
        if self.fingertips {
            ft
        } else {
            own
        }
    }

    /// The required and optional columns of a values table in this layout.
    fn columns(self) -> (&'static [&'static str], &'static [&'static str]) {
        if self.fingertips {
            (
                &["Indicator ID", "Area Code", "Time period", "Value"],
                &[
                    "Indicator Name",
                    "Area Name",
                    "Area Type",
                    "Parent Code",
                    "Sex",
                    "Age",
                    "Category Type",
                    "Category",
                    "Lower CI 95.0 limit",
                    "Upper CI 95.0 limit",
                    "Lower CI 99.8 limit",
                    "Upper CI 99.8 limit",
                    "Count",
                    "Denominator",
                    "Value note",
                    COMPARED_TO_ENGLAND,
                ],
            )
        } else {
            (
                &["indicator_id", "area_code", "period"],
                &[
                    "area_name",
                    "area_type",
                    "parent_code",
                    "value",
                    "lower_ci",
                    "upper_ci",
                    "lower_ci_95",
                    "upper_ci_95",
                    "lower_ci_99_8",
                    "upper_ci_99_8",
                    "count",
                    "denominator",
                    "sex",
                    "age",
                    "category_type",
                    "category",
                    "value_note",
                ],
            )
        }
    }
}

/// Reads a needs values table in either layout.
pub fn read_values(table: &Table, out: &mut NeedsValues, diags: &mut Diagnostics) {
    let fingertips = is_fingertips(table);
    let cleaned;
    let table = if fingertips {
        cleaned = without_markers(table);
        &cleaned
    } else {
        table
    };
    let layout = Layout { fingertips };
    let (required, optional) = layout.columns();
    let Some(cols) = Columns::resolve(table, required, optional, diags) else {
        return;
    };
    out.observations.reserve(table.rows.len());
    read_rows_in_parallel(
        table,
        diags,
        |rows, diags| {
            // Room for every row's observation: grown by doubling, a large chunk's list would be
            // copied into fresh memory several times.
            let mut read = RowsRead {
                observations: Vec::with_capacity(rows.len()),
                ..RowsRead::default()
            };
            for row in rows {
                let mut f = Fields::new(table, row, &cols, diags);
                read_value_row(&mut f, layout, &mut read);
            }
            read
        },
        |read| read.join(out),
    );
}

/// What consecutive rows of a values table add, in row order, before it joins [`NeedsValues`]
/// (rows are read a chunk at a time in parallel; chunks join in order).
#[derive(Default)]
struct RowsRead {
    observations: Vec<Observation>,
    /// The area each kept row names, as it names it (a row naming it as the row before did is
    /// not repeated: joining it again would change nothing).
    areas: Vec<AreaSeen>,
    /// Indicator names from a Fingertips export, by id.
    names: Vec<(String, String)>,
    judgements: Vec<Judgement>,
}

/// An area as one row gives it.
#[derive(PartialEq)]
struct AreaSeen {
    code: String,
    name: Option<String>,
    area_type: Option<String>,
    parent_code: Option<String>,
}

impl RowsRead {
    /// Adds these rows to `out` as if each row had been added in turn: an area keeps the name,
    /// type and parent of the first row that names it, unless its name was only its code.
    fn join(self, out: &mut NeedsValues) {
        out.observations.extend(self.observations);
        for seen in self.areas {
            match out.areas.get_mut(&seen.code) {
                Some(area) => {
                    if area.name == area.code {
                        if let Some(n) = seen.name {
                            area.name = n;
                        }
                    }
                }
                None => {
                    let name = seen.name.unwrap_or_else(|| seen.code.clone());
                    let area = Area {
                        code: seen.code.clone(),
                        name,
                        area_type: seen.area_type,
                        parent_code: seen.parent_code,
                    };
                    out.areas.insert(seen.code, area);
                }
            }
        }
        for (id, name) in self.names {
            out.fingertips_names.entry(id).or_insert(name);
        }
        out.judgements.extend(self.judgements);
    }
}

/// One row's numbers: the value, its confidence limits, and the count and denominator it may be
/// computed from.
struct Measures {
    value: Option<f64>,
    /// Half a unit in the value's last published decimal place.
    rounding: f64,
    lower95: Option<f64>,
    upper95: Option<f64>,
    lower998: Option<f64>,
    upper998: Option<f64>,
    count: Option<f64>,
    denominator: Option<f64>,
}

/// One row's labels: its area as the row names it, its breakdown and its value note.
struct Labels {
    area_name: Option<String>,
    area_type: Option<String>,
    parent_code: Option<String>,
    sex: Option<String>,
    age: Option<String>,
    category_type: Option<String>,
    category: Option<String>,
    value_note: Option<String>,
}

/// Reads one row of a needs values table into `out`, reporting its problems.
fn read_value_row(f: &mut Fields, layout: Layout, out: &mut RowsRead) {
    let name = |own, ft| layout.name(own, ft);
    let indicator_id = f.id(name("indicator_id", "Indicator ID"));
    let area_code = f.id(name("area_code", "Area Code"));
    let period = f.period(name("period", "Time period"));
    let m = read_measures(f, layout);
    let mut ok = check_measures(f, &m, layout);
    // A cell that is present but unreadable has its own diagnostic already.
    let value_blank = f.is_blank(name("value", "Value"));
    let count_blank = f.is_blank(name("count", "Count"));
    let denominator_blank = f.is_blank(name("denominator", "Denominator"));
    if value_blank && (count_blank || denominator_blank) && !layout.fingertips {
        let d = f.missing(
            name("value", "Value"),
            "give a value, or a count and a denominator to compute it from".into(),
        );
        f.diags.push(d);
        ok = false;
    }
    let labels = read_labels(f, layout);
    if layout.fingertips {
        keep_fingertips_extras(f, &indicator_id, &period, m.value, &labels, out);
    }
    let origin = f.origin();
    let (Some(indicator_id), Some(area_code), Some(period)) = (indicator_id, area_code, period)
    else {
        return;
    };
    if !ok {
        return;
    }
    // A Fingertips row with no value (suppressed, or "Value missing in source data") is kept:
    // it is published with its value note and left out of comparisons and trends. A row
    // whose value could not be read has its own diagnostic and is left out.
    let value_given = f.columns.has(name("value", "Value"));
    if m.value.is_none() && m.count.is_none() && !(layout.fingertips && value_given && value_blank)
    {
        return;
    }
    let seen = AreaSeen {
        code: area_code.clone(),
        name: labels.area_name,
        area_type: labels.area_type,
        parent_code: labels.parent_code,
    };
    if out.areas.last() != Some(&seen) {
        out.areas.push(seen);
    }
    out.observations.push(Observation {
        indicator_id,
        area_code,
        period,
        value: m.value,
        lower_ci_95: m.lower95,
        upper_ci_95: m.upper95,
        lower_ci_99_8: m.lower998,
        upper_ci_99_8: m.upper998,
        count: m.count,
        denominator: m.denominator,
        sex: labels.sex,
        age: labels.age,
        category_type: labels.category_type,
        category: labels.category,
        value_note: labels.value_note,
        origin,
    });
}

/// Reads a row's value, confidence limits, count and denominator.
fn read_measures(f: &mut Fields, layout: Layout) -> Measures {
    let name = |own, ft| layout.name(own, ft);
    let value = f.number(name("value", "Value"));
    // A value rounded for publication may sit just outside its own limits: allow half a unit
    // in its last decimal place.
    let rounding = f
        .text(name("value", "Value"))
        .and_then(|t| {
            t.split_once('.')
                .map(|(_, d)| d.chars().take_while(char::is_ascii_digit).count())
        })
        .map(|d| 0.5 * 10f64.powi(-(d as i32)))
        .unwrap_or(0.5);
    let (lower95, upper95) = if layout.fingertips {
        (
            f.number("Lower CI 95.0 limit"),
            f.number("Upper CI 95.0 limit"),
        )
    } else if f.columns.has("lower_ci_95") || f.columns.has("upper_ci_95") {
        (f.number("lower_ci_95"), f.number("upper_ci_95"))
    } else {
        (f.number("lower_ci"), f.number("upper_ci"))
    };
    let (lower998, upper998) = if layout.fingertips {
        (
            f.number("Lower CI 99.8 limit"),
            f.number("Upper CI 99.8 limit"),
        )
    } else {
        (f.number("lower_ci_99_8"), f.number("upper_ci_99_8"))
    };
    let count = f.number(name("count", "Count"));
    let denominator = f.number(name("denominator", "Denominator"));
    Measures {
        value,
        rounding,
        lower95,
        upper95,
        lower998,
        upper998,
        count,
        denominator,
    }
}

/// Reports a negative or (where an interval is to be computed from it) fractional count, a
/// denominator not above zero, and limits the wrong way round or not containing their value.
/// False when the row is not to be used.
fn check_measures(f: &mut Fields, m: &Measures, layout: Layout) -> bool {
    let name = |own, ft| layout.name(own, ft);
    let mut ok = true;
    if let Some(n) = m.count {
        if n < 0.0 {
            let d = f
                .error(name("count", "Count"), "count is negative")
                .value(n.to_string());
            f.diags.push(d);
            ok = false;
        }
    }
    // An interval computed from a count needs a whole count; a Fingertips export's count is
    // kept as published (some, like excess winter deaths, are fractional).
    if let Some(n) = m.count.filter(|n| n.fract() != 0.0 && n >= &0.0) {
        if !layout.fingertips && (m.lower95.is_none() || m.upper95.is_none()) {
            let d = f
                .error(name("count", "Count"), "count is not a whole number")
                .value(n.to_string())
                .hint("a confidence interval is computed from a count of events: give whole events, or give the interval (lower_ci, upper_ci)");
            f.diags.push(d);
            ok = false;
        }
    }
    if let Some(n) = m.denominator {
        if n <= 0.0 {
            let d = f
                .error(
                    name("denominator", "Denominator"),
                    "denominator must be greater than zero",
                )
                .value(n.to_string());
            f.diags.push(d);
            ok = false;
        }
    }
    for (lo, hi, col_lo) in [
        (
            m.lower95,
            m.upper95,
            name("lower_ci", "Lower CI 95.0 limit"),
        ),
        (
            m.lower998,
            m.upper998,
            name("lower_ci_99_8", "Lower CI 99.8 limit"),
        ),
    ] {
        if let (Some(l), Some(u)) = (lo, hi) {
            if l > u {
                let d = f
                    .error(col_lo, "lower confidence limit is above the upper")
                    .value(format!("{l} > {u}"));
                f.diags.push(d);
                ok = false;
            } else if let Some(v) = m.value {
                if v < l - m.rounding - 1e-12 || v > u + m.rounding + 1e-12 {
                    let d = f
                        .error(col_lo, "confidence interval does not contain its value")
                        .value(format!("{v} outside {l} to {u}"))
                        .hint("check that the value and its limits are on the same scale");
                    f.diags.push(d);
                    ok = false;
                }
            }
        }
    }
    ok
}

/// Reads a row's area name, type and parent, its breakdown and its value note.
fn read_labels(f: &mut Fields, layout: Layout) -> Labels {
    let name = |own, ft| layout.name(own, ft);
    Labels {
        area_name: f.text(name("area_name", "Area Name")),
        area_type: f.text(name("area_type", "Area Type")),
        parent_code: f.text(name("parent_code", "Parent Code")),
        sex: f.text(name("sex", "Sex")),
        age: f.text(name("age", "Age")),
        category_type: f.text(name("category_type", "Category Type")),
        category: f.text(name("category", "Category")),
        value_note: f.text(name("value_note", "Value note")),
    }
}

/// Keeps what a Fingertips row adds beyond its value: the indicator's name, and (for a row of no
/// category) Fingertips' own comparison with England.
fn keep_fingertips_extras(
    f: &mut Fields,
    indicator_id: &Option<String>,
    period: &Option<crate::model::Period>,
    value: Option<f64>,
    labels: &Labels,
    out: &mut RowsRead,
) {
    if let (Some(id), Some(n)) = (indicator_id, f.text("Indicator Name")) {
        out.names.push((id.clone(), n));
    }
    if let (Some(id), Some(p), Some(v), Some(label)) =
        (indicator_id, period, value, f.text(COMPARED_TO_ENGLAND))
    {
        if labels.category.is_none() {
            out.judgements.push(Judgement {
                indicator_id: id.clone(),
                period: p.label.to_string(),
                sex: labels.sex.clone(),
                age: labels.age.clone(),
                value: v,
                label,
            });
        }
    }
}

/// Series order is indicator, area, breakdown, then period (a stable sort, so rows equal on all of
/// these keep their file order). This gives where each observation of that order is now, or `None`
/// when they are in it already (the usual export), so they are left as they are without the
/// sort's copy of every observation: a stable sort of positions, not of the observations (hundreds
/// of bytes each), on every core. It only reads the observations, so the load checks them while
/// it runs; [`put_in_order`] then moves them.
pub fn series_order(observations: &[Observation]) -> Option<Vec<usize>> {
    fn key(o: &Observation) -> (&str, &str, &Option<String>, &Option<String>, &Period) {
        (
            &o.indicator_id,
            &o.area_code,
            &o.category_type,
            &o.category,
            &o.period,
        )
    }
    if observations.is_sorted_by(|a, b| key(a) <= key(b)) {
        return None;
    }
    use rayon::slice::ParallelSliceMut;
    let mut order: Vec<usize> = (0..observations.len()).collect();
    order.par_sort_by(|&a, &b| key(&observations[a]).cmp(&key(&observations[b])));
    Some(order)
}

/// Moves each observation once to its place in `order` (from [`series_order`]), following the
/// permutation's cycles.
pub fn put_in_order(observations: &mut [Observation], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut at = start;
        // `order[at]` is where the observation that belongs at `at` is now; a placed one points
        // at itself.
        while order[at] != start {
            let from = order[at];
            observations.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

/// Reports two values for the same indicator, area, period and breakdown.
pub fn check_duplicates(observations: &[Observation], diags: &mut Diagnostics) {
    // Keys borrow the observations' text; the map is only looked up, never iterated, so its
    // order cannot reach the output.
    type Key<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
    );
    use foldhash::HashMapExt;
    let mut seen: foldhash::HashMap<Key, &Observation> =
        foldhash::HashMap::with_capacity(observations.len());
    fn text(t: &Option<String>) -> &str {
        t.as_deref().unwrap_or("")
    }
    for o in observations {
        let key = (
            o.indicator_id.as_str(),
            o.area_code.as_str(),
            o.period.label.as_ref(),
            text(&o.category_type),
            text(&o.category),
            text(&o.sex),
            text(&o.age),
        );
        if let Some(first) = seen.get(&key) {
            diags.push(
                Diagnostic::error(
                    &o.origin.file,
                    o.origin.location(),
                    "duplicate value for this indicator, area and period",
                )
                .value(format!("{} {} {}", o.indicator_id, o.area_code, o.period))
                .hint(format!(
                    "first given at {}",
                    Diagnostic::error(&first.origin.file, first.origin.location(), "").place()
                )),
            );
        } else {
            seen.insert(key, o);
        }
    }
}

/// Ensures every indicator with values has metadata; creates metadata from a Fingertips name
/// (with a warning) where indicators.csv lacks a row.
pub fn settle_indicators(
    indicators: &mut BTreeMap<String, Indicator>,
    values: &NeedsValues,
    diags: &mut Diagnostics,
) {
    let mut reported = std::collections::BTreeSet::new();
    let mut previous: Option<&str> = None;
    for o in &values.observations {
        // The observations of one indicator come together: the first settles it.
        if previous == Some(o.indicator_id.as_str()) {
            continue;
        }
        previous = Some(&o.indicator_id);
        if indicators.contains_key(&o.indicator_id) || reported.contains(&o.indicator_id) {
            continue;
        }
        reported.insert(o.indicator_id.clone());
        match values.fingertips_names.get(&o.indicator_id) {
            Some(name) => {
                let from_labels = polarity_from_labels(&o.indicator_id, values);
                let (polarity, polarity_source, message) = match from_labels {
                    Some(p) => (p, PolaritySource::FingertipsLabels, "indicator has no row in needs/indicators.csv; using the Fingertips name and the polarity its own Better/Worse comparisons show; no confidence intervals are computed"),
                    None => (Polarity::NoJudgement, PolaritySource::NotGiven, "indicator has no row in needs/indicators.csv; using the Fingertips name, no confidence intervals are computed and comparisons show higher/lower"),
                };
                diags.push(
                    Diagnostic::warning(&o.origin.file, o.origin.location(), message)
                        .value(o.indicator_id.clone())
                        .hint("add a row to needs/indicators.csv with its value_type and polarity"),
                );
                indicators.insert(
                    o.indicator_id.clone(),
                    Indicator {
                        id: o.indicator_id.clone(),
                        name: name.clone(),
                        domain: None,
                        value_type: ValueType::Score,
                        multiplier: 1.0,
                        unit: None,
                        polarity,
                        polarity_source,
                        definition: None,
                        source: Some("OHID Fingertips".into()),
                        size: None,
                        seriousness: None,
                        effectiveness: None,
                        pearl: None,
                        affected_share: None,
                        decimals: None,
                    },
                );
            }
            None => {
                let known: Vec<&str> = indicators.keys().take(5).map(String::as_str).collect();
                diags.push(
                    Diagnostic::error(&o.origin.file, o.origin.location(), "unknown indicator")
                        .column("indicator_id")
                        .value(o.indicator_id.clone())
                        .hint(if known.is_empty() {
                            "add it to needs/indicators.csv".to_string()
                        } else {
                            format!(
                                "add it to needs/indicators.csv; known ids include {}",
                                known.join(", ")
                            )
                        }),
                );
            }
        }
    }
    // A proportion lies between none and all: 0 to its multiplier (100 for a percentage).
    for (o, ind) in with_indicators(indicators, &values.observations) {
        let (Some(ind), Some(v)) = (ind, o.value) else {
            continue;
        };
        if ind.value_type == ValueType::Proportion && !(0.0..=ind.multiplier).contains(&v) {
            diags.push(
                Diagnostic::error(
                    &o.origin.file,
                    o.origin.location(),
                    format!(
                        "a proportion must lie between 0 and {} (its multiplier)",
                        crate::load::table::format_number(ind.multiplier)
                    ),
                )
                .column("value")
                .value(crate::load::table::format_number(v))
                .hint("check the value, or the indicator's value_type and multiplier in needs/indicators.csv"),
            );
        }
    }
    // Proportions must not have more events than people.
    for (o, ind) in with_indicators(indicators, &values.observations) {
        if let (Some(ind), Some(c), Some(n)) = (ind, o.count, o.denominator) {
            if ind.value_type == ValueType::Proportion && c > n {
                diags.push(
                    Diagnostic::error(
                        &o.origin.file,
                        o.origin.location(),
                        "count is greater than the denominator for a proportion",
                    )
                    .column("count")
                    .value(format!("{c} > {n}")),
                );
            }
        }
    }
    let _ = Location::File;
}

/// Each observation with its indicator, looked up once per run of observations of one indicator.
fn with_indicators<'a>(
    indicators: &'a BTreeMap<String, Indicator>,
    observations: &'a [Observation],
) -> impl Iterator<Item = (&'a Observation, Option<&'a Indicator>)> {
    let mut last: Option<(&str, Option<&Indicator>)> = None;
    observations.iter().map(move |o| {
        let indicator = match last {
            Some((id, indicator)) if id == o.indicator_id => indicator,
            _ => {
                let indicator = indicators.get(&o.indicator_id);
                last = Some((&o.indicator_id, indicator));
                indicator
            }
        };
        (o, indicator)
    })
}

/// The polarity a Fingertips export's own comparisons with England imply for one indicator: a row
/// judged `Better` with a value above England's (same period, sex and age) means higher is better,
/// below it lower is better, and `Worse` the reverse; `Higher`/`Lower` labels mean no judgement.
/// `None` when the labels say nothing (only `Similar` or `Not compared`) or contradict each other.
pub fn polarity_from_labels(indicator_id: &str, values: &NeedsValues) -> Option<Polarity> {
    type Key<'a> = (&'a str, &'a Option<String>, &'a Option<String>);
    let england: BTreeMap<Key, f64> = values
        .observations
        .iter()
        .filter(|o| o.indicator_id == indicator_id && o.area_code == ENGLAND)
        .filter(|o| o.category.is_none() && o.category_type.is_none())
        .filter_map(|o| Some(((o.period.label.as_ref(), &o.sex, &o.age), o.value?)))
        .collect();
    let (mut higher_better, mut lower_better, mut no_judgement) = (0, 0, 0);
    for j in values
        .judgements
        .iter()
        .filter(|j| j.indicator_id == indicator_id)
    {
        let label = j.label.trim().to_ascii_lowercase();
        if label == "higher" || label == "lower" {
            no_judgement += 1;
            continue;
        }
        let good = match label.as_str() {
            "better" => true,
            "worse" => false,
            _ => continue,
        };
        let Some(&e) = england.get(&(j.period.as_str(), &j.sex, &j.age)) else {
            continue;
        };
        if j.value == e {
            continue;
        }
        if (j.value > e) == good {
            higher_better += 1;
        } else {
            lower_better += 1;
        }
    }
    match (higher_better, lower_better, no_judgement) {
        (h, 0, 0) if h > 0 => Some(Polarity::HigherIsBetter),
        (0, l, 0) if l > 0 => Some(Polarity::LowerIsBetter),
        (0, 0, n) if n > 0 => Some(Polarity::NoJudgement),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::table::read_csv_bytes;

    /// A Fingertips export as R's `write.csv` saves it: a row-number column, dots for spaces,
    /// `NA` for missing — and the other markers — all read as missing, with no diagnostic.
    #[test]
    fn an_r_saved_fingertips_export_reads_each_missing_marker_as_missing() {
        let mut csv = String::from("\"\",\"Indicator.ID\",\"Indicator.Name\",\"Area.Code\",\"Sex\",\"Age\",\"Time.period\",\"Value\",\"Lower.CI.95.0.limit\",\"Upper.CI.95.0.limit\",\"Count\",\"Value.note\"\n");
        for (i, m) in MISSING.iter().enumerate() {
            csv.push_str(&format!("\"{i}\",1,\"Obesity\",\"E0{i}\",\"Persons\",\"All ages\",2020,7.5,{m},{m},{m},{m}\n"));
        }
        let mut d = Diagnostics::new();
        let t = read_csv_bytes(csv.as_bytes(), "needs/r.csv", &mut d).unwrap();
        assert!(is_fingertips(&t));
        let mut values = NeedsValues::default();
        read_values(&t, &mut values, &mut d);
        assert!(d.is_empty(), "{:?}", d.sorted());
        assert_eq!(values.observations.len(), MISSING.len());
        for o in &values.observations {
            assert_eq!(o.value, Some(7.5));
            assert_eq!((o.lower_ci_95, o.upper_ci_95, o.count), (None, None, None));
            assert_eq!(o.value_note, None);
        }
    }

    const MISSING: [&str; 8] = ["NA", "N/A", "NULL", "-", "..", "x", ":", "na"];

    /// Values read in several chunks join as one pass would: an area first seen without a
    /// name takes the name a later row gives it, even in a later chunk, and keeps its first name
    /// after that; Fingertips names keep the first given.
    #[test]
    fn values_read_in_chunks_join_as_one_pass() {
        let mut csv = String::from("indicator_id,area_code,area_name,period,value\n");
        for i in 0..9_000 {
            let name = match i {
                5_000 => "Later name",
                6_000 => "Other name",
                _ if i % 3 == 0 => "",
                _ => "Named",
            };
            let area = if i % 3 == 0 {
                "E0".to_string()
            } else {
                format!("E{}", i % 3)
            };
            csv.push_str(&format!(
                "I{},{area},{name},{},1.5\n",
                i / 200,
                1900 + i % 200
            ));
        }
        let mut d = Diagnostics::new();
        let t = read_csv_bytes(csv.as_bytes(), "needs/v.csv", &mut d).unwrap();
        let mut values = NeedsValues::default();
        read_values(&t, &mut values, &mut d);
        assert!(d.is_empty(), "{:?}", d.sorted());
        assert_eq!(values.observations.len(), 9_000);
        assert_eq!(&*values.observations[4_321].period.label, "2021");
        let names: Vec<&str> = values.areas.values().map(|a| a.name.as_str()).collect();
        // E0 (every third row) is unnamed until row 6000, in the second chunk; E2 is named by
        // its first row, so row 5000's "Later name" changes nothing.
        assert_eq!(names, vec!["Other name", "Named", "Named"]);
    }

    /// The permutation sort gives exactly what a stable sort of the observations gives: rows
    /// equal on indicator, area, breakdown and period (here, two sexes) keep their file order.
    #[test]
    fn observations_put_in_series_order_are_as_a_stable_sort_would_leave_them() {
        let mut csv =
            String::from("indicator_id,area_code,period,sex,category_type,category,value\n");
        let rows = [
            "B,E2,2021,Female,,,1",
            "A,E9,2020,Male,,,2",
            "B,E2,2020,Male,,,3",
            "A,E1,2022,Female,,,4",
            "B,E2,2021,Male,,,5",
            "A,E1,2022,Male,,,6",
            "A,E1,2020,Persons,Sex,Female,7",
            "A,E1,2020,Persons,,,8",
            "C,E1,2019/20,,,,9",
            "A,E9,2019,Male,,,10",
            "B,E1,2021,Female,,,11",
            "A,E1,2020,Persons,Sex,Female,12",
        ];
        for r in rows {
            csv.push_str(r);
            csv.push('\n');
        }
        let mut d = Diagnostics::new();
        let t = read_csv_bytes(csv.as_bytes(), "needs/v.csv", &mut d).unwrap();
        let mut values = NeedsValues::default();
        read_values(&t, &mut values, &mut d);
        assert_eq!(values.observations.len(), rows.len());
        let mut expected = values.observations.clone();
        expected.sort_by(|a, b| {
            (
                &a.indicator_id,
                &a.area_code,
                &a.category_type,
                &a.category,
                &a.period,
            )
                .cmp(&(
                    &b.indicator_id,
                    &b.area_code,
                    &b.category_type,
                    &b.category,
                    &b.period,
                ))
        });
        let order = series_order(&values.observations).expect("not in series order");
        put_in_order(&mut values.observations, order);
        assert_eq!(values.observations, expected);
        assert_eq!(
            series_order(&values.observations),
            None,
            "now in series order"
        );
        let order: Vec<f64> = values.observations.iter().filter_map(|o| o.value).collect();
        assert_eq!(
            order,
            vec![8.0, 4.0, 6.0, 7.0, 12.0, 10.0, 2.0, 11.0, 3.0, 1.0, 5.0, 9.0]
        );
    }

    #[test]
    fn polarity_is_read_from_fingertips_own_better_and_worse_labels() {
        let csv = "Indicator ID,Indicator Name,Area Code,Sex,Age,Time period,Value,Compared to England value or percentiles\n\
                   1,Obesity,E92000001,Persons,All ages,2020,10,Not compared\n\
                   1,Obesity,E06000001,Persons,All ages,2020,12,Worse\n\
                   1,Obesity,E06000002,Persons,All ages,2020,8,Better\n\
                   1,Obesity,E06000003,Persons,All ages,2020,10.5,Similar\n";
        let mut d = Diagnostics::new();
        let t = read_csv_bytes(csv.as_bytes(), "needs/f.csv", &mut d).unwrap();
        let mut values = NeedsValues::default();
        read_values(&t, &mut values, &mut d);
        assert_eq!(
            polarity_from_labels("1", &values),
            Some(Polarity::LowerIsBetter)
        );
        let mut indicators = BTreeMap::new();
        settle_indicators(&mut indicators, &values, &mut d);
        assert_eq!(indicators["1"].polarity, Polarity::LowerIsBetter);
        assert_eq!(
            indicators["1"].polarity_source,
            PolaritySource::FingertipsLabels
        );
        // Labels that contradict each other give no polarity.
        values.judgements[2].label = "Worse".into();
        assert_eq!(polarity_from_labels("1", &values), None);
    }
}
