//! Number, money and date formatting for display (data files keep unrounded numbers).

use crate::load::theme::Strings;
use chrono::{Datelike, NaiveDate};

/// A number written with the formatter's precision (`{:.1}`), giving exactly the text the
/// standard library gives for an `f64`, faster: the standard library's exact formatting falls back
/// to a slow bignum algorithm (Dragon4) for most values at few decimals, and a site formats
/// millions of them (every chart coordinate, every table cell). The value is scaled and rounded
/// half to even as an integer when the scaling error cannot change the rounding; any other value
/// (a near-tie, a huge number, more than 9 decimals, no precision) goes to the standard library.
#[derive(Debug, Clone, Copy)]
pub struct Dec(pub f64);

impl Dec {
    /// `|v|` scaled by `10^p` and rounded half to even, when that integer is exactly what the
    /// standard library's `{:.p$}` writes for it; `None` for every value [`Dec`] leaves to the
    /// standard library.
    fn rounded(v: f64, p: usize) -> Option<u64> {
        if p > 9 {
            return None;
        }
        let scaled = v.abs() * 10f64.powi(p as i32);
        // Below 2^52 every integer and half is exact; the product's error is at most half an ulp.
        if !v.is_finite() || scaled >= 4.0e15 {
            return None;
        }
        let error = if p == 0 {
            0.0
        } else {
            scaled * 2.3e-16 + 1e-300
        };
        if ((scaled - scaled.floor()) - 0.5).abs() <= error {
            return None;
        }
        Some(scaled.round_ties_even() as u64)
    }
}

impl std::fmt::Display for Dec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.0;
        let Some((p, n)) = f
            .precision()
            .filter(|_| f.width().is_none())
            .and_then(|p| Some((p, Dec::rounded(v, p)?)))
        else {
            return std::fmt::Display::fmt(&v, f);
        };
        let unit = 10u64.pow(p as u32);
        let sign = if v.is_sign_negative() { "-" } else { "" };
        if p == 0 {
            write!(f, "{sign}{n}")
        } else {
            write!(f, "{sign}{}.{:0p$}", n / unit, n % unit)
        }
    }
}

/// `v` rounded to a whole number, as `{:.0}` writes it (ties to even, `-0` for a small negative
/// value), without `fmt` where [`Dec`] can round it exactly: chart coordinates, millions of them.
pub fn push_whole(out: &mut String, v: f64) {
    match Dec::rounded(v, 0) {
        Some(n) => {
            if v.is_sign_negative() {
                out.push('-');
            }
            out.push_str(itoa::Buffer::new().format(n));
        }
        None => {
            use std::fmt::Write;
            let _ = write!(out, "{:.0}", Dec(v));
        }
    }
}

/// An integer's decimal digits (and its minus sign), as `{v}` writes them, without `fmt`.
pub fn push_integer(out: &mut String, v: i64) {
    out.push_str(itoa::Buffer::new().format(v));
}

/// The decimal digits of `n`, the last `width` of them at least (zeros in front).
fn push_digits(out: &mut String, n: u64, width: usize) {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(n);
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(digits);
}

/// Groups thousands: 1234567.891 with 1 decimal → "1,234,567.9".
pub fn number(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".into();
    }
    // Most numbers: their digits written straight from the rounded integer, as `Dec` would.
    if let Some(n) = Dec::rounded(value, decimals) {
        let unit = 10u64.pow(decimals as u32);
        let mut int = itoa::Buffer::new();
        let int = int.format(n / unit);
        let mut out = String::with_capacity(int.len() + int.len() / 3 + decimals + 2);
        if value < 0.0 && n != 0 {
            out.push('-');
        }
        crate::model::push_grouped(&mut out, int);
        if decimals > 0 {
            out.push('.');
            push_digits(&mut out, n % unit, decimals);
        }
        return out;
    }
    grouped(&format!("{:.*}", decimals, Dec(value.abs())), value < 0.0)
}

