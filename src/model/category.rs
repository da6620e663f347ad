//! The natural order of breakdown labels (deprivation deciles and quintiles, age bands, sexes):
//! deprivation from most to least deprived, age bands by age, then the rest alphabetically, the
//! order every table, chart and data file lists them in.

use std::cmp::Ordering;

const ORDINALS: [(&str, u32); 20] = [
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
    ("1st", 1),
    ("2nd", 2),
    ("3rd", 3),
    ("4th", 4),
    ("5th", 5),
    ("6th", 6),
    ("7th", 7),
    ("8th", 8),
    ("9th", 9),
    ("10th", 10),
];

fn leading_number(text: &str) -> Option<u32> {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The place of a deprivation label from most (low) to least (high) deprived: Fingertips'
/// "Most deprived decile", "Second most deprived decile", "Third more deprived decile" … "Fifth
/// less deprived decile" … "Least deprived decile", quintiles alike, "Middle quintile", and
/// numbered forms "1 - most deprived" … "10 - least deprived" or "Decile 3".
pub fn deprivation_rank(label: &str) -> Option<u32> {
    let t = label.trim().to_lowercase();
    let is_deprivation = t.contains("deprived") || t.contains("decile") || t.contains("quintile");
    if !is_deprivation {
        return None;
    }
    if let Some(n) = leading_number(&t) {
        return Some(n);
    }
    if let Some(rest) = t
        .strip_prefix("decile")
        .or_else(|| t.strip_prefix("quintile"))
    {
        return leading_number(rest.trim_start());
    }
    if t.starts_with("most deprived") {
        return Some(1);
    }
    if t.starts_with("least deprived") {
        return Some(100);
    }
    if t.starts_with("middle") {
        return Some(50);
    }
    let first = t.split_whitespace().next().unwrap_or("");
    let second = t.split_whitespace().nth(1).unwrap_or("");
    let n = ORDINALS.iter().find(|(w, _)| *w == first)?.1;
    match second {
        "most" | "more" => Some(n),
        "least" | "less" => Some(100 - n),
        _ => None,
    }
}

/// The (lower, upper) ages of an age band label: "0-5 yrs", "18 to 64", "<75 yrs", "Under 18",
/// "65+ yrs", "75 and over". `None` for anything else ("All ages").
pub fn age_band(label: &str) -> Option<(u32, u32)> {
    let t = label.trim().to_lowercase();
    let (under, rest) = if let Some(r) = t.strip_prefix('<') {
        (true, r.trim_start())
    } else if let Some(r) = t.strip_prefix("under") {
        (true, r.trim_start())
    } else {
        (false, t.as_str())
    };
    let first = leading_number(rest)?;
    if under {
        return Some((0, first));
    }
    let after = rest[first.to_string().len()..].trim_start();
    if after.starts_with('+') || after.starts_with("and over") || after.starts_with("or over") {
        return Some((first, u32::MAX));
    }
    let upper = after
        .strip_prefix('-')
        .or_else(|| after.strip_prefix("to"))
        .map(str::trim_start)
        .and_then(leading_number);
    Some((first, upper.unwrap_or(first)))
}

/// Orders two labels naturally: deprivation by rank, then age bands by age, then the rest
/// alphabetically (case-insensitive, then exactly).
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    fn key(s: &str) -> (u8, u32, u32) {
        if let Some(r) = deprivation_rank(s) {
            (0, r, 0)
        } else if let Some((lo, hi)) = age_band(s) {
            (1, lo, hi)
        } else {
            (2, 0, 0)
        }
    }
    key(a)
        .cmp(&key(b))
        .then_with(|| a.to_lowercase().cmp(&b.to_lowercase()))
        .then_with(|| a.cmp(b))
}

/// [`natural_cmp`] for optional labels; a missing label sorts first.
pub fn natural_cmp_opt(a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => natural_cmp(a, b),
        (a, b) => a.is_some().cmp(&b.is_some()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deciles_run_from_most_to_least_deprived() {
        let mut labels = vec![
            "Fifth less deprived decile (IMD2019)",
            "Fifth more deprived decile (IMD2019)",
            "Fourth less deprived decile (IMD2019)",
            "Fourth more deprived decile (IMD2019)",
            "Least deprived decile (IMD2019)",
            "Most deprived decile (IMD2019)",
            "Second least deprived decile (IMD2019)",
            "Second most deprived decile (IMD2019)",
            "Third less deprived decile (IMD2019)",
            "Third more deprived decile (IMD2019)",
        ];
        labels.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            labels,
            vec![
                "Most deprived decile (IMD2019)",
                "Second most deprived decile (IMD2019)",
                "Third more deprived decile (IMD2019)",
                "Fourth more deprived decile (IMD2019)",
                "Fifth more deprived decile (IMD2019)",
                "Fifth less deprived decile (IMD2019)",
                "Fourth less deprived decile (IMD2019)",
                "Third less deprived decile (IMD2019)",
                "Second least deprived decile (IMD2019)",
                "Least deprived decile (IMD2019)",
            ]
        );
        let mut numbered = vec!["10 - least deprived", "Decile 2", "1 - most deprived"];
        numbered.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            numbered,
            vec!["1 - most deprived", "Decile 2", "10 - least deprived"]
        );
        assert_eq!(deprivation_rank("Middle quintile"), Some(50));
        assert_eq!(deprivation_rank("Decile 3"), Some(3));
    }

    #[test]
    fn age_bands_by_age_then_the_rest_alphabetically() {
        let mut labels = vec![
            "All ages",
            "65+ yrs",
            "18-64 yrs",
            "<75 yrs",
            "0-5 yrs",
            "Under 18",
            "10 to 24",
        ];
        labels.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            labels,
            vec![
                "0-5 yrs",
                "Under 18",
                "<75 yrs",
                "10 to 24",
                "18-64 yrs",
                "65+ yrs",
                "All ages"
            ]
        );
        let mut sexes = vec!["Persons", "Male", "Female"];
        sexes.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(sexes, vec!["Female", "Male", "Persons"]);
        assert_eq!(natural_cmp_opt(None, Some("A")), Ordering::Less);
    }
}
