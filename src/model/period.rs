//! Reporting periods of needs indicators and KPIs: parsing every label FORMATS.md section 1 allows,
//! and ordering by start date.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::cmp::Ordering;
use std::fmt;

/// What kind of span a period covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Day,
    Month,
    Quarter,
    FinancialYear,
    Year,
    /// A Fingertips multi-year label such as `2016 - 18`.
    MultiYear,
}

/// A reporting period: its canonical label, its kind, and the dates it covers (inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Period {
    pub label: std::sync::Arc<str>,
    pub kind: PeriodKind,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

impl Period {
    /// Parses `2024`, `2024/25`, `2024-Q1`, `2024 Q1`, `2024-04`, `Apr 2024`, `April 2024`,
    /// `2024-04-01`, `01/04/2024` and multi-year labels `2016 - 18` / `2016-18` / `2016 - 2018`.
    pub fn parse(text: &str) -> Result<Period, String> {
        let t = crate::bytes::trim(text);
        if t.is_empty() {
            return Err("empty period".into());
        }
        parse_inner(t).ok_or_else(|| format!("cannot read \"{t}\" as a period"))
    }

    pub fn year(year: i32) -> Option<Period> {
        Some(Period {
            label: format!("{year}").into(),
            kind: PeriodKind::Year,
            start: NaiveDate::from_ymd_opt(year, 1, 1)?,
            end: NaiveDate::from_ymd_opt(year, 12, 31)?,
        })
    }

    pub fn month(year: i32, month: u32) -> Option<Period> {
        month_labelled(year, month, || format!("{year:04}-{month:02}"))
    }

    pub fn day(date: NaiveDate) -> Period {
        Period {
            label: date.format("%Y-%m-%d").to_string().into(),
            kind: PeriodKind::Day,
            start: date,
            end: date,
        }
    }

    /// Number of calendar years the period spans (1 for a year or financial year; 3 for `2016 - 18`).
    pub fn year_range(&self) -> i32 {
        match self.kind {
            PeriodKind::MultiYear => self.end.year() - self.start.year() + 1,
            _ => 1,
        }
    }
}

/// The month `month` of `year`, its label made by `label` (the canonical `2024-04`).
fn month_labelled(year: i32, month: u32, label: impl FnOnce() -> String) -> Option<Period> {
    let start = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    Some(Period {
        label: label().into(),
        kind: PeriodKind::Month,
        start,
        end: next.pred_opt()?,
    })
}

fn quarter(year: i32, q: u32) -> Option<Period> {
    if !(1..=4).contains(&q) {
        return None;
    }
    let start = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1)?;
    let end = Period::month(year, q * 3)?.end;
    Some(Period {
        label: format!("{year:04}-Q{q}").into(),
        kind: PeriodKind::Quarter,
        start,
        end,
    })
}

fn financial_year(year: i32, second: i32) -> Option<Period> {
    financial_year_labelled(year, second, || {
        format!("{year:04}/{:02}", (year + 1) % 100)
    })
}

/// [`financial_year`], its label made by `label` (the canonical `2024/25`).
fn financial_year_labelled(
    year: i32,
    second: i32,
    label: impl FnOnce() -> String,
) -> Option<Period> {
    // `2024/25`: the second part must be the following year.
    if second != (year + 1) % 100 && second != year + 1 {
        return None;
    }
    Some(Period {
        label: label().into(),
        kind: PeriodKind::FinancialYear,
        start: NaiveDate::from_ymd_opt(year, 4, 1)?,
        end: NaiveDate::from_ymd_opt(year + 1, 3, 31)?,
    })
}

fn multi_year(first: i32, last: i32) -> Option<Period> {
    if last <= first || last - first > 20 {
        return None;
    }
    Some(Period {
        label: format!("{first:04} - {:02}", last % 100).into(),
        kind: PeriodKind::MultiYear,
        start: NaiveDate::from_ymd_opt(first, 1, 1)?,
        end: NaiveDate::from_ymd_opt(last, 12, 31)?,
    })
}