/// `digits` (an unsigned decimal, `1234567.9`) with its thousands grouped, and a minus sign when
/// `negative` unless every digit is 0.
fn grouped(digits: &str, negative: bool) -> String {
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if negative && digits.bytes().any(|c| c.is_ascii_digit() && c != b'0') {
        out.push('-');
    }
    crate::model::push_grouped(&mut out, int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// A value with sensible decimals for its size.
pub fn value(v: f64) -> String {
    let a = v.abs();
    if v.fract() == 0.0 || a >= 1000.0 {
        number(v, 0)
    } else if a >= 100.0 {
        number(v, 1)
    } else {
        number(v, if a >= 10.0 { 1 } else { 2 })
    }
}

/// An indicator's value, interval end or difference at the indicator's fixed decimal places
/// (`Indicator::display_decimals`), as Fingertips shows one precision per indicator: "7.0"
/// beside "7.1", never "7" beside "7.1".
pub fn fixed(v: Option<f64>, decimals: u32) -> String {
    v.map(|x| number(x, decimals as usize))
        .unwrap_or_else(|| "–".into())
}

/// A month period as readers write it, in the theme's words: `2024-04` → `Apr 2024`
/// (`format.month_short` with `month.short.4`); any other label (a financial year `2024/25`, a
/// range `2016 - 18`) as it is. Tables alike.
pub fn period_in(w: &Strings, label: &str) -> String {
    // Remembered per thread for one string table: the KPI pages of a site share their months,
    // each written on every page's chart and table.
    type Seen = (u64, foldhash::HashMap<String, String>);
    const REMEMBERED: usize = 4096;
    thread_local! {
        static SEEN: std::cell::RefCell<Seen> = std::cell::RefCell::new(Default::default());
    }
    SEEN.with_borrow_mut(|(table, seen)| {
        if *table != w.fingerprint() || seen.len() >= REMEMBERED {
            *table = w.fingerprint();
            seen.clear();
        }
        if let Some(words) = seen.get(label) {
            return words.clone();
        }
        let words = period_words(w, label);
        seen.insert(label.to_string(), words.clone());
        words
    })
}

fn period_words(w: &Strings, label: &str) -> String {
    let month = label
        .split_once('-')
        .filter(|(y, m)| y.len() == 4 && m.len() == 2 && y.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|(y, m)| Some((y, m.parse::<u32>().ok().filter(|m| (1..=12).contains(m))?)));
    match month {
        Some((year, m)) => w.fill(
            "format.month_short",
            &[
                ("month", &w.get(MONTH_SHORT[m as usize - 1])),
                ("year", &year),
            ],
        ),
        None => label.to_string(),
    }
}

/// The theme's keys of the months' short names, January first.
const MONTH_SHORT: [&str; 12] = [
    "month.short.1",
    "month.short.2",
    "month.short.3",
    "month.short.4",
    "month.short.5",
    "month.short.6",
    "month.short.7",
    "month.short.8",
    "month.short.9",
    "month.short.10",
    "month.short.11",
    "month.short.12",
];
/// The theme's keys of the months' names in full, January first.
const MONTH_LONG: [&str; 12] = [
    "month.long.1",
    "month.long.2",
    "month.long.3",
    "month.long.4",
    "month.long.5",
    "month.long.6",
    "month.long.7",
    "month.long.8",
    "month.long.9",
    "month.long.10",
    "month.long.11",
    "month.long.12",
];

/// A month in full, in the theme's words: "May 2025" (`format.month_long`).
pub fn month_in(w: &Strings, d: NaiveDate) -> String {
    w.fill(
        "format.month_long",
        &[
            ("month", &w.get(MONTH_LONG[d.month0() as usize])),
            ("year", &d.year()),
        ],
    )
}

/// The decimal places that show every one of `values` as [`value`] would, so a column of one
/// measure has one precision: "81.0" beside "80.2", never "81".
pub fn decimals_for(values: impl IntoIterator<Item = f64>) -> usize {
    values
        .into_iter()
        .filter(|v| v.is_finite() && v.fract() != 0.0 && v.abs() < 1000.0)
        .map(|v| if v.abs() >= 10.0 { 1 } else { 2 })
        .max()
        .unwrap_or(0)
}

pub fn opt_value(v: Option<f64>) -> String {
    v.map(value).unwrap_or_else(|| "–".into())
}

/// £1,234,567 (pence shown only under £100).
pub fn money(v: f64) -> String {
    let sign = if v < 0.0 { "-" } else { "" };
    if v.abs() < 100.0 && v.fract() != 0.0 {
        format!("{sign}£{}", number(v.abs(), 2))
    } else {
        format!("{sign}£{}", number(v.abs(), 0))
    }
}

/// £4.2m / £850k / £900 for headline figures.
pub fn money_short(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("£{}m", number(v / 1e6, 1))
    } else if a >= 1e4 {
        format!("£{}k", number(v / 1e3, 0))
    } else {
        money(v)
    }
}

pub fn percent(share: f64) -> String {
    format!("{}%", number(share * 100.0, 0))
}

/// 1 April 2025, in the theme's words (`format.date`).
pub fn date(w: &Strings, d: NaiveDate) -> String {
    w.fill(
        "format.date",
        &[
            ("day", &d.day()),
            ("month", &w.get(MONTH_LONG[d.month0() as usize])),
            ("year", &d.year()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `number` as the standard library's exact formatting writes it, grouped.
    fn grouped_by_std(v: f64, p: usize) -> String {
        if !v.is_finite() {
            return "–".into();
        }
        grouped(&format!("{:.p$}", v.abs()), v < 0.0)
    }

    #[test]
    fn an_integer_is_written_as_the_standard_library_writes_it() {
        for v in [
            0,
            7,
            -7,
            10,
            -10,
            999,
            1000,
            -123_456_789,
            i64::MAX,
            i64::MIN,
        ] {
            let mut out = String::from("x");
            push_integer(&mut out, v);
            assert_eq!(out, format!("x{v}"));
        }
    }

    #[test]
    fn dec_writes_what_the_standard_library_writes() {
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            -2.5,
            0.125,
            0.375,
            1.005,
            2.675,
            1e-7,
            -1e-7,
            -0.3,
            0.49999999999999994,
            0.05,
            0.15,
            0.25,
            0.35,
            12.345,
            99.995,
            123456.789,
            -98765.4321,
            1e15,
            4.5e15,
            9.9e15,
            1e300,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        // A deterministic spread of magnitudes and fractions, ties and near-ties among them.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..40_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mantissa = (x >> 11) as f64 / (1u64 << 53) as f64;
            let exponent = (x % 24) as i32 - 8;
            let v = mantissa * 10f64.powi(exponent);
            values.push(if x & 1 == 0 { v } else { -v });
            values.push((v * 1000.0).round() / 1000.0 + 0.0005);
            values.push((v * 8.0).round() / 8.0);
        }
        for v in values {
            for p in 0..=10 {
                assert_eq!(
                    format!("{:.*}", p, Dec(v)),
                    format!("{v:.p$}"),
                    "{v:e} at {p}"
                );
            }
            assert_eq!(format!("{}", Dec(v)), format!("{v}"));
            let mut whole = String::from("x");
            push_whole(&mut whole, v);
            assert_eq!(whole, format!("x{v:.0}"), "{v:e}");
            for p in 0..=10 {
                assert_eq!(number(v, p), grouped_by_std(v, p), "{v:e} at {p}");
            }
        }
    }

    #[test]
    fn formats_numbers_money_and_dates() {
        assert_eq!(number(1234567.891, 1), "1,234,567.9");
        assert_eq!(number(-0.001, 1), "0.0");
        assert_eq!(number(-1500.0, 0), "-1,500");
        assert_eq!(money(4200000.0), "£4,200,000");
        assert_eq!(money(12.5), "£12.50");
        assert_eq!(money_short(4_200_000.0), "£4.2m");
        assert_eq!(money_short(850_000.0), "£850k");
        assert_eq!(percent(0.256), "26%");
        assert_eq!(
            date(
                Strings::base(),
                NaiveDate::from_ymd_opt(2025, 4, 1).unwrap()
            ),
            "1 April 2025"
        );
        assert_eq!(value(23.456), "23.5");
        assert_eq!(value(99.0), "99");
        assert_eq!(value(0.1234), "0.12");
        assert_eq!(value(1234.6), "1,235");
        // One precision per indicator: 7 beside 7.10 reads 7.0 beside 7.1.
        assert_eq!(
            (fixed(Some(7.0), 1), fixed(Some(7.10), 1)),
            ("7.0".into(), "7.1".into())
        );
        assert_eq!(fixed(Some(81.0), 1), "81.0");
        assert_eq!(fixed(Some(18762.0), 0), "18,762");
        assert_eq!(fixed(None, 1), "–");
    }
    #[test]
    fn months_read_as_words_on_the_axis() {
        let period = |label| period_in(Strings::base(), label);
        assert_eq!(period("2024-04"), "Apr 2024");
        assert_eq!(period("2024-12"), "Dec 2024");
        assert_eq!(period("2024/25"), "2024/25");
        assert_eq!(period("2024-13"), "2024-13");
        assert_eq!(period("2016 - 18"), "2016 - 18");
    }

    #[test]
    fn one_precision_per_column() {
        assert_eq!(decimals_for([81.0, 80.2, 73.5]), 1);
        assert_eq!(decimals_for([81.0, 80.0]), 0);
        assert_eq!(decimals_for([5.25, 12.5]), 2);
        assert_eq!(decimals_for([1250.5, 3.0]), 0);
    }
}