fn year_number(s: &str) -> Option<i32> {
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = s.parse().ok()?;
        (1800..=2200).contains(&y).then_some(y)
    } else {
        None
    }
}

fn small_number(s: &str, digits: usize) -> Option<u32> {
    (s.len() == digits && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn month_name(s: &str) -> Option<u32> {
    let lower = s.to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| lower.starts_with(m))
        .and_then(|i| {
            let full = [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ][i];
            let ok = lower == MONTHS[i] || full.starts_with(&lower) || (lower == "sept" && i == 8);
            ok.then_some(i as u32 + 1)
        })
}

fn parse_inner(t: &str) -> Option<Period> {
    common_shape(t).or_else(|| parse_by_rules(t))
}

/// [`parse_inner`] by the general rules, for any shape.
fn parse_by_rules(t: &str) -> Option<Period> {
    if let Some(y) = year_number(t) {
        return Period::year(y);
    }
    // Split on separators into tokens, remembering which separator was used.
    let compact: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
    // Financial year `2024/25` or `2024/2025`.
    if let Some((a, b)) = compact.split_once('/') {
        let (a, b) = (a.trim(), b.trim());
        if let Some(y) = year_number(a) {
            if let Some(s) = small_number(b, 2) {
                return financial_year(y, s as i32);
            }
            if let Some(s) = year_number(b) {
                return financial_year(y, s);
            }
            return None;
        }
        // UK date `01/04/2024`.
        let parts: Vec<&str> = compact.split('/').map(str::trim).collect();
        if parts.len() == 3 {
            let d: u32 = parts[0].parse().ok()?;
            let m: u32 = parts[1].parse().ok()?;
            let y = year_number(parts[2])?;
            return NaiveDate::from_ymd_opt(y, m, d).map(Period::day);
        }
        return None;
    }
    // Quarter `2024-Q1`, `2024 Q1`, `Q1 2024`.
    let upper = compact.to_ascii_uppercase();
    let tokens: Vec<&str> = upper.split([' ', '-']).filter(|s| !s.is_empty()).collect();
    if tokens.len() == 2 {
        if let (Some(y), Some(q)) = (year_number(tokens[0]), tokens[1].strip_prefix('Q')) {
            return quarter(y, small_number(q, 1)?);
        }
        if let (Some(q), Some(y)) = (tokens[0].strip_prefix('Q'), year_number(tokens[1])) {
            return quarter(y, small_number(q, 1)?);
        }
        // Month `Apr 2024`, `April 2024`, `Apr-24`.
        if let Some(m) = month_name(tokens[0]) {
            if let Some(y) = year_number(tokens[1]) {
                return Period::month(y, m);
            }
            if let Some(yy) = small_number(tokens[1], 2) {
                return Period::month(2000 + yy as i32, m);
            }
            return None;
        }
        if let Some(y) = year_number(tokens[0]) {
            // `2024-04` (month) or `2016-18` / `2016 - 18` / `2016 - 2018` (multi-year).
            if let Some(m) = small_number(tokens[1], 2) {
                let is_month =
                    compact.contains('-') && !compact.contains(' ') && (1..=12).contains(&m);
                if is_month {
                    return Period::month(y, m);
                }
                let last = (y / 100) * 100 + m as i32;
                let last = if last <= y { last + 100 } else { last };
                return multi_year(y, last);
            }
            if let Some(last) = year_number(tokens[1]) {
                return multi_year(y, last);
            }
        }
        return None;
    }
    if tokens.len() == 3 && compact.contains('-') && !compact.contains(' ') {
        // ISO date `2024-04-01`.
        let y = year_number(tokens[0])?;
        let m = small_number(tokens[1], 2)?;
        let d = small_number(tokens[2], 2)?;
        return NaiveDate::from_ymd_opt(y, m, d).map(Period::day);
    }
    None
}

/// The two shapes most returns use, read without the general rules' copies: a month `2024-04`
/// and a financial year `2024/25`. `None` sends any other text (`2016-18`, a year out of range)
/// through the general rules, which read these two shapes the same way.
fn common_shape(t: &str) -> Option<Period> {
    let b = t.as_bytes();
    if b.len() != 7 || !b[5..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let year = year_number(t.get(..4)?)?;
    let second = u32::from(b[5] - b'0') * 10 + u32::from(b[6] - b'0');
    // Both shapes are their own canonical label (four-digit year, two-digit month or year).
    match b[4] {
        b'-' if (1..=12).contains(&second) => month_labelled(year, second, || t.to_string()),
        b'/' => financial_year_labelled(year, second as i32, || t.to_string()),
        _ => None,
    }
}

impl Ord for Period {
    /// Periods sort by start date, then by length (shorter first), then by label.
    fn cmp(&self, other: &Self) -> Ordering {
        (self.start, self.end, &self.label).cmp(&(other.start, other.end, &other.label))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn parses_every_documented_form() {
        assert_eq!(
            (p("2024").kind, p("2024").start.to_string()),
            (PeriodKind::Year, "2024-01-01".into())
        );
        let fy = p("2024/25");
        assert_eq!(
            (fy.kind, fy.start.to_string(), fy.end.to_string()),
            (
                PeriodKind::FinancialYear,
                "2024-04-01".into(),
                "2025-03-31".into()
            )
        );
        assert_eq!(&*p("2024/2025").label, "2024/25");
        assert_eq!(&*p("2024-Q1").label, "2024-Q1");
        assert_eq!(p("2024 Q3").start.to_string(), "2024-07-01");
        assert_eq!(&*p("2024-04").label, "2024-04");
        assert_eq!(p("2024-02").end.to_string(), "2024-02-29");
        assert_eq!(&*p("Apr 2024").label, "2024-04");
        assert_eq!(&*p("September 2024").label, "2024-09");
        assert_eq!(p("2024-04-01").kind, PeriodKind::Day);
        assert_eq!(&*p("01/04/2024").label, "2024-04-01");
        let m = p("2016 - 18");
        assert_eq!(
            (m.kind, m.label.as_ref(), m.year_range()),
            (PeriodKind::MultiYear, "2016 - 18", 3)
        );
        assert_eq!(p("2016-18").kind, PeriodKind::MultiYear);
        assert_eq!(p("1999 - 01").end.to_string(), "2001-12-31");
    }

    #[test]
    fn the_common_shapes_read_as_the_general_rules_read_them() {
        for year in (1795..=2205).step_by(5).chain([1999, 2000, 2099, 2100]) {
            for second in 0..=99 {
                for sep in ['-', '/'] {
                    let t = format!("{year}{sep}{second:02}");
                    let fast = common_shape(&t);
                    if fast.is_some() {
                        assert_eq!(fast, parse_by_rules(&t), "{t}");
                    }
                }
            }
        }
        assert_eq!(
            common_shape("2024-04").map(|p| p.label),
            Some("2024-04".into())
        );
        assert_eq!(
            common_shape("2024/25").map(|p| p.label),
            Some("2024/25".into())
        );
        // Multi-year labels and other shapes are left to the general rules.
        assert_eq!(common_shape("2016-18"), None);
        assert_eq!(common_shape("2024-Q1"), None);
        assert_eq!(common_shape("Apr-24x"), None);
    }

    #[test]
    fn rejects_nonsense() {
        for bad in [
            "",
            "20245",
            "2024/27",
            "2024-13-01",
            "2024-Q5",
            "Foo 2024",
            "31/02/2024",
            "abc",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn sorts_by_start_date() {
        let mut v = [p("2024/25"), p("2024"), p("2023-Q4"), p("2024-03")];
        v.sort();
        let labels: Vec<&str> = v.iter().map(|x| x.label.as_ref()).collect();
        assert_eq!(labels, vec!["2023-Q4", "2024", "2024-03", "2024/25"]);
    }
}
