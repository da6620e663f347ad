#!/usr/bin/env python3
"""Generate the sample project for `commission`: the commissioning evidence of Northbridge City
Council, a FICTIONAL English council. Every figure, name, company and charity number it writes is
invented for illustration.

    pip install openpyxl odfpy
    python3 scripts/make_sample_data.py [--out sample-data]

The output is deterministic: one random.Random(2026) drives every draw, in a fixed order, and the
spreadsheet archives are written with fixed timestamps, so running it twice gives the same bytes.
The folder follows the project contract in FORMATS.md section 1.
"""
import argparse
import csv
import datetime as dt
import math
import random
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Font
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

rng = None  # random.Random(2026), set in main()
AS_OF = dt.date(2026, 3, 31)
FIXED_STAMP = dt.datetime(2026, 3, 31, 9, 0, 0)

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def write_csv(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])


def write_text(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.strip("\n") + "\n", encoding="utf-8")


def fmt(x, places=None):
    """A number as CSV text: integers without a decimal point, others rounded."""
    if x is None:
        return ""
    if isinstance(x, int):
        return str(x)
    if places is not None:
        x = round(x, places)
        if places == 0:
            return str(int(x))
    if float(x).is_integer():
        return str(int(x))
    return repr(float(x))


def normalise_zip(path):
    """Rewrites an xlsx/ods archive with fixed timestamps so the output is reproducible."""
    with zipfile.ZipFile(path) as z:
        entries = [(i, z.read(i.filename)) for i in z.infolist()]
    stamp = FIXED_STAMP.strftime("%Y-%m-%dT%H:%M:%S")
    with zipfile.ZipFile(path, "w") as out:
        for info, data in entries:
            if info.filename in ("docProps/core.xml", "meta.xml"):
                text = data.decode("utf-8")
                text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?", stamp + "Z" if "core" in info.filename else stamp, text)
                data = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 3, 31, 9, 0, 0))
            zi.compress_type = info.compress_type
            zi.external_attr = info.external_attr
            out.writestr(zi, data)


def save_xlsx(wb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.properties.creator = "Northbridge City Council (fictional)"
    wb.properties.created = FIXED_STAMP
    wb.save(path)
    normalise_zip(path)


def months(start=(2024, 4), n=24):
    y, m = start
    out = []
    for _ in range(n):
        out.append((y, m))
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


# ---------------------------------------------------------------------------------------------
# Statistics used to fill the Fingertips export and to check the designed patterns
# ---------------------------------------------------------------------------------------------
Z95, Z998 = 1.959964, 3.090232


def wilson(o, n, z):
    lo = (2 * o + z * z - z * math.sqrt(z * z + 4 * o * (1 - o / n))) / (2 * (n + z * z))
    hi = (2 * o + z * z + z * math.sqrt(z * z + 4 * o * (1 - o / n))) / (2 * (n + z * z))
    return lo, hi


def byar(o, z):
    """Byar's limits for a count (o >= 10)."""
    lo = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
    hi = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
    return lo, hi


def ci(vt, o, n, mult, z):
    if vt == "proportion":
        lo, hi = wilson(o, n, z)
        return lo * mult, hi * mult
    lo, hi = byar(max(o, 10), z)
    return lo / n * mult, hi / n * mult


def trend_test(values, lowers, uppers):
    """Fingertips recent-trend test (CI path) on the last 5 points: (chi2, slope, significant)."""
    y = values[-5:]
    w = [1 / (((u - l) / 3.92) ** 2) for l, u in zip(lowers[-5:], uppers[-5:])]

    def slope(idx):
        sw = sum(w[i] for i in idx)
        swt = sum(w[i] * (i + 1) for i in idx)
        swy = sum(w[i] * y[i] for i in idx)
        swty = sum(w[i] * y[i] * (i + 1) for i in idx)
        swt2 = sum(w[i] * (i + 1) ** 2 for i in idx)
        den = sw * swt2 - swt ** 2
        return (sw * swty - swt * swy) / den, math.sqrt(sw / den)

    b, beta = slope(range(5))
    signs = {slope([j for j in range(5) if j != k])[0] >= 0 for k in range(5)} | {b >= 0}
    chi = (b / beta) ** 2
    return chi, b, chi > 9.54953570608324 and len(signs) == 1


def spc(values, rebase_at=None):
    """Making Data Count XmR rules (no MR screening). Returns (per-point directions, limits of last phase)."""
    n = len(values)
    starts = [0] + ([rebase_at] if rebase_at else [])
    groups = [(s, (starts[i + 1] if i + 1 < len(starts) else n)) for i, s in enumerate(starts)]
    dirs = [0] * n
    limits = None
    for a, b in groups:
        y = values[a:b]
        mean = sum(y) / len(y)
        mr = [abs(y[i] - y[i - 1]) for i in range(1, len(y))]
        amr = sum(mr) / len(mr)
        upl, lpl = mean + 2.66 * amr, mean - 2.66 * amr
        near_hi, near_lo = mean + 1.7733 * amr, mean - 1.7733 * amr
        limits = (mean, lpl, upl)
        side = [(v > mean) - (v < mean) for v in y]
        local = [0] * len(y)
        # shift
        i = 0
        while i < len(y):
            j = i
            while j < len(y) and side[j] == side[i] and side[i] != 0:
                j += 1
            if j - i >= 7:
                for k in range(i, j):
                    local[k] = side[i]
            i = max(j, i + 1)
        # two in three
        close = [(v > near_hi and v <= upl) - (v < near_lo and v >= lpl) for v in y]
        for k in range(len(y) - 2):
            win = range(k, k + 3)
            if len({side[q] for q in win}) == 1 and side[k] != 0:
                if sum(1 for q in win if close[q] == side[k]) >= 2:
                    for q in win:
                        if close[q] == side[k]:
                            local[q] = side[k]
        # trend
        for k in range(len(y) - 6):
            d = [y[q + 1] - y[q] for q in range(k, k + 6)]
            if all(x > 0 for x in d) or all(x < 0 for x in d):
                s = 1 if d[0] > 0 else -1
                for q in range(k, k + 7):
                    local[q] = s
        # outside limits
        for k, v in enumerate(y):
            if v > upl:
                local[k] = 1
            elif v < lpl:
                local[k] = -1
        dirs[a:b] = local
    return dirs, limits


# ---------------------------------------------------------------------------------------------
# Areas (all fictional except the region and England codes)
# ---------------------------------------------------------------------------------------------
# code, name, population in 2019, deprivation factor (1 = council average; higher = more deprived)
WARDS = [
    ("E05099001", "Bridgefoot", 17850, 1.55),
    ("E05099002", "Carr Moss", 16420, 1.40),
    ("E05099003", "Dyers Green", 15310, 1.25),
    ("E05099004", "Eastfield", 14080, 1.10),
    ("E05099005", "Ashton Vale", 13260, 0.95),
    ("E05099006", "Holme Edge", 12140, 0.80),
    ("E05099007", "Greystone Park", 11370, 0.65),
    ("E05099008", "Fellside", 10490, 0.55),
]
COUNCIL = ("E08000099", "Northbridge", 248600)
REGION = ("E12000002", "North West region", 7341000)
ENGLAND = ("E92000001", "England", 56287000)
AREA_TYPE = {"ward": "Ward", "council": "Counties & UAs (from Apr 2023)", "region": "Regions (statistical)", "england": "England"}

YEARS = list(range(2019, 2025))


def period_label(kind, year):
    return str(year) if kind == "cal" else f"{year}/{str(year + 1)[2:]}"


# ---------------------------------------------------------------------------------------------
# Indicators. Fields of each entry:
#   id, name, domain, value_type, multiplier, unit, polarity, period kind ("cal" | "fin"),
#   denominator ("pop", share) | ("hh", share) | ("survey", ward, council, region, england) | ("value", ...),
#   England rate in 2019 (events per person), deprivation sensitivity, England yearly change,
#   Northbridge excess (ratio to England), extra local yearly change, definition, source, overrides
# ---------------------------------------------------------------------------------------------
OHID = "OHID, Fingertips (Public Health Outcomes Framework); illustrative figures"
LOCAL = "Northbridge City Council local data (fictional)"
IND = [
    ("93763", "Admission episodes for alcohol-specific conditions", "Drugs and alcohol", "crude_rate", 100000, "per 100,000", "lower_is_better", "fin",
     ("pop", 1.0), 0.00587, 0.9, 0.01, 1.28, 0.0,
     "Admission episodes where the primary diagnosis or any secondary diagnosis is an alcohol-specific (wholly attributable) condition, per 100,000 population.", OHID,
     {"effectiveness": 8}),
    ("92904", "Deaths from drug misuse", "Drugs and alcohol", "crude_rate", 100000, "per 100,000", "lower_is_better", "cal",
     ("pop", 1.0), 0.000055, 1.2, 0.04, 1.65, 0.0,
     "Deaths related to drug poisoning where the underlying cause is drug abuse or drug dependence, or the death involved a controlled drug, per 100,000 population.", "ONS deaths related to drug poisoning; illustrative figures",
     {"seriousness": 10}),
    ("90244", "Successful completion of drug treatment: opiate users", "Drugs and alcohol", "proportion", 100, "%", "higher_is_better", "cal",
     ("pop", 0.0036), 0.052, -0.3, -0.02, 0.88, 0.08,
     "Opiate users who left drug treatment successfully (free of drug dependence) and did not re-present within 6 months, as a percentage of all opiate users in treatment.", "National Drug Treatment Monitoring System; illustrative figures",
     {}),
    ("92447", "Successful completion of alcohol treatment", "Drugs and alcohol", "proportion", 100, "%", "higher_is_better", "cal",
     ("pop", 0.0019), 0.36, -0.2, -0.01, 0.97, 0.0,
     "Adults who left alcohol treatment successfully and did not re-present within 6 months, as a percentage of all adults in alcohol treatment.", "National Drug Treatment Monitoring System; illustrative figures",
     {}),
    ("22401", "Emergency hospital admissions due to falls in people aged 65 and over", "Older people", "crude_rate", 100000, "per 100,000", "lower_is_better", "fin",
     ("pop", 0.186), 0.0212, 0.3, 0.0, 1.12, -0.055,
     "Emergency admissions for falls injuries in people aged 65 and over, per 100,000 population aged 65 and over (shown here as a crude rate).", OHID,
     {"effectiveness": 8}),
    ("41401", "Hip fractures in people aged 65 and over", "Older people", "crude_rate", 100000, "per 100,000", "lower_is_better", "fin",
     ("pop", 0.186), 0.0055, 0.2, -0.01, 1.05, 0.0,
     "Emergency admissions for fractured neck of femur in people aged 65 and over, per 100,000 population aged 65 and over.", OHID,
     {}),
    ("90643", "Older people still at home 91 days after discharge from hospital into reablement", "Older people", "proportion", 100, "%", "higher_is_better", "fin",
     ("pop", 0.0026), 0.82, -0.05, 0.0, 0.965, 0.0,
     "People aged 65 and over still at home 91 days after discharge from hospital into reablement or rehabilitation services (ASCOF 2B(1)).", "NHS England, Adult Social Care Outcomes Framework; illustrative figures",
     {}),
    ("90648", "Permanent admissions to residential and nursing care homes, aged 65 and over", "Older people", "crude_rate", 100000, "per 100,000", "lower_is_better", "fin",
     ("pop", 0.186), 0.0057, 0.3, -0.01, 1.14, 0.0,
     "Council-supported permanent admissions of people aged 65 and over to residential and nursing care homes, per 100,000 population aged 65 and over (ASCOF 2A).", "NHS England, Adult Social Care Outcomes Framework; illustrative figures",
     {}),
    ("90285", "Smoking prevalence in adults (GP recorded)", "Lifestyle", "proportion", 100, "%", "lower_is_better", "cal",
     ("pop", 0.79), 0.146, 0.6, -0.04, 1.22, 0.0,
     "Adults aged 18 and over recorded as current smokers in GP records, as a percentage of registered adults with smoking status recorded.", "NHS England, Quality and Outcomes Framework; illustrative figures",
     {"effectiveness": 9, "pearl": "11111"}),
    ("93579", "Smoking status at time of delivery", "Children and young people", "proportion", 100, "%", "lower_is_better", "fin",
     ("pop", 0.0112), 0.096, 0.8, -0.05, 1.30, 0.0,
     "Mothers known to be smokers at the time of delivery, as a percentage of all maternities where smoking status is known.", "NHS England, Smoking at Time of Delivery collection; illustrative figures",
     {"effectiveness": 8}),
    ("93085", "Hospital admissions as a result of self-harm (10-24 years)", "Mental health", "crude_rate", 100000, "per 100,000", "lower_is_better", "fin",
     ("pop", 0.176), 0.0042, 0.5, 0.02, 1.18, 0.07,
     "Emergency hospital admissions for intentional self-harm in people aged 10 to 24, per 100,000 population aged 10 to 24.", OHID,
     {}),
    ("41001", "Suicide rate", "Mental health", "crude_rate", 100000, "per 100,000", "lower_is_better", "cal",
     ("pop", 0.83), 0.000125, 0.5, 0.01, 1.18, 0.0,
     "Deaths from suicide and injury of undetermined intent in people aged 10 and over, per 100,000 population aged 10 and over (shown here as a crude rate for single years).", "ONS mortality data; illustrative figures",
     {"seriousness": 10}),
    ("848", "Depression: QOF prevalence (18+)", "Mental health", "proportion", 100, "%", "no_judgement", "fin",
     ("pop", 0.79), 0.124, 0.2, 0.06, 1.10, 0.0,
     "Patients aged 18 and over with depression recorded on practice disease registers, as a percentage of registered patients aged 18 and over.", "NHS England, Quality and Outcomes Framework; illustrative figures",
     {}),
    ("22303", "Self-reported wellbeing: people with a low happiness score", "Mental health", "proportion", 100, "%", "lower_is_better", "fin",
     ("survey", 180, 1250, 3200, 152000), 0.087, 0.4, 0.01, 1.12, 0.0,
     "Respondents aged 16 and over scoring 0 to 4 when asked how happy they felt yesterday, on a scale of 0 to 10. Ward figures come from the Northbridge residents' survey.", "ONS Annual Population Survey and Northbridge residents' survey; illustrative figures",
     {}),
    ("93015", "Loneliness: adults who feel lonely often, always or some of the time", "Mental health", "proportion", 100, "%", "lower_is_better", "fin",
     ("survey", 190, 1300, 3100, 148000), 0.225, 0.3, 0.0, 1.06, 0.0,
     "Adults who say they feel lonely often, always or some of the time. Ward figures come from the Northbridge residents' survey.", "Sport England Active Lives and Northbridge residents' survey; illustrative figures",
     {"effectiveness": 5}),
    ("20601", "Reception prevalence of overweight (including obesity)", "Children and young people", "proportion", 100, "%", "lower_is_better", "fin",
     ("pop", 0.0112), 0.221, 0.3, 0.0, 1.05, 0.0,
     "Children in Reception (aged 4 to 5) classified as overweight or living with obesity, as a percentage of children measured by the National Child Measurement Programme.", "NHS England, National Child Measurement Programme; illustrative figures",
     {}),
    ("20602", "Year 6 prevalence of overweight (including obesity)", "Children and young people", "proportion", 100, "%", "lower_is_better", "fin",
     ("pop", 0.0121), 0.357, 0.3, 0.01, 1.08, 0.02,
     "Children in Year 6 (aged 10 to 11) classified as overweight or living with obesity, as a percentage of children measured.", "NHS England, National Child Measurement Programme; illustrative figures",
     {}),
    ("92517", "Breastfeeding prevalence at 6 to 8 weeks after birth", "Children and young people", "proportion", 100, "%", "higher_is_better", "fin",
     ("pop", 0.0106), 0.479, -0.5, 0.01, 0.80, 0.0,
     "Infants totally or partially breastfed at their 6 to 8 week review, as a percentage of infants due a review.", OHID,
     {"effectiveness": 6}),
    ("93434", "Child development: children achieving a good level of development at 2 to 2 and a half years", "Children and young people", "proportion", 100, "%", "higher_is_better", "fin",
     ("pop", 0.0108), 0.80, -0.15, -0.01, 0.955, 0.0,
     "Children at or above the expected level in all five areas of development of the Ages and Stages Questionnaire (ASQ-3) at their 2 to 2 and a half year review.", OHID,
     {}),
    ("20401", "Under 18s conception rate / 1,000", "Sexual health", "crude_rate", 1000, "per 1,000", "lower_is_better", "cal",
     ("pop", 0.0176), 0.0155, 0.8, -0.07, 1.30, 0.0,
     "Conceptions in women aged under 18, per 1,000 females aged 15 to 17.", "ONS conception statistics; illustrative figures",
     {}),
    ("91306", "New STI diagnoses (excluding chlamydia aged under 25)", "Sexual health", "crude_rate", 100000, "per 100,000", "lower_is_better", "cal",
     ("pop", 0.64), 0.0066, 0.4, 0.02, 1.10, 0.0,
     "New diagnoses of sexually transmitted infections in people aged 15 to 64, excluding chlamydia in those aged under 25, per 100,000 population aged 15 to 64.", "UKHSA GUMCAD STI surveillance; illustrative figures",
     {}),
    ("90776", "Chlamydia detection rate per 100,000 aged 15 to 24 (females)", "Sexual health", "crude_rate", 100000, "per 100,000", "higher_is_better", "cal",
     ("pop", 0.058), 0.0168, 0.2, -0.03, 1.00, 0.0,
     "Chlamydia diagnoses in young women aged 15 to 24 attending specialist and non-specialist sexual health services, per 100,000 females aged 15 to 24.", "UKHSA Chlamydia Testing Activity Dataset; illustrative figures",
     {}),
    ("93736", "Households owed a prevention or relief duty under the Homelessness Reduction Act", "Housing", "crude_rate", 1000, "per 1,000 households", "lower_is_better", "fin",
     ("hh", 0.43), 0.0124, 0.6, 0.03, 1.25, 0.06,
     "Households assessed as threatened with homelessness (prevention duty) or homeless (relief duty), per 1,000 households.", "DLUHC/MHCLG statutory homelessness statistics (H-CLIC); illustrative figures",
     {"effectiveness": 7}),
    ("93737", "Households in temporary accommodation", "Housing", "crude_rate", 1000, "per 1,000 households", "lower_is_better", "fin",
     ("hh", 0.43), 0.0040, 0.8, 0.05, 0.70, 0.08,
     "Households in temporary accommodation arranged by the council at the end of the year, per 1,000 households.", "DLUHC/MHCLG statutory homelessness statistics; illustrative figures",
     {}),
    ("93759", "Fuel poverty (low income, low energy efficiency methodology)", "Housing", "proportion", 100, "%", "lower_is_better", "cal",
     ("hh", 0.43), 0.131, 0.6, 0.0, 1.15, 0.0,
     "Households that have fuel poverty energy efficiency rating of band D or below and would be left with a residual income below the poverty line after meeting their required fuel costs.", "DESNZ sub-regional fuel poverty statistics; illustrative figures",
     {"pearl": "11011"}),
    ("93014", "Percentage of physically active adults", "Lifestyle", "proportion", 100, "%", "higher_is_better", "fin",
     ("survey", 200, 1400, 3600, 170000), 0.671, -0.2, 0.0, 0.95, 0.0,
     "Adults aged 19 and over doing at least 150 moderate intensity equivalent minutes of physical activity per week. Ward figures come from the Northbridge residents' survey.", "Sport England Active Lives and Northbridge residents' survey; illustrative figures",
     {}),
    ("93088", "Percentage of adults (aged 18 plus) classified as overweight or obese", "Lifestyle", "proportion", 100, "%", "lower_is_better", "fin",
     ("survey", 170, 1150, 3000, 160000), 0.637, 0.1, 0.005, 1.04, 0.0,
     "Adults aged 18 and over with a body mass index of 25 or more, from self-reported height and weight adjusted for reporting bias.", "Sport England Active Lives and Northbridge residents' survey; illustrative figures",
     {"size": 9}),
    ("91112", "Cumulative percentage of the eligible population aged 40 to 74 who received an NHS Health Check", "Lifestyle", "proportion", 100, "%", "higher_is_better", "fin",
     ("pop", 0.33), 0.29, -0.1, 0.02, 0.93, 0.0,
     "Eligible people aged 40 to 74 who received an NHS Health Check in the five years to the end of the period, as a percentage of the eligible population.", "OHID NHS Health Check data collection; illustrative figures",
     {}),
    ("NBC-CAR-01", "Carers receiving support after an assessment or review", "Carers", "crude_rate", 100000, "per 100,000", "higher_is_better", "fin",
     ("pop", 0.79), 0.0038, 0.0, 0.0, 0.90, 0.05,
     "Carers aged 18 and over who received direct support (a direct payment, commissioned support or information and advice) after a carer's assessment or review in the year, per 100,000 adults.", "Northbridge adult social care records and NHS England SALT return; illustrative figures",
     {"effectiveness": 7}),
    ("90638", "Adult carers who have as much social contact as they would like", "Carers", "proportion", 100, "%", "higher_is_better", "fin",
     ("survey", 45, 420, 2100, 52000), 0.286, -0.2, -0.02, 0.95, 0.0,
     "Carers aged 18 and over responding to the Survey of Adult Carers who say they have as much social contact as they would like (ASCOF 1I(2)). Ward figures are small and uncertain.", "NHS England, Survey of Adult Carers in England; illustrative figures",
     {}),
    # Indicators with no counts: values (and confidence intervals where published) are given.
    ("90633", "Social care-related quality of life score", "Older people", "score", None, "score out of 24", "higher_is_better", "fin",
     ("value", 18.9, 0.35, 0.25), None, None, None, None, None,
     "Average social care-related quality of life of people who use services, from the Adult Social Care Survey (ASCOF 1A).", "NHS England, Adult Social Care Survey; illustrative figures",
     {}),
    ("90637", "Carer-reported quality of life score", "Carers", "score", None, "score out of 12", "higher_is_better", "fin",
     ("value", 7.3, 0.45, 0.3), None, None, None, None, None,
     "Average quality of life reported by carers in the Survey of Adult Carers in England (ASCOF 1D).", "NHS England, Survey of Adult Carers in England; illustrative figures",
     {}),
    ("90360", "Excess winter deaths index", "Older people", "ratio", None, "%", "lower_is_better", "fin",
     ("value", 17.4, 6.0, 8.0), None, None, None, None, None,
     "Excess winter deaths (December to March) as a percentage of the average deaths in the preceding August to November and the following April to July.", "ONS excess winter mortality; illustrative figures",
     {}),
]

# Indicators in the Fingertips export (they need rows in indicators.csv for value type and polarity).
FT_IND = [
    ("90366", "Life expectancy at birth", "Life expectancy and mortality", "mean", 1, "years", "higher_is_better",
     "Average number of years a newborn would live if exposed to the area's current age-specific death rates, over three years.", "OHID, Fingertips (Public Health Outcomes Framework); illustrative figures", {}),
    ("108", "Under 75 mortality rate from all causes", "Life expectancy and mortality", "directly_standardised_rate", 100000, "per 100,000", "lower_is_better",
     "Deaths from all causes in people aged under 75, directly age-standardised to the 2013 European Standard Population, per 100,000.", "OHID, Fingertips (Public Health Outcomes Framework); illustrative figures", {"seriousness": 9}),
    ("93470", "Hospital admissions for dental caries (0 to 5 years)", "Children and young people", "crude_rate", 100000, "per 100,000", "lower_is_better",
     "Finished consultant episodes with a primary diagnosis of dental caries in children aged 0 to 5, per 100,000 population aged 0 to 5.", "OHID, Fingertips (Child and Maternal Health); illustrative figures", {"effectiveness": 7}),
]


def pop_in(base, year, growth):
    return base * (1 + growth) ** (year - 2019)


def area_list():
    """(code, name, type key, parent code, base population, deprivation factor, growth)."""
    out = [(c, n, "ward", COUNCIL[0], p, d, 0.005) for c, n, p, d in WARDS]
    out.append((COUNCIL[0], COUNCIL[1], "council", REGION[0], COUNCIL[2], None, 0.0045))
    out.append((REGION[0], REGION[1], "region", ENGLAND[0], REGION[2], None, 0.005))
    out.append((ENGLAND[0], ENGLAND[1], "england", "", ENGLAND[2], None, 0.006))
    return out


# Decimal places where Fingertips publishes a rate per 100,000 as a whole number (others: the default).
DECIMALS = {"93763": 0, "22401": 0, "41401": 0, "91306": 0, "90776": 0}
# The team's share of the population affected where the value says none: about one adult in ten
# is an unpaid carer (a score says nothing of how many people it concerns).
AFFECTED_SHARE = {"90637": 10}


def make_needs(out):
    ind_rows = []
    for (iid, name, domain, vt, mult, unit, pol, _pk, _den, _b, _s, _et, _lx, _lt, definition, source, ov) in IND:
        ind_rows.append([iid, name, domain, vt, mult, unit, pol, definition, source,
                         ov.get("size"), ov.get("seriousness"), ov.get("effectiveness"), ov.get("pearl"),
                         AFFECTED_SHARE.get(iid), DECIMALS.get(iid)])
    for (iid, name, domain, vt, mult, unit, pol, definition, source, ov) in FT_IND:
        ind_rows.append([iid, name, domain, vt, mult, unit, pol, definition, source,
                         ov.get("size"), ov.get("seriousness"), ov.get("effectiveness"), ov.get("pearl"),
                         AFFECTED_SHARE.get(iid), DECIMALS.get(iid)])
    write_csv(out / "needs" / "indicators.csv",
              ["indicator_id", "name", "domain", "value_type", "multiplier", "unit", "polarity", "definition", "source",
               "size", "seriousness", "effectiveness", "pearl", "affected_share", "decimals"], ind_rows)

    rows = []
    for (iid, name, domain, vt, mult, unit, pol, pk, den, base, sens, eng_tr, local_x, local_tr, *_rest) in IND:
        for code, aname, akey, parent, apop, dep, growth in area_list():
            for yi, year in enumerate(YEARS):
                period = period_label(pk, year)
                if den[0] == "value":
                    centre, spread, ci_half = den[1], den[2], den[3]
                    if akey == "england":
                        v, half = centre + rng.gauss(0, spread * 0.15), ci_half * 0.1
                    elif akey == "region":
                        v, half = centre - 0.3 * spread + rng.gauss(0, spread * 0.2), ci_half * 0.35
                    elif akey == "council":
                        v, half = centre - 0.7 * spread + rng.gauss(0, spread * 0.3), ci_half
                    else:
                        v, half = centre - 0.7 * spread - spread * 1.2 * (dep - 1) + rng.gauss(0, spread * 0.5), ci_half * 3
                    if iid == "90360":  # a ratio: the 2020/21 winter (COVID-19) stands out
                        if year == 2020:
                            v += 19
                        v = max(v, 1.0)
                    rows.append([iid, code, aname, AREA_TYPE[akey], parent, period, fmt(v, 1), fmt(v - half, 2), fmt(v + half, 2), None, None])
                    continue
                # denominator
                if den[0] == "survey":
                    size = {"ward": den[1], "council": den[2], "region": den[3], "england": den[4]}[akey]
                    n = int(size * rng.uniform(0.85, 1.15))
                else:
                    n = int(round(pop_in(apop, year, growth) * den[1]))
                # expected rate
                if akey == "england":
                    factor, tr = 1.0, (1 + eng_tr) ** yi
                elif akey == "region":
                    factor, tr = 1 + 0.5 * (local_x - 1), (1 + eng_tr + 0.3 * local_tr) ** yi
                elif akey == "council":
                    factor, tr = local_x, (1 + eng_tr + local_tr) ** yi
                else:
                    factor, tr = local_x * max(0.2, 1 + sens * (dep - 1)), (1 + eng_tr + local_tr) ** yi
                if iid == "91112" and year == 2020:  # health checks paused during the pandemic
                    tr *= 0.8
                p = base * factor * tr
                if vt == "proportion":
                    p = min(max(p, 0.002), 0.97)
                    sd = math.sqrt(n * p * (1 - p))
                else:
                    sd = math.sqrt(n * p) * 1.05
                o = int(round(rng.gauss(n * p, sd)))
                o = max(0, min(o, n))
                value = fmt(o / n * mult) if akey == "england" else None
                rows.append([iid, code, aname, AREA_TYPE[akey], parent, period, value, None, None, o, n])
    write_csv(out / "needs" / "values.csv",
              ["indicator_id", "area_code", "area_name", "area_type", "parent_code", "period", "value", "lower_ci", "upper_ci", "count", "denominator"],
              rows)
    return ind_rows, rows


FT_HEADER = ["Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type", "Sex", "Age",
             "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit",
             "Upper CI 99.8 limit", "Count", "Denominator", "Value note", "Recent Trend", "Compared to England value or percentiles",
             "Compared to percentiles", "Time period Sortable", "New data", "Compared to goal", "Time period range"]
DECILE_TYPE = "County & UA deprivation deciles in England (IMD2019, 4/21 geog.)"
DECILES = ["Most deprived decile (IMD2019)", "Second most deprived decile (IMD2019)", "Third more deprived decile (IMD2019)",
           "Fourth more deprived decile (IMD2019)", "Fifth more deprived decile (IMD2019)", "Fifth less deprived decile (IMD2019)",
           "Fourth less deprived decile (IMD2019)", "Third less deprived decile (IMD2019)", "Second least deprived decile (IMD2019)",
           "Least deprived decile (IMD2019)"]


def compare(value, lo, hi, bench, polarity):
    if lo <= bench <= hi:
        return "Similar"
    better = value > bench if polarity == "higher_is_better" else value < bench
    return "Better 95%" if better else "Worse 95%"


def make_fingertips(out):
    """One Fingertips "download data" export, in Fingertips' own column order and wording."""
    rows = []
    geos = [(COUNCIL, AREA_TYPE["council"], REGION), (REGION, AREA_TYPE["region"], ENGLAND), (ENGLAND, AREA_TYPE["england"], None)]

    def row(ind, parent, area, atype, sex, age, ctype, cat, label, v, l95, u95, l998, u998, count, den, note, trend, comp, sortable, new, rng_label):
        iid, iname = ind
        return [iid, iname, parent[0] if parent else "", parent[1] if parent else "", area[0], area[1], atype, sex, age, ctype, cat, label,
                v, l95, u95, l998, u998, count, den, note, trend, comp, "Not compared", sortable, new, "Not compared", rng_label]

    # 90366 Life expectancy at birth: three-year periods, Male and Female, no counts (as Fingertips publishes it).
    le = {("Male", "E92000001"): 79.4, ("Female", "E92000001"): 83.1, ("Male", "E12000002"): 77.9, ("Female", "E12000002"): 81.7,
          ("Male", "E08000099"): 76.6, ("Female", "E08000099"): 80.6}
    half = {"E92000001": 0.06, "E12000002": 0.12, "E08000099": 0.42}
    ind = ("90366", "Life expectancy at birth")
    for sex in ("Male", "Female"):
        bench = {}
        for k, start in enumerate(range(2015, 2021)):
            label = f"{start} - {str(start + 2)[2:]}"
            covid = -0.9 if start in (2018, 2019) else (-0.5 if start == 2020 else 0.0)
            for area, atype, parent in reversed(geos):
                v = le[(sex, area[0])] + 0.05 * k + covid + rng.gauss(0, 0.08 if area[0] != "E92000001" else 0.02)
                h = half[area[0]]
                if area[0] == "E92000001":
                    bench[label] = v
                    comp = "Not compared"
                else:
                    comp = compare(v, v - h, v + h, bench[label], "higher_is_better")
                rows.append(row(ind, parent, area, atype, sex, "All ages", "", "", label, round(v, 2), round(v - h, 2), round(v + h, 2),
                                round(v - h * Z998 / Z95, 2), round(v + h * Z998 / Z95, 2), "", "", "", "Cannot be calculated", comp, start * 10000, "", "3y"))
        # England by deprivation decile, latest period
        latest = "2020 - 22"
        for d, cat in enumerate(DECILES):
            gap = 9.7 if sex == "Male" else 7.9
            v = le[(sex, "E92000001")] - 0.4 + gap * (d / 9 - 0.5) + rng.gauss(0, 0.1)
            rows.append(row(ind, None, ENGLAND, "England", sex, "All ages", DECILE_TYPE, cat, latest, round(v, 2), round(v - 0.15, 2), round(v + 0.15, 2),
                            round(v - 0.24, 2), round(v + 0.24, 2), "", "", "", "", "Not compared", 20200000, "", "3y"))

    # 108 Under 75 mortality, directly standardised; 93470 dental caries admissions 0-5, crude rate.
    specs = [
        (("108", "Under 75 mortality rate from all causes"), "<75 yrs", "directly_standardised_rate", "cal", 0.915,
         {"E92000001": 0.00336, "E12000002": 0.00405, "E08000099": 0.00462}, -0.015, (2018, 2023), 0.62),
        (("93470", "Hospital admissions for dental caries (0 to 5 years)"), "0-5 yrs", "crude_rate", "fin", 0.068,
         {"E92000001": 0.00265, "E12000002": 0.00355, "E08000099": 0.00510}, -0.07, (2018, 2023), 1.0),
    ]
    for ind, age, vt, pk, share, base, change, (y0, y1), crude_to_dsr in specs:
        series = {}
        for k, year in enumerate(range(y0, y1 + 1)):
            label = period_label(pk, year)
            bump = 1.12 if (ind[0] == "108" and year in (2020, 2021)) else (0.55 if (ind[0] == "93470" and year == 2020) else 1.0)
            bench_value = None
            for area, atype, parent in reversed(geos):
                popn = {"E92000001": ENGLAND[2], "E12000002": REGION[2], "E08000099": COUNCIL[2]}[area[0]]
                n = int(round(popn * (1.005 ** k) * share))
                lam = n * base[area[0]] * ((1 + change) ** k) * bump
                o = int(round(rng.gauss(lam, math.sqrt(lam))))
                crude = o / n * 100000
                v = crude * crude_to_dsr if vt == "directly_standardised_rate" else crude
                l95, u95 = byar(o, Z95)
                l998, u998 = byar(o, Z998)
                scale = v / o
                vals = [round(x, 6) for x in (v, l95 * scale, u95 * scale, l998 * scale, u998 * scale)]
                vals = [round(x, 1) if i == 0 else round(x, 2) for i, x in enumerate(vals)]
                series.setdefault(area[0], []).append(vals)
                if area[0] == "E92000001":
                    bench_value = v
                    comp = "Not compared"
                else:
                    comp = compare(v, l95 * scale, u95 * scale, bench_value, "lower_is_better")
                if vt == "directly_standardised_rate" or k < 4:
                    trend = "Cannot be calculated"
                else:
                    pts = series[area[0]]
                    chi, b, sig = trend_test([p[0] for p in pts], [p[1] for p in pts], [p[2] for p in pts])
                    trend = ("Decreasing & getting better" if b < 0 else "Increasing & getting worse") if sig else "No significant change"
                rows.append(row(ind, parent, area, atype, "Persons", age, "", "", label, *vals, o, n, "", trend, comp, year * 10000, "New data" if year == y1 else "", "1y"))
        # England by deprivation decile, latest period
        label = period_label(pk, y1)
        eng_rate = series["E92000001"][-1][0]
        for d, cat in enumerate(DECILES):
            ratio = 1.75 - 1.05 * d / 9 if ind[0] == "108" else 2.6 - 2.2 * d / 9
            popn = int(ENGLAND[2] * share / 10)
            o = int(round(popn * eng_rate / 100000 * ratio / (crude_to_dsr if vt == "directly_standardised_rate" else 1)))
            crude = o / popn * 100000
            v = crude * crude_to_dsr if vt == "directly_standardised_rate" else crude
            scale = v / o
            l95, u95 = byar(o, Z95)
            l998, u998 = byar(o, Z998)
            rows.append(row(ind, None, ENGLAND, "England", "Persons", age, DECILE_TYPE, cat, label, round(v, 1), round(l95 * scale, 2), round(u95 * scale, 2),
                            round(l998 * scale, 2), round(u998 * scale, 2), o, popn, "", "", "Not compared", y1 * 10000, "", "1y"))
    write_csv(out / "needs" / "fingertips-export.csv", FT_HEADER, rows)
    return rows


# ---------------------------------------------------------------------------------------------
# Options appraisals (Green Book): yearly costs and benefits in real terms, year 0 = 2026/27
# ---------------------------------------------------------------------------------------------
# spec, option id, name, years, setup cost, running cost a year, target BCR, description, risk
OPTIONS = [
    ("SPEC-MH", "MH-A", "Do minimum: let the pilot hubs close and signpost to NHS Talking Therapies", 5, 20000, 60000, 0.62,
     "The hubs close when the pilot ends in September 2026. A small signposting offer remains through the council's contact centre.",
     "High: demand moves to GP practices and crisis services; loss of the peer support volunteers built up during the pilot."),
    ("SPEC-MH", "MH-B", "Extend the wellbeing hubs as a council-run service", 5, 180000, 640000, 1.32,
     "The council employs the hub staff directly and runs the four hubs from its own buildings.",
     "Medium: recruitment of experienced practitioners; TUPE and pension costs; less trusted by people wary of statutory services."),
    ("SPEC-MH", "MH-C", "Commission a city-wide community wellbeing service by open tender", 5, 90000, 600000, 1.84,
     "A single provider or consortium runs hubs in all eight wards, with a peer support and social prescribing offer.",
     "Medium: market capacity for a city-wide contract; mobilisation period of six months."),
    ("SPEC-MH", "MH-D", "Grant-fund a voluntary sector wellbeing alliance", 5, 40000, 520000, 2.35,
     "A three-year grant agreement with an alliance of local charities, led by one accountable body, with shared outcomes.",
     "Medium: the alliance's governance is new; grant terms give the council fewer remedies if performance slips."),
    ("SPEC-HPS", "HPS-A", "Status quo: roll forward the current prevention service", 10, 0, 940000, 1.41,
     "Extend the current specification and contract value with an inflationary uplift only.",
     "Medium: the service was designed before the rise in private rented sector evictions and cannot meet current demand."),
    ("SPEC-HPS", "HPS-B", "Bring homelessness prevention in-house", 10, 250000, 1020000, 1.24,
     "The council's housing options team absorbs the prevention caseworkers and tenancy sustainment officers.",
     "Medium: one-off transfer costs; loss of the provider's landlord networks and charitable fundraising."),
    ("SPEC-HPS", "HPS-C", "Recommission with an enhanced early prevention model", 10, 120000, 1050000, 2.12,
     "A new contract that adds private rented sector mediation, a rent-arrears fund and outreach in GP practices and food banks.",
     "Low to medium: depends on referral partnerships being in place from the start."),
    ("SPEC-WM", "WM-A", "Do minimum: rely on the national digital weight management programme", 5, 0, 20000, 0.9,
     "Residents are referred to the free national app-based programme; the council funds promotion only.",
     "High: low uptake and completion among the groups with the highest prevalence of obesity."),
    ("SPEC-WM", "WM-B", "Recommission tier 2 adult weight management on its own", 5, 30000, 310000, 1.22,
     "A like-for-like replacement of the interim tier 2 contract.",
     "Low: a known service model, but it does not join up with stop smoking support or NHS Health Checks."),
    ("SPEC-WM", "WM-C", "Commission an integrated healthy lifestyle service", 5, 150000, 1250000, 1.93,
     "One service for weight management, physical activity, NHS Health Checks and brief advice on alcohol and smoking.",
     "Medium: larger contract to mobilise; needs data-sharing agreements with all GP practices."),
    ("SPEC-SS", "SS-A", "Stop smoking support in GP practices and pharmacies only", 5, 0, 420000, 1.63,
     "Pay GP practices and community pharmacies per quit attempt supported, with no specialist service.",
     "Medium: variable quality; limited reach to pregnant smokers and people with mental illness."),
    ("SPEC-SS", "SS-B", "Specialist stop smoking service under contract", 5, 60000, 870000, 3.1,
     "A specialist provider offering behavioural support and stop smoking aids, with outreach in maternity and mental health services.",
     "Low: a tested model with a competitive local market."),
    ("SPEC-SS", "SS-C", "Specialist stop smoking service run in-house", 5, 200000, 930000, 2.58,
     "The council employs stop smoking advisers within its public health team.",
     "Medium: recruitment of advisers and pharmacy supply arrangements."),
]


def make_options(out):
    rows = []
    for spec, oid, name, years, setup, running, bcr, desc, risk in OPTIONS:
        costs = [running + (setup if y == 0 else 0) for y in range(years + 1)]
        profile = [0.5 if y == 0 else (0.8 if y == 1 else 1.0) for y in range(years + 1)]
        df = [1 / 1.035 ** y for y in range(years + 1)]
        pv_cost = sum(c * d for c, d in zip(costs, df))
        pv_prof = sum(p * d for p, d in zip(profile, df))
        k = bcr * pv_cost / pv_prof
        for y in range(years + 1):
            rows.append([spec, oid, name, y, int(round(costs[y], -3)), int(round(k * profile[y], -3)),
                         desc if y == 0 else "", risk if y == 0 else ""])
    # description and risk are given on the first row of each option only
    write_csv(out / "procurement" / "options.csv",
              ["spec_id", "option_id", "option_name", "year", "cost", "benefit", "description", "risk"], rows)
    return rows


# ---------------------------------------------------------------------------------------------
# Tenders: supplier, type, id, price (whole initial term), quality, social value, compliant
# ---------------------------------------------------------------------------------------------
TENDERS = [
    ("T-2023-001", "SPEC-DA", 100, 100, (40, 50, 10), [
        ("Pennine Recovery Partnership CIC", "vcse", "11482736", 20650000, 82, 75, True),
        ("Horizon Health and Justice Services Ltd", "large", "04827163", 19900000, 68, 55, True),
        ("Northbridge Recovery Alliance", "vcse", "1165872", 20980000, 76, 80, True),
        ("Compass Point Treatment Ltd", "large", "03918264", 18750000, 58, 40, True),
        ("Waymark Community Interest Company", "vcse", "12093847", 21400000, 70, 70, False),
    ]),
    ("T-2023-002", "SPEC-FP", 100, 100, (40, 50, 10), [
        ("Steady Steps CIC", "vcse", "10638291", 1248000, 78, 70, True),
        ("Active Ageing North Ltd", "sme", "09273615", 1190000, 66, 60, True),
        ("Age Well Northbridge", "vcse", "1098234", 1305000, 72, 85, True),
        ("FitLife Leisure Trust", "vcse", "1121457", 1275000, 52, 50, False),
    ]),
    ("T-2021-003", "SPEC-HCP", 65, 5, (30, 65, 5), [
        ("Northbridge Community Health NHS Trust", "public", "", 33600000, 52, 3.5, True),
        ("Bluebell Children's Health Services Ltd", "large", "06482913", 31900000, 41, 3, True),
        ("Ribble Valley Healthcare NHS Foundation Trust", "public", "", 34000000, 49, 4, True),
    ]),
    ("T-2023-005", "SPEC-DOM", 100, 100, (50, 40, 10), [
        ("Brightwater Care Ltd", "sme", "08374619", 29400000, 80, 70, True),
        ("Hearthside Homecare Ltd", "sme", "07261948", 29900000, 74, 65, True),
        ("Carewell Group plc", "large", "02918374", 28600000, 58, 45, True),
        ("Northbridge Independent Living Co-operative Ltd", "vcse", "09918273", 30800000, 77, 88, True),
        ("Helping Hands at Home (North) Ltd", "sme", "10293847", 29100000, 61, 50, True),
        ("Silverline Domiciliary Services Ltd", "large", "05738291", 27300000, 55, 40, False),
    ]),
    ("T-2023-006", "SPEC-DOM", 100, 100, (50, 40, 10), [
        ("Brightwater Care Ltd", "sme", "08374619", 27500000, 79, 70, True),
        ("Hearthside Homecare Ltd", "sme", "07261948", 27700000, 76, 66, True),
        ("Carewell Group plc", "large", "02918374", 26900000, 57, 45, True),
        ("Helping Hands at Home (North) Ltd", "sme", "10293847", 27900000, 63, 52, True),
        ("Kindred Home Support CIC", "vcse", "11827364", 28300000, 70, 82, True),
    ]),
    ("T-2022-007", "SPEC-SH", 100, 100, (40, 50, 10), [
        ("Meridian Sexual Health Services Ltd", "large", "04718293", 12750000, 74, 60, True),
        ("Northbridge Teaching Hospitals NHS Foundation Trust", "public", "", 13200000, 72, 55, True),
        ("Positive Choices Health CIC", "vcse", "10928374", 12900000, 65, 78, True),
        ("Clinica Direct Ltd", "large", "08192736", 11900000, 52, 35, True),
    ]),
    ("T-2025-009", "SPEC-SS", 100, 100, (40, 45, 15), [
        ("Fresh Start Northbridge CIC", "vcse", "12837465", 2610000, 81, 80, True),
        ("QuitWell Pharmacy Network Ltd", "sme", "11092837", 2450000, 70, 55, True),
        ("Smokefree Solutions UK Ltd", "large", "06192837", 2380000, 64, 45, True),
        ("Breathe Easy Northbridge", "vcse", "1187234", 2700000, 74, 85, True),
    ]),
    ("T-2024-010", "SPEC-MH", 100, 100, (30, 55, 15), [
        ("Mind in Northbridge and District", "vcse", "1102938", 1470000, 84, 80, True),
        ("Talking Spaces Ltd", "sme", "09817263", 1380000, 70, 50, True),
        ("Northbridge Wellbeing Collective CIC", "vcse", "11726354", 1420000, 75, 85, True),
        ("Thrive Digital Health Ltd", "large", "10827364", 1250000, 55, 30, True),
    ]),
    ("T-2022-012", "SPEC-HPS", 100, 100, (30, 60, 10), [
        ("Open Door Northbridge", "vcse", "1076523", 1960000, 80, 70, True),
        ("Harbourside Housing Trust", "vcse", "1059821", 1990000, 75, 72, True),
        ("Keystone Support Services Ltd", "sme", "07382916", 1840000, 60, 50, True),
    ]),
    ("T-2025-004", "SPEC-HPS", 100, 100, (40, 50, 10), [
        ("Harbourside Housing Trust", "vcse", "1059821", 5180000, 79, 74, True),
        ("Open Door Northbridge", "vcse", "1076523", 5240000, 77, 80, True),
        ("Keystone Support Services Ltd", "sme", "07382916", 4990000, 64, 55, True),
        ("Apex Tenancy Solutions Ltd", "large", "09182736", 3650000, 58, 40, True),
        ("Beacon Housing Support CIC", "vcse", "12736482", 5310000, 72, 68, False),
    ]),
]


def rank_tender(tender):
    """Ranks compliant bids by MEAT score (lowest price over bid price); returns suppliers best first."""
    _tid, _spec, qmax, svmax, (wp, wq, wsv), bids = tender
    ok = [b for b in bids if b[6]]
    low = min(b[3] for b in ok)
    scored = sorted(((wp * low / b[3] + wq * b[4] / qmax + wsv * b[5] / svmax, b[0]) for b in ok), reverse=True)
    return [s for _score, s in scored], [round(x, 2) for x, _s in scored]


def make_bids(out):
    rows = []
    for tid, spec, qmax, svmax, _w, bids in TENDERS:
        for sup, typ, sid, price, q, sv, ok in bids:
            rows.append([tid, spec, sup, price, q, qmax, sv, svmax, "yes" if ok else "no", typ, sid])
    write_csv(out / "procurement" / "bids.csv",
              ["tender_id", "spec_id", "supplier", "price", "quality_score", "quality_max", "social_value_score", "social_value_max",
               "compliant", "supplier_type", "supplier_id"], rows)
    return rows


# ---------------------------------------------------------------------------------------------
# Contract register
# ---------------------------------------------------------------------------------------------
D = dt.date
CONTRACTS = [
    dict(contract_id="C-2023-001", spec_id="SPEC-DA", title="Integrated drug and alcohol treatment and recovery service",
         supplier="Pennine Recovery Partnership CIC", start_date=D(2023, 10, 1), end_date=D(2028, 9, 30), annual_value=4130000,
         total_value=20650000, tender_id="T-2023-001", supplier_id="11482736", supplier_type="vcse", department="Public Health",
         description="Community-based treatment and recovery for adults and young people who use drugs or alcohol, including needle and syringe programmes, opioid substitution and recovery support.",
         award_date=D(2023, 6, 29), review_date=D(2026, 9, 30), extension_end_date=None, procurement_route="open_tender", irrecoverable_vat=0),
    dict(contract_id="C-2023-002", spec_id="SPEC-FP", title="Falls prevention and strength and balance service",
         supplier="Steady Steps CIC", start_date=D(2023, 7, 1), end_date=D(2026, 6, 30), annual_value=416000,
         total_value=1248000, tender_id="T-2023-002", supplier_id="10638291", supplier_type="vcse", department="Adult Social Care",
         description="Falls risk assessment and 12-week strength and balance programmes for people aged 65 and over. Extended by 12 months in January 2026 while the service is recommissioned with the NHS.",
         award_date=D(2023, 4, 20), review_date=D(2026, 1, 15), extension_end_date=D(2027, 6, 30), procurement_route="open_tender", irrecoverable_vat=0),
    dict(contract_id="C-2022-003", spec_id="SPEC-HCP", title="Healthy child programme (0 to 19): health visiting and school nursing",
         supplier="Northbridge Community Health NHS Trust", start_date=D(2022, 4, 1), end_date=D(2027, 3, 31), annual_value=6720000,
         total_value=33600000, tender_id="T-2021-003", supplier_id="", supplier_type="public", department="Children's Services",
         description="Mandated health visiting reviews, school nursing, the National Child Measurement Programme and targeted support for vulnerable families.",
         award_date=D(2021, 12, 14), review_date=D(2026, 4, 30), extension_end_date=None, procurement_route="open_tender", irrecoverable_vat=0),
    dict(contract_id="C-2021-004", spec_id="SPEC-HPS", title="Homelessness prevention and tenancy sustainment service",
         supplier="Harbourside Housing Trust", start_date=D(2021, 7, 1), end_date=D(2026, 6, 30), annual_value=940000,
         total_value=4700000, tender_id="", supplier_id="1059821", supplier_type="vcse", department="Housing",
         description="Casework to prevent homelessness, tenancy sustainment and resettlement support for households owed a prevention or relief duty.",
         award_date=D(2021, 4, 16), review_date=D(2025, 12, 31), extension_end_date=None, procurement_route="open_tender", irrecoverable_vat=0),
    dict(contract_id="C-2023-005", spec_id="SPEC-DOM", title="Domiciliary care (home care): Lot 1, north of the city",
         supplier="Brightwater Care Ltd", start_date=D(2023, 11, 1), end_date=D(2027, 10, 31), annual_value=7350000,
         total_value=29400000, tender_id="T-2023-005", supplier_id="08374619", supplier_type="sme", department="Adult Social Care",
         description="Personal care and support at home for adults assessed as eligible under the Care Act 2014, in Bridgefoot, Carr Moss, Dyers Green and Eastfield.",
         award_date=D(2023, 8, 3), review_date=D(2026, 5, 31), extension_end_date=None, procurement_route="open_tender", irrecoverable_vat=0),
    dict(contract_id="C-2023-006", spec_id="SPEC-DOM", title="Domiciliary care (home care): Lot 2, south of the city",
         supplier="Hearthside Homecare Ltd", start_date=D(2023, 11, 1), end_date=D(2027, 10, 31), annual_value=6925000,
         total_value=27700000, tender_id="T-2023-006", supplier_id="07261948", supplier_type="sme", department="Adult Social Care",
         description="Personal care and support at home in Ashton Vale, Holme Edge, Greystone Park and Fellside. Awarded to the second-ranked bidder: the tender allowed each provider one lot, and the top-ranked bidder had won Lot 1.",
         award_date=D(2023, 8, 3), review_date=D(2026, 5, 31), extension_end_date=None, procurement_route="open_tender", irrecoverable_vat=0),
    dict(contract_id="C-2022-007", spec_id="SPEC-SH", title="Integrated sexual health service",
         supplier="Meridian Sexual Health Services Ltd", start_date=D(2022, 11, 1), end_date=D(2027, 10, 31), annual_value=2550000,
         total_value=12750000, tender_id="T-2022-007", supplier_id="04718293", supplier_type="large", department="Public Health",
         description="Open-access testing and treatment of sexually transmitted infections, contraception including long-acting methods, HIV prevention (PrEP) and online testing.",
         award_date=D(2022, 7, 21), review_date=D(2025, 10, 31), extension_end_date=None, procurement_route="open_tender", irrecoverable_vat=0),
    dict(contract_id="C-2021-008", spec_id="SPEC-NHC", title="NHS Health Check programme",
         supplier="Northbridge GP Federation Ltd", start_date=D(2021, 4, 1), end_date=D(2026, 3, 31), annual_value=376000,
         total_value=1880000, tender_id="", supplier_id="10192837", supplier_type="sme", department="Public Health",
         description="Invitation and delivery of NHS Health Checks for eligible residents aged 40 to 74 through all GP practices in the city.",
         award_date=D(2021, 2, 25), review_date=D(2025, 9, 30), extension_end_date=None, procurement_route="direct_award", irrecoverable_vat=0),
    dict(contract_id="C-2026-009", spec_id="SPEC-SS", title="Specialist stop smoking service",
         supplier="Fresh Start Northbridge CIC", start_date=D(2026, 4, 1), end_date=D(2029, 3, 31), annual_value=870000,
         total_value=2610000, tender_id="T-2025-009", supplier_id="12837465", supplier_type="vcse", department="Public Health",
         description="Behavioural support and stop smoking aids for adults who smoke, with outreach in maternity, mental health and routine and manual workplaces. Starts on 1 April 2026.",
         award_date=D(2026, 2, 26), review_date=D(2027, 3, 31), extension_end_date=None, procurement_route="open_tender", irrecoverable_vat=0),
    dict(contract_id="C-2024-010", spec_id="SPEC-MH", title="Community wellbeing hubs (pilot)",
         supplier="Mind in Northbridge and District", start_date=D(2024, 4, 1), end_date=D(2026, 9, 30), annual_value=588000,
         total_value=1470000, tender_id="T-2024-010", supplier_id="1102938", supplier_type="vcse", department="Public Health",
         description="Four drop-in wellbeing hubs offering one-to-one support, peer groups and social prescribing for adults with mild to moderate mental health needs.",
         award_date=D(2024, 2, 15), review_date=D(2025, 10, 31), extension_end_date=None, procurement_route="open_tender", irrecoverable_vat=0),
    dict(contract_id="C-2024-011", spec_id="SPEC-WM", title="Tier 2 adult weight management (interim)",
         supplier="LiveWell Lifestyle Services Ltd", start_date=D(2024, 4, 1), end_date=D(2026, 9, 30), annual_value=310000,
         total_value=775000, tender_id="", supplier_id="07918264", supplier_type="large", department="Public Health",
         description="Twelve-week group and digital weight management programmes for adults with a BMI of 25 or more (23 or more for some ethnic groups). Called off from a regional framework as an interim arrangement.",
         award_date=D(2024, 3, 1), review_date=D(2025, 9, 30), extension_end_date=None, procurement_route="framework", irrecoverable_vat=0),
    dict(contract_id="C-2022-012", spec_id="SPEC-HPS", title="Housing First for people sleeping rough",
         supplier="Open Door Northbridge", start_date=D(2022, 10, 1), end_date=D(2026, 9, 30), annual_value=490000,
         total_value=1960000, tender_id="T-2022-012", supplier_id="1076523", supplier_type="vcse", department="Housing",
         description="Intensive, open-ended support for people with a history of rough sleeping and multiple disadvantage, with a settled tenancy from the start.",
         award_date=D(2022, 6, 30), review_date=D(2025, 9, 30), extension_end_date=None, procurement_route="open_tender", irrecoverable_vat=0),
    dict(contract_id="C-2024-013", spec_id="SPEC-DA", title="Residential rehabilitation and inpatient detoxification placements",
         supplier="Haven Lodge Recovery Ltd", start_date=D(2024, 4, 1), end_date=D(2027, 3, 31), annual_value=350000,
         total_value=1050000, tender_id="", supplier_id="08827361", supplier_type="sme", department="Public Health",
         description="Spot-purchased residential rehabilitation and medically managed detoxification placements, called off from the regional framework.",
         award_date=D(2024, 2, 28), review_date=D(2026, 3, 31), extension_end_date=None, procurement_route="framework", irrecoverable_vat=0),
    dict(contract_id="C-2024-014", spec_id="SPEC-DOM", title="Rapid response home care for hospital discharge",
         supplier="Kindred Home Support CIC", start_date=D(2024, 4, 1), end_date=D(2026, 12, 31), annual_value=640000,
         total_value=1760000, tender_id="", supplier_id="11827364", supplier_type="vcse", department="Adult Social Care",
         description="Home care starting within 24 hours of hospital discharge, for up to six weeks, while longer-term care is arranged.",
         award_date=D(2024, 3, 14), review_date=D(2025, 12, 31), extension_end_date=None, procurement_route="direct_award", irrecoverable_vat=0),
]
REGISTER_COLUMNS = ["contract_id", "spec_id", "title", "supplier", "start_date", "end_date", "annual_value", "total_value", "tender_id",
                    "supplier_id", "supplier_type", "department", "description", "award_date", "review_date", "extension_end_date",
                    "procurement_route", "irrecoverable_vat"]


def make_register(out):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    ws.append(REGISTER_COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for c in CONTRACTS:
        ws.append([c[k] if c[k] != "" else None for k in REGISTER_COLUMNS])
        r = ws.max_row
        for k in ("start_date", "end_date", "award_date", "review_date", "extension_end_date"):
            cell = ws.cell(row=r, column=REGISTER_COLUMNS.index(k) + 1)
            if cell.value is not None:
                cell.number_format = "dd/mm/yyyy"
        for k in ("annual_value", "total_value", "irrecoverable_vat"):
            ws.cell(row=r, column=REGISTER_COLUMNS.index(k) + 1).number_format = '"£"#,##0'
        ws.cell(row=r, column=REGISTER_COLUMNS.index("supplier_id") + 1).number_format = "@"
    widths = {"A": 12, "B": 10, "C": 48, "D": 40, "E": 12, "F": 12, "G": 13, "H": 13, "I": 12, "J": 11, "K": 10, "L": 18, "M": 60}
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "A2"
    save_xlsx(wb, out / "contracts" / "register.xlsx")


# ---------------------------------------------------------------------------------------------
# KPI returns: 24 months, April 2024 to March 2026
# ---------------------------------------------------------------------------------------------
# contract, kpi id, name, unit, polarity, target (number, (before, from April 2025) or None),
# generator, decimals, wanted variation at the last point, wanted assurance
KPIS = [
    ("C-2023-001", "DA-01", "People in structured treatment", "people", "higher_is_better", (1450, 1500), ("stable", 1532, 16), 0, "common", "inconsistent"),
    ("C-2023-001", "DA-02", "Successful completions as a percentage of people in treatment", "%", "higher_is_better", 18, ("stable", 19.3, 1.0), 1, "common", "inconsistent"),
    ("C-2023-001", "DA-03", "People starting treatment within 3 weeks of referral", "%", "higher_is_better", 90, ("stable", 96.6, 0.8), 1, "common", "pass"),
    ("C-2023-001", "DA-04", "Naloxone kits issued", "kits", "higher_is_better", 120, ("outlier", 134, 8, 9, 8), 0, "common", None),
    ("C-2023-001", "DA-05", "Referrals received", "referrals", "no_judgement", None, ("stable", 212, 14), 0, "common", None),
    ("C-2023-001", "DA-06", "Service users in paid work or volunteering at review", "%", "higher_is_better", 15, ("trend", 12.4, 0.6, 0.45, 8), 1, "improvement", None),
    ("C-2023-001", "DA-07", "Local residents employed on the contract", "people", "higher_is_better", 10, ("stable", 12.3, 0.8), 0, None, None),
    ("C-2024-013", "RES-01", "Placements started", "placements", "higher_is_better", 4, ("stable", 4.6, 1.2), 0, None, None),
    ("C-2024-013", "RES-02", "Placements completed successfully", "%", "higher_is_better", 70, ("stable", 72, 5.5), 1, "common", None),
    ("C-2024-013", "RES-03", "Average days waiting for a placement", "days", "lower_is_better", 21, ("stable", 18.2, 2.4), 1, "common", None),
    ("C-2024-013", "RES-04", "Bed days purchased", "bed days", "no_judgement", None, ("stable", 412, 33), 0, "common", None),
    ("C-2023-002", "FP-01", "People starting a strength and balance programme", "people", "higher_is_better", 60, ("stable", 66, 5), 0, "common", None),
    ("C-2023-002", "FP-02", "Participants completing the 12-week programme", "%", "higher_is_better", 70, ("stable", 71.2, 2.8), 1, "common", "inconsistent"),
    ("C-2023-002", "FP-03", "Falls risk assessments completed within 10 working days", "%", "higher_is_better", 90, ("stable", 72.4, 2.3), 1, "common", "fail"),
    ("C-2023-002", "FP-04", "Average days from referral to first session", "days", "lower_is_better", 14, ("stable", 11.6, 1.1), 1, "common", None),
    ("C-2023-002", "FP-05", "Referrals received", "referrals", "no_judgement", None, ("stable", 96, 9), 0, "common", None),
    ("C-2022-003", "HCP-01", "New birth visits within 14 days", "%", "higher_is_better", 95, ("stable", 91.6, 1.7), 1, "common", "inconsistent"),
    ("C-2022-003", "HCP-02", "6 to 8 week reviews completed by 8 weeks", "%", "higher_is_better", 90, ("stable", 88.3, 1.9), 1, "common", None),
    ("C-2022-003", "HCP-03", "12-month reviews completed by 12 months", "%", "higher_is_better", 85, ("stable", 83.4, 2.1), 1, "common", None),
    ("C-2022-003", "HCP-04", "2 to 2 and a half year reviews completed", "%", "higher_is_better", 80, ("shift", 74.2, 82.1, 1.4, 14, False), 1, "improvement", None),
    ("C-2022-003", "HCP-05", "Breastfeeding status recorded at the 6 to 8 week review", "%", "higher_is_better", 95, ("outlier", 97.1, 0.7, 11, -9), 1, "common", None),
    ("C-2022-003", "HCP-06", "School nursing contacts", "contacts", "no_judgement", None, ("stable", 1850, 130), 0, "common", None),
    ("C-2022-003", "HCP-07", "Children on the caseload per health visitor (whole-time equivalent)", "children", "lower_is_better", 250, ("stable", 267, 3.5), 0, "common", "fail"),
    ("C-2021-004", "HPS-01", "Households supported to prevent homelessness", "households", "higher_is_better", 90, ("stable", 97, 7.5), 0, "common", None),
    ("C-2021-004", "HPS-02", "Prevention cases closed with accommodation secured", "%", "higher_is_better", 65, ("stable", 63.2, 3.6), 1, "common", "inconsistent"),
    ("C-2021-004", "HPS-03", "Households in temporary accommodation given support", "households", "no_judgement", None, ("shift", 128, 151, 5, 12, False), 0, "neutral", None),
    ("C-2021-004", "HPS-04", "Tenancies sustained at 6 months", "%", "higher_is_better", 80, ("stable", 84.1, 2.7), 1, "common", None),
    ("C-2021-004", "HPS-05", "Average working days from referral to first contact", "days", "lower_is_better", 5, ("stable", 3.1, 0.45), 1, "common", "pass"),
    ("C-2022-012", "HF-01", "People supported through Housing First", "people", "higher_is_better", 45, ("stable", 46.5, 1.4), 0, None, None),
    ("C-2022-012", "HF-02", "Tenancies sustained at 12 months", "%", "higher_is_better", 80, ("stable", 85.2, 2.9), 1, "common", None),
    ("C-2022-012", "HF-03", "Average days from referral to housing offer", "days", "lower_is_better", 60, ("stable", 57.5, 6.5), 1, "common", None),
    ("C-2022-012", "HF-04", "Tenancy warnings issued", "warnings", "no_judgement", None, ("stable", 6.2, 2.0), 0, None, None),
    ("C-2023-005", "DOM-01", "Hours of home care delivered", "hours", "higher_is_better", 42000, ("stable", 43100, 720), 0, "common", None),
    ("C-2023-005", "DOM-02", "Visits starting within 30 minutes of the planned time", "%", "higher_is_better", 90, ("shift", 84.1, 92.6, 1.1, 12, True), 1, "common", None),
    ("C-2023-005", "DOM-03", "Missed visits per 1,000 scheduled visits", "per 1,000", "lower_is_better", 2, ("stable", 1.42, 0.22), 2, "common", None),
    ("C-2023-005", "DOM-04", "Care packages started within 5 days of request", "%", "higher_is_better", 85, ("stable", 87.1, 2.8), 1, "common", None),
    ("C-2023-005", "DOM-05", "Care worker turnover (rolling 12 months)", "%", "lower_is_better", 25, ("trend", 31.2, 0.5, -0.55, 8), 1, "improvement", None),
    ("C-2023-006", "DOM-01", "Hours of home care delivered", "hours", "higher_is_better", 38000, ("stable", 38650, 690), 0, "common", None),
    ("C-2023-006", "DOM-02", "Visits starting within 30 minutes of the planned time", "%", "higher_is_better", 90, ("stable", 88.1, 1.4), 1, "common", None),
    ("C-2024-014", "DOM-01", "Hours of home care delivered", "hours", "higher_is_better", 3600, ("stable", 3710, 170), 0, "common", None),
    ("C-2024-014", "RAP-02", "People discharged from hospital with care starting within 24 hours", "%", "higher_is_better", 85, ("stable", 81.3, 2.9), 1, "common", None),
    ("C-2024-014", "RAP-03", "People still at home 91 days after discharge", "%", "higher_is_better", 82, ("stable", 84.2, 2.4), 1, "common", None),
    ("C-2024-014", "RAP-04", "Average days from referral to care starting", "days", "lower_is_better", 2, ("stable", 1.58, 0.28), 2, "common", None),
    ("C-2022-007", "SH-01", "Clinic attendances", "attendances", "higher_is_better", 3200, ("stable", 3260, 140), 0, None, None),
    ("C-2022-007", "SH-02", "First attendances offered an HIV test", "%", "higher_is_better", 97, ("stable", 96.2, 0.9), 1, None, None),
    ("C-2022-007", "SH-03", "Urgent appointments offered within 48 hours", "%", "higher_is_better", 98, ("stable", 97.1, 0.9), 1, None, None),
    ("C-2022-007", "SH-04", "Long-acting reversible contraception prescriptions", "prescriptions", "higher_is_better", 300, ("stable", 291, 24), 0, None, None),
    ("C-2021-008", "NHC-01", "NHS Health Checks offered", "checks", "higher_is_better", 900, ("stable", 942, 68), 0, "common", None),
    ("C-2021-008", "NHC-02", "NHS Health Checks received", "checks", "higher_is_better", 450, ("stable", 441, 34), 0, "common", None),
    ("C-2021-008", "NHC-03", "Uptake: checks received as a percentage of offers", "%", "higher_is_better", 50, ("stable", 46.9, 2.8), 1, "common", None),
    ("C-2021-008", "NHC-04", "People with a 10-year cardiovascular risk of 10% or more referred on", "%", "higher_is_better", 95, ("stable", 96.1, 1.3), 1, "common", None),
    ("C-2024-010", "MH-01", "People supported by the wellbeing hubs", "people", "higher_is_better", 220, ("stable", 229, 13), 0, "common", None),
    ("C-2024-010", "MH-02", "Average days to first appointment", "days", "lower_is_better", 10, ("trend", 13.6, 0.7, -0.55, 8), 1, "improvement", None),
    ("C-2024-010", "MH-03", "People reporting improved wellbeing (WEMWBS up 3 points or more)", "%", "higher_is_better", 65, ("stable", 66.4, 3.3), 1, "common", None),
    ("C-2024-010", "MH-04", "Referrals from GP practices", "referrals", "no_judgement", None, ("stable", 86, 9), 0, "common", None),
    ("C-2024-010", "MH-05", "Active peer support volunteers", "volunteers", "higher_is_better", 40, ("stable", 41.5, 1.8), 0, None, None),
    ("C-2024-011", "WM-01", "Adults starting the tier 2 programme", "people", "higher_is_better", 120, ("stable", 124, 11), 0, "common", None),
    ("C-2024-011", "WM-02", "Participants completing the programme", "%", "higher_is_better", 60, ("stable", 58.1, 3.3), 1, "common", None),
    ("C-2024-011", "WM-03", "Completers losing 5% or more of their body weight", "%", "higher_is_better", 30, ("stable", 31.2, 2.4), 1, "common", None),
    ("C-2024-011", "WM-04", "Participants living in the most deprived fifth of areas", "%", "higher_is_better", 40, ("stable", 36.2, 2.4), 1, "common", None),
]
KPI_MONTHS = months()
# Known changes of service: the SPC limits are recalculated from the month given (a rebase in the
# returns, with its reason). HCP-04 was drawn as a shift without a rebase; the rebase is written
# only, so every series is drawn as before.
REBASES = {
    ("C-2022-003", "HCP-04"): (14, "New review pathway: 2 to 2\u00bd year reviews offered at children's centres and by video call from June 2025"),
    ("C-2023-005", "DOM-02"): (12, "Electronic call monitoring and a new rota system introduced in April 2025"),
}
SH_LAST = 10  # the sexual health provider's returns stop after January 2025


def gen_series(g, n=24):
    kind = g[0]
    if kind == "stable":
        _k, m, s = g
        return [m + rng.gauss(0, s) for _ in range(n)]
    if kind == "shift":
        _k, m1, m2, s, at, _rebase = g
        return [(m1 if i < at else m2) + rng.gauss(0, s) for i in range(n)]
    if kind == "outlier":
        _k, m, s, at, ks = g
        y = [m + rng.gauss(0, s) for _ in range(n)]
        y[at] = m + ks * s
        return y
    if kind == "trend":
        _k, m, s, step, length = g
        y = [m + rng.gauss(0, s) for _ in range(n - length)]
        base = m
        for i in range(length):
            y.append(base + step * (i + 1) + rng.uniform(-abs(step) / 4, abs(step) / 4))
        return y
    raise ValueError(kind)


def improvement_sign(polarity):
    return {"higher_is_better": 1, "lower_is_better": -1}.get(polarity, 0)


def classify(values, polarity, rebase_at, target):
    dirs, (mean, lpl, upl) = spc(values, rebase_at)
    sign = improvement_sign(polarity)
    last = dirs[-1]
    if last == 0:
        var = "common"
    elif sign == 0:
        var = "neutral"
    else:
        var = "improvement" if last * sign > 0 else "concern"
    assurance = None
    if target is not None and sign != 0:
        if target > upl:
            assurance = "fail" if sign > 0 else "pass"
        elif target < lpl:
            assurance = "pass" if sign > 0 else "fail"
        else:
            assurance = "inconsistent"
    return dirs, var, assurance


def target_at(target, i):
    if isinstance(target, tuple):
        return target[0] if i < 12 else target[1]
    return target


def make_kpi_series():
    """Draws each KPI's 24 months, redrawing until the series shows the pattern it is meant to show."""
    series = {}
    for cid, kid, name, unit, pol, target, g, dec, want_var, want_ass in KPIS:
        rebase_at = g[4] if g[0] == "shift" and g[5] else None
        for _attempt in range(2000):
            y = [round(v, dec) if dec else int(round(v)) for v in gen_series(g)]
            if unit == "%":
                y = [min(v, 100.0) for v in y]
            if cid == "C-2022-007":
                break
            dirs, var, ass = classify(y, pol, rebase_at, target_at(target, 23))
            ok = True
            if want_var == "common":
                ok = all(d == 0 for d in dirs) if g[0] != "outlier" else (dirs[g[3]] != 0 and sum(1 for d in dirs if d) == 1)
            elif want_var is not None:
                ok = var == want_var
            if want_ass is not None and ass != want_ass:
                ok = False
            if ok:
                break
        else:
            raise SystemExit(f"could not draw the designed pattern for {cid} {kid}")
        series[(cid, kid)] = y
    return series


def kpi_long_rows(series, contract_ids):
    """Long-layout rows; a rebase_reason column is added when one of the KPIs has a known change."""
    rows = []
    with_reason = any((cid, kid) in REBASES for cid, kid, *_r in KPIS if cid in contract_ids)
    for cid, kid, name, unit, pol, target, g, dec, _w, _a in KPIS:
        if cid not in contract_ids:
            continue
        y = series[(cid, kid)]
        rebase_at, reason = REBASES.get((cid, kid), (None, ""))
        for i, (yy, mm) in enumerate(KPI_MONTHS):
            if cid == "C-2022-007" and i >= SH_LAST:
                break
            row = [cid, kid, name, f"{yy}-{mm:02d}", y[i], target_at(target, i), unit, pol, "true" if rebase_at == i else ""]
            if with_reason:
                row.append(reason if rebase_at == i else "")
            rows.append(row)
    return rows


LONG_HEADER = ["contract_id", "kpi_id", "kpi_name", "period", "actual", "target", "unit", "polarity", "rebase"]


def long_header(contract_ids):
    with_reason = any((cid, kid) in REBASES for cid, kid, *_r in KPIS if cid in contract_ids)
    return LONG_HEADER + (["rebase_reason"] if with_reason else [])


def make_kpis(out, series):
    kdir = out / "contracts" / "kpis"
    for fname, ids in [("drug-and-alcohol.csv", ["C-2023-001", "C-2024-013"]), ("falls-prevention.csv", ["C-2023-002"]),
                       ("homelessness.csv", ["C-2021-004", "C-2022-012"]), ("home-care-lot-2-and-rapid-response.csv", ["C-2023-006", "C-2024-014"]),
                       ("sexual-health.csv", ["C-2022-007"]), ("mental-health-wellbeing.csv", ["C-2024-010"])]:
        write_csv(kdir / fname, long_header(ids), kpi_long_rows(series, ids))

    # Healthy child programme: the provider's wide spreadsheet, one column per month headed by a date cell.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "HCP returns 2024-26"
    # The wide layout names the month a new SPC phase starts in its rebase column.
    header = ["contract_id", "kpi_id", "kpi_name", "unit", "polarity", "target", "rebase", "rebase_reason"] + [dt.date(y, m, 1) for y, m in KPI_MONTHS]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        if isinstance(cell.value, dt.date):
            cell.number_format = "mmm yyyy"
    for cid, kid, name, unit, pol, target, *_r in KPIS:
        if cid == "C-2022-003":
            at, reason = REBASES.get((cid, kid), (None, None))
            rebase = "%d-%02d" % KPI_MONTHS[at] if at is not None else None
            ws.append([cid, kid, name, unit, pol, target, rebase, reason] + series[(cid, kid)])
    ws.column_dimensions["C"].width = 60
    save_xlsx(wb, kdir / "healthy-child-programme.xlsx")

    # Weight management: wide layout with text month headings ("Apr 2024").
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tier 2 KPIs"
    ws.append(["contract_id", "kpi_id", "kpi_name", "unit", "polarity", "target"] + [dt.date(y, m, 1).strftime("%b %Y") for y, m in KPI_MONTHS])
    for cid, kid, name, unit, pol, target, *_r in KPIS:
        if cid == "C-2024-011":
            ws.append([cid, kid, name, unit, pol, target] + series[(cid, kid)])
    save_xlsx(wb, kdir / "weight-management.xlsx")

    # NHS Health Checks: long layout in a spreadsheet.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Quarterly submission"
    ws.append(long_header(["C-2021-008"]))
    for r in kpi_long_rows(series, ["C-2021-008"]):
        ws.append([v if v != "" else None for v in r])
    save_xlsx(wb, kdir / "nhs-health-checks.xlsx")

    # Home care Lot 1: long layout in an OpenDocument spreadsheet, with the rebase flag.
    doc = OpenDocumentSpreadsheet()
    table = Table(name="Lot 1 returns")
    for r in [long_header(["C-2023-005"])] + kpi_long_rows(series, ["C-2023-005"]):
        tr = TableRow()
        for v in r:
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                cell = TableCell(valuetype="float", value=v)
                cell.addElement(P(text=str(v)))
            elif v in ("", None):
                cell = TableCell()
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(v)))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    kdir.mkdir(parents=True, exist_ok=True)
    path = kdir / "home-care-lot-1.ods"
    doc.save(str(path))
    normalise_zip(path)


# ---------------------------------------------------------------------------------------------
# Grants
# ---------------------------------------------------------------------------------------------
# id, title, recipient, amount, award date, charity no, company no, org id, programme, spec, area, start, end, open call, small local, description
CSF, CWG, HPF = "Carers' Support Fund", "Community Wellbeing Grants", "Homelessness Prevention Fund"
GRANTS = [
    ("G-2024-001", "Young carers' after-school club", "Northbridge Young Carers", 24500, D(2024, 5, 14), "1134872", "", "", CSF, "SPEC-CAR", "E05099001", D(2024, 6, 1), D(2025, 5, 31), True, True,
     "Weekly after-school sessions, holiday trips and one-to-one support for young carers aged 8 to 17."),
    ("G-2024-002", "Carers' information and advice line", "Carers Centre Northbridge", 48000, D(2024, 5, 14), "1089321", "04210397", "", CSF, "SPEC-CAR", "E08000099", D(2024, 6, 1), D(2026, 5, 31), True, False,
     "A freephone advice line and drop-in, helping carers with benefits, carer's assessments and planning for emergencies."),
    ("G-2024-003", "Break time: short breaks for carers of people with dementia", "Memory Lane Friends", 15750, D(2024, 5, 14), "1142356", "", "", CSF, "SPEC-CAR", "E05099005", D(2024, 7, 1), D(2025, 6, 30), True, True,
     "Day trips and sitting support so that carers of people living with dementia can take a regular break."),
    ("G-2024-004", "South Asian carers' peer support", "Roshni Women's Centre", 12200, D(2024, 5, 14), "1151267", "", "", CSF, "SPEC-CAR", "E05099002", D(2024, 7, 1), D(2025, 6, 30), True, True,
     "Peer support groups in Urdu, Punjabi and Bengali for women caring for family members."),
    ("G-2024-005", "Carers' wellbeing walks", "Fellside Ramblers and Friends", 3400, D(2024, 5, 14), "1201846", "", "", CSF, "SPEC-CAR", "E05099008", D(2024, 6, 1), D(2025, 5, 31), True, True,
     "Fortnightly guided walks and a monthly café for carers, with respite cover arranged through the carers' centre."),
    ("G-2024-006", "Parent carers' forum", "Northbridge Parent Carer Forum", 9800, D(2024, 6, 20), "1173402", "", "", CSF, "SPEC-CAR", "E08000099", D(2024, 7, 1), D(2025, 6, 30), False, True,
     "Support for parents caring for disabled children, and their voice in the design of children's services."),
    ("G-2025-001", "Carers' information and advice line: year 2 uplift", "Carers Centre Northbridge", 6500, D(2025, 4, 22), "1089321", "04210397", "", CSF, "SPEC-CAR", "E08000099", D(2025, 6, 1), D(2026, 5, 31), False, False,
     "Additional advice sessions in GP practices in the most deprived wards."),
    ("G-2025-002", "Young carers in school", "Northbridge Young Carers", 21000, D(2025, 5, 13), "1134872", "", "", CSF, "SPEC-CAR", "E05099003", D(2025, 6, 1), D(2026, 5, 31), True, True,
     "Identification and support of young carers in secondary schools, with training for school staff."),
    ("G-2025-003", "Carers' emergency planning", "Eastfield Community Association", 7300, D(2025, 5, 13), "1102745", "", "", CSF, "SPEC-CAR", "E05099004", D(2025, 6, 1), D(2026, 5, 31), True, True,
     "Helping carers put an emergency plan in place, with a card that alerts services if the carer is taken ill."),
    ("G-2024-007", "Men's shed", "Carr Moss Men's Shed", 4800, D(2024, 9, 10), "1188754", "", "", CWG, "SPEC-LON", "E05099002", D(2024, 10, 1), D(2025, 9, 30), True, True,
     "A workshop space where older men meet, share skills and make things for the community."),
    ("G-2024-008", "Chatty café network", "Greystone Park Community Church", 2500, D(2024, 9, 10), "1160038", "", "", CWG, "SPEC-LON", "E05099007", D(2024, 10, 1), D(2025, 9, 30), True, True,
     "Weekly cafés where people who live alone can meet neighbours over a free cup of tea."),
    ("G-2024-009", "Growing together: community allotment", "Bridgefoot Community Growers", 6750, D(2024, 9, 10), "", "11938476", "", CWG, "SPEC-MH", "E05099001", D(2024, 10, 1), D(2025, 9, 30), True, True,
     "A community allotment with sessions for people referred by the wellbeing hubs and GP social prescribers."),
    ("G-2024-010", "Football and mental health", "Northbridge Town Community Trust", 14500, D(2024, 9, 10), "1129874", "07561293", "", CWG, "SPEC-MH", "E08000099", D(2024, 10, 1), D(2025, 9, 30), True, False,
     "Weekly football sessions and talking groups for men aged 18 to 50, run with the club's community trust."),
    ("G-2024-011", "Creative wellbeing workshops", "Dyers Green Arts Cooperative", 5200, D(2024, 9, 10), "", "", "GB-MPR-31245R", CWG, "SPEC-MH", "E05099003", D(2024, 10, 1), D(2025, 9, 30), True, True,
     "Art and craft workshops for adults recovering from mental ill health, run by a community benefit society."),
    ("G-2025-004", "Bereavement peer support", "Holme Edge Bereavement Group", 3900, D(2025, 9, 16), "1192835", "", "", CWG, "SPEC-MH", "E05099006", D(2025, 10, 1), D(2026, 9, 30), True, True,
     "Monthly bereavement groups and a trained volunteer befriending service."),
    ("G-2025-005", "Wellbeing in the workplace for small employers", "Northbridge Chamber Foundation", 11800, D(2025, 9, 16), "1146629", "", "", CWG, "SPEC-MH", "E08000099", D(2025, 10, 1), D(2026, 9, 30), False, False,
     "Mental health first aid training and a support network for small employers in the city."),
    ("G-2025-006", "Digital inclusion for older people", "Ashton Vale Library Friends", 4400, D(2025, 9, 16), "1179410", "", "", CWG, "SPEC-LON", "E05099005", D(2025, 10, 1), D(2026, 9, 30), True, True,
     "Tablet loans and weekly help sessions so older people can video-call family and use online services."),
    ("G-2024-012", "Rent arrears advice surgeries", "Northbridge Citizens Advice", 28500, D(2024, 7, 2), "1068472", "03472815", "", HPF, "SPEC-HPS", "E08000099", D(2024, 8, 1), D(2025, 7, 31), True, False,
     "Debt and rent-arrears advice surgeries in food banks and GP practices, with fast-track referral to the prevention service."),
    ("G-2024-013", "Emergency furniture and white goods", "Second Chance Furniture Project", 9600, D(2024, 7, 2), "1112938", "", "", HPF, "SPEC-HPS", "E05099002", D(2024, 8, 1), D(2025, 7, 31), True, True,
     "Recycled furniture and white goods for people moving into settled homes from temporary accommodation."),
    ("G-2024-014", "Youth homelessness mediation", "Safe Haven Youth Housing", 17250, D(2024, 7, 2), "1097735", "05283916", "", HPF, "SPEC-HPS", "E05099001", D(2024, 8, 1), D(2025, 7, 31), True, True,
     "Family mediation for young people aged 16 to 24 at risk of being asked to leave home."),
    ("G-2025-007", "Landlord liaison and tenancy rescue", "Northbridge Citizens Advice", 31000, D(2025, 7, 8), "1068472", "03472815", "", HPF, "SPEC-HPS", "E08000099", D(2025, 8, 1), D(2026, 7, 31), True, False,
     "Negotiation with private landlords to prevent evictions, including small grants to clear arrears."),
    ("G-2025-008", "Night shelter winter provision", "Northbridge Churches Night Shelter", 12000, D(2025, 10, 21), "1158823", "", "", HPF, "SPEC-HPS", "E05099003", D(2025, 11, 1), D(2026, 3, 31), False, True,
     "Winter night shelter in rotating church halls, with a caseworker linking guests to the Housing First and prevention services."),
]
GRANT_COLUMNS = ["grant_id", "title", "description", "recipient_name", "amount_awarded", "award_date", "recipient_charity_number",
                 "recipient_company_number", "recipient_org_id", "programme", "spec_id", "area_code", "start_date", "end_date",
                 "from_open_call", "small_local"]


def make_grants(out):
    rows = []
    for (gid, title, rec, amount, award, chno, cono, orgid, prog, spec, area, start, end, open_call, small, desc) in GRANTS:
        rows.append([gid, title, desc, rec, amount, award.isoformat(), chno, cono, orgid, prog, spec, area, start.isoformat(), end.isoformat(),
                     "yes" if open_call else "no", "yes" if small else "no"])
    write_csv(out / "grants" / "grants.csv", GRANT_COLUMNS, rows)
    return rows


# ---------------------------------------------------------------------------------------------
# Service specifications (TOML front matter between +++ lines, Markdown body)
# ---------------------------------------------------------------------------------------------
ICB = "NHS Pennine and Northbridge Integrated Care Board"
SPECS = {}

SPECS["drug-and-alcohol.md"] = f'''+++
id = "SPEC-DA"
title = "Integrated drug and alcohol treatment and recovery service"
status = "live"
service_area = "Public health"
summary = "One service for adults and young people in Northbridge who want help with drugs or alcohol, from first contact to long-term recovery."
addresses = ["93763", "92904", "90244", "92447"]
annual_budget = 4200000
term_years = 5
extension_years = 2
commissioners = ["Public Health", "{ICB}"]
providers_engaged = 14
outcomes = [
  "Fewer alcohol-specific hospital admissions",
  "Fewer deaths from drug misuse",
  "More people completing treatment and staying free of dependence",
  "More people in recovery in work, training or volunteering",
]
output_kpi = "DA-01"
output_unit = "person in treatment"
output_stock_or_flow = "stock"

[[social_value]]
theme = "Jobs"
measure = "Local residents employed on the contract"
target = 10
kpi_id = "DA-07"

[[social_value]]
theme = "Social"
measure = "Hours of volunteering by people in recovery, supported by the provider"
target = 2000

[[milestones]]
date = 2022-11-15
event = "Drug and alcohol needs assessment published"

[[milestones]]
date = 2023-03-14
event = "Listening events with people with lived experience and families"

[[milestones]]
date = 2023-03-28
event = "Market engagement event"

[[milestones]]
date = 2023-04-11
event = "Invitation to tender published"

[[milestones]]
date = 2023-06-29
event = "Contract awarded"

[[milestones]]
date = 2023-10-01
event = "Service start"

[evaluation]
price = 40
quality = 50
social_value = 10
+++
## Purpose

Northbridge has more alcohol-specific hospital admissions and more deaths from drug misuse than England as a whole.[^ndtms] This specification sets out one integrated service that people can walk into, be referred to, or be found by through outreach, and that stays with them from first contact to long-term recovery.

## Who the service is for

- Adults who use drugs or alcohol in a way that harms them or people around them.
- Young people under 18, through a dedicated young people's team.
- Families and carers of people who use drugs or alcohol, in their own right.
- People leaving prison, hospital or residential rehabilitation, who must be seen within 3 weeks.

## What the provider must deliver

1. **Open access.** A city-centre hub open six days a week, two evenings until 8pm, and satellite clinics in Bridgefoot and Carr Moss.
2. **Harm reduction.** Needle and syringe programmes, naloxone for everyone at risk of opioid overdose, and blood-borne virus testing and treatment.
3. **Treatment.** Psychosocial interventions, community detoxification and <abbr title="Opioid substitution therapy">OST</abbr> prescribing in line with the UK clinical guidelines, with shared care in GP practices.
4. **Recovery.** Mutual aid, peer mentors, and help into work, training and stable housing, working with the council's employment and housing teams.

## Performance

| Key performance indicator | Target |
|---|---|
| People in structured treatment (monthly) | 1,500 from April 2025 |
| Successful completions as a percentage of people in treatment | 18% |
| People starting treatment within 3 weeks of referral | 90% |
| Naloxone kits issued each month | 120 |
| Service users in paid work or volunteering at review | 15% |

Targets are reviewed each April against the national drug strategy ambitions. The provider reports monthly and meets the commissioners quarterly.

## Working with others

The provider will take part in the Combating Drugs Partnership, share data with the National Drug Treatment Monitoring System, and agree joint protocols with mental health services so that no one is turned away because of a co-occurring condition.

[^ndtms]: Figures from the joint strategic needs assessment; see the indicator pages for the data and its sources.
'''

SPECS["falls-prevention.md"] = f'''+++
id = "SPEC-FP"
title = "Falls prevention and strength and balance service"
status = "live"
service_area = "Adult social care"
summary = "Falls risk assessment and a 12-week strength and balance programme for people aged 65 and over."
addresses = ["22401", "41401"]
annual_budget = 450000
term_years = 3
extension_years = 1
commissioners = ["Adult Social Care", "Public Health", "{ICB}"]
providers_engaged = 9
outcomes = [
  "Fewer emergency admissions for falls in people aged 65 and over",
  "Fewer hip fractures",
  "Older people more confident about staying independent at home",
]
output_kpi = "FP-01"
output_unit = "person starting a programme"
output_stock_or_flow = "flow"

[[social_value]]
theme = "Social"
measure = "Volunteer walk and exercise leaders recruited and trained"
target = 25

[[milestones]]
date = 2023-01-24
event = "Market engagement event"

[[milestones]]
date = 2023-02-20
event = "Invitation to tender published"

[[milestones]]
date = 2023-04-20
event = "Contract awarded"

[[milestones]]
date = 2023-07-01
event = "Service start"

[[milestones]]
date = 2026-01-15
event = "12-month extension agreed while the service is recommissioned with the NHS"

[evaluation]
price = 40
quality = 50
social_value = 10
+++
## Why this service matters

A fall is the most common reason an older person in Northbridge is admitted to hospital in an emergency. One in three people aged 65 and over falls each year, and a hip fracture often means a permanent loss of independence. Strength and balance training is one of the best evidenced ways to prevent falls.[^nice]

## The service

The provider will:

- assess falls risk within **10 working days** of referral, at home or in a clinic;
- offer a **12-week progressive strength and balance programme** (such as FaME or Otago) in community venues in every ward, and at home for people who cannot travel;
- give advice on home hazards, medicines reviews and footwear, referring to occupational therapy and the GP where needed;
- help people to keep active after the programme through walking groups and leisure centre sessions.

## Who can refer

Anyone can refer, including people themselves. Most referrals come from GP practices, the community falls team, paramedics after a non-conveyed call, and the council's reablement service.

## Performance framework

| Measure | Target | Frequency |
|---|---|---|
| People starting a strength and balance programme | 60 a month | Monthly |
| Participants completing the 12-week programme | 70% | Monthly |
| Falls risk assessments within 10 working days | 90% | Monthly |
| Average days from referral to first session | 14 or fewer | Monthly |

The provider also reports the Falls Efficacy Scale at the start and end of each programme, as an outcome measure that is not a KPI.

## Recommissioning

The contract was extended by 12 months in January 2026. Assessments within 10 working days have never met the target, so the next specification will be written jointly with the NHS community falls team, with one shared front door.

[^nice]: NICE guideline NG249 (falls: assessment and prevention in older people and in people aged 50 and over at higher risk) recommends exercise programmes that include strength and balance.
'''

SPECS["healthy-child-programme.md"] = f'''+++
id = "SPEC-HCP"
title = "Healthy child programme (0 to 19): health visiting and school nursing"
status = "live"
service_area = "Children's services"
summary = "Health visiting and school nursing for every child and family in Northbridge, with extra help for those who need it most."
addresses = ["20601", "20602", "92517", "93434", "93579", "93470"]
annual_budget = 6800000
term_years = 5
extension_years = 2
commissioners = ["Children's Services", "Public Health"]
providers_engaged = 6
outcomes = [
  "More babies breastfed at 6 to 8 weeks",
  "More children reaching a good level of development at 2 to 2 and a half years",
  "Fewer children overweight or living with obesity",
  "Fewer mothers smoking at the time of delivery",
  "Fewer young children admitted to hospital for tooth decay",
]
output_kpi = "HCP-06"
output_unit = "school nursing contact"
output_stock_or_flow = "flow"

[[social_value]]
theme = "Jobs"
measure = "Student nurse and apprentice placements offered each year"
target = 20

[[milestones]]
date = 2021-06-08
event = "Market engagement event"

[[milestones]]
date = 2021-09-01
event = "Invitation to tender published"

[[milestones]]
date = 2021-12-14
event = "Contract awarded"

[[milestones]]
date = 2022-04-01
event = "Service start"

[[milestones]]
date = 2025-05-12
event = "Redesigned 2-year review clinics introduced in family hubs"

[evaluation]
price = 30
quality = 65
social_value = 5
+++
## Overview

The healthy child programme is the universal public health service for children aged 0 to 19 (and up to 25 for young people with special educational needs and disabilities). It is led by health visitors and school nurses, and it is how the council meets its duty to provide the five mandated health visitor reviews and the National Child Measurement Programme.

## Mandated contacts

| Contact | When | Target coverage |
|---|---|---|
| Antenatal contact | From 28 weeks of pregnancy | 90% |
| New birth visit | Within 14 days of birth | 95% |
| 6 to 8 week review | By 8 weeks | 90% |
| 12-month review | By 12 months | 85% |
| 2 to 2 and a half year review | By 2 and a half years | 80% |

## Levels of service

1. **Community**: information on local services, family hubs and groups.
2. **Universal**: the mandated reviews, immunisation advice and the school entry health review.
3. **Targeted**: extra visits for infant feeding, perinatal mental health, speech and language, oral health and smoking in pregnancy.
4. **Specialist**: intensive support for families with complex needs, working with social care.

## School nursing

School nurses run drop-ins in every secondary school, a text messaging service for young people, and the National Child Measurement Programme in Reception and Year 6.[^ncmp] They follow up children identified as overweight with a family weight management offer.

## Changes during the contract

The provider redesigned the 2-year review in May 2025, moving it into family hub clinics with <abbr title="Ages and Stages Questionnaire">ASQ-3</abbr> completed with parents in advance. Coverage has been higher since.

This tender gave social value a weight of 5%, below the council's current minimum of 10%. The next tender will apply the current policy.

## Workforce

The provider must keep health visitor caseloads at or below 250 children per whole-time equivalent, in line with the Institute of Health Visiting's guidance, and report caseloads monthly. Caseloads have stayed above this level throughout the contract because of vacancies; a recruitment plan, including a health visitor apprenticeship route, is monitored at each quarterly review.

[^ncmp]: Measurement follows the NCMP operational guidance; parents can withdraw their child.
'''

SPECS["carers-support.md"] = '''+++
id = "SPEC-CAR"
title = "Community carers' support grants"
status = "live"
service_area = "Adult social care"
summary = "Grants to local voluntary and community groups that support unpaid carers of all ages."
addresses = ["NBC-CAR-01", "90638", "90637"]
annual_budget = 160000
term_years = 2
extension_years = 0
commissioners = ["Adult Social Care", "Children's Services"]
providers_engaged = 23
funding = "grant"
outcomes = [
  "More carers identified and supported after an assessment",
  "Carers who have as much social contact as they would like",
  "Young carers supported in school",
]

[[social_value]]
theme = "Communities"
measure = "Grants awarded to small local organisations (income under £1m)"
target = 70

[[milestones]]
date = 2024-03-20
event = "Carers' forum: what carers want from the fund"

[[milestones]]
date = 2024-04-02
event = "Carers' Support Fund opens for applications"

[[milestones]]
date = 2024-05-14
event = "First round of grants awarded"

[[milestones]]
date = 2025-05-13
event = "Second round of grants awarded"
+++
## Why grants, not a contract

Northbridge has about 27,000 unpaid carers. Many are supported by small neighbourhood groups that would never bid for a council contract. The council's options appraisal found that a grants programme reached more carers, more quickly, than a single commissioned carers' service.

The Carers' Support Fund is therefore a **grants programme**, not a contract. It is run under the council's grant-making policy and published in the 360Giving Data Standard.

## What the fund pays for

- Information, advice and help with a carer's assessment.
- Short breaks and sitting services.
- Peer support, including groups for carers from minority ethnic communities.
- Support for young carers in and out of school.
- Emergency planning, so that the person cared for is safe if the carer is taken ill.

## How grants are awarded

| Stage | What happens |
|---|---|
| Open call | Published on the council website and through the voluntary sector network |
| Assessment | Two officers and one carer score each application against the published criteria |
| Panel | A panel including two carers decides; decisions are published within 8 weeks |
| Monitoring | A short report at six months and a case study at the end |

Grants range from £2,500 to £50,000 a year. At least 70% of grants go to small local organisations.[^small]

## Measuring success

Because the fund is made up of many small grants, there are no contract KPIs. Instead the council tracks the carers' indicators in the needs assessment and asks each funded group how many carers it supported. The biennial Survey of Adult Carers gives the headline measures of social contact and quality of life.

## Equality and accessibility

Funded groups must show how they reach carers who are less likely to ask for help: men, young adult carers, carers from minority ethnic communities, LGBT+ carers and people caring for someone with a mental illness or a substance misuse problem. Every grant agreement includes the council's safeguarding and data protection conditions, scaled to the size of the grant, and small groups can get free help with policies from the voluntary sector infrastructure body.

[^small]: A small local organisation is one with an annual income under £1 million that works mainly in Northbridge.
'''

SPECS["homelessness-prevention.md"] = '''+++
id = "SPEC-HPS"
title = "Homelessness prevention and tenancy sustainment service"
status = "procurement"
service_area = "Housing"
summary = "Earlier help for households at risk of losing their home, and support to keep a new tenancy."
addresses = ["93736", "93737"]
annual_budget = 1050000
term_years = 5
extension_years = 2
commissioners = ["Housing"]
providers_engaged = 17
outcomes = [
  "Fewer households owed a prevention or relief duty",
  "Fewer households in temporary accommodation",
  "More tenancies sustained for at least 6 months",
]
output_kpi = "HPS-01"
output_unit = "household supported"
output_stock_or_flow = "flow"

[[social_value]]
theme = "Social"
measure = "People with lived experience of homelessness employed as peer navigators"
target = 4

[[social_value]]
theme = "Innovation"
measure = "Private landlords signed up to the tenancy rescue protocol"
target = 60

[[milestones]]
date = 2025-06-18
event = "Co-design sessions with people who have been homeless"

[[milestones]]
date = 2025-09-30
event = "Options appraisal approved by Cabinet"

[[milestones]]
date = 2025-11-03
event = "Invitation to tender published"

[[milestones]]
date = 2026-01-09
event = "Tender closed"

[[milestones]]
date = 2026-04-20
event = "Contract award decision (planned)"

[[milestones]]
date = 2026-07-01
event = "Service start (planned)"

[evaluation]
price = 40
quality = 50
social_value = 10
+++
## The problem

The number of households in Northbridge owed a homelessness prevention or relief duty has risen every year since 2019, faster than in England. Most approaches now follow the end of a private tenancy. The council spends more on temporary accommodation each year than on all of its prevention services together.

## What is changing

The current contract ends on 30 June 2026. The new specification moves help **earlier**, to the point where a tenancy first starts to fail:

- outreach in GP practices, food banks and Jobcentres, so that people ask for help before they receive a notice;
- mediation with private landlords and families, with a small fund to clear rent arrears;
- tenancy sustainment support for up to 12 months after a move, not 6;
- peer navigators with lived experience of homelessness.

## Service standards

| Standard | Requirement |
|---|---|
| First contact | Within 5 working days of referral |
| Personalised housing plan | Agreed within 10 working days |
| Duty to refer | All public bodies' referrals acknowledged within 1 working day |
| Case closure | Outcome recorded against the H-CLIC categories |

## Procurement

The tender closed on 9 January 2026 with five bids. Evaluation is complete and one bid has been asked to explain its price, which was well below the others, before any award is made.[^alt]

## How people shaped this

People who have been homeless told us that being passed between services was the hardest part. The specification therefore requires one named worker from first contact to the end of tenancy support.

## Outcomes we will pay for

Part of the contract price (5%) will be linked to outcomes: the share of prevention cases closed with accommodation secured for at least 6 months, the number of households moved on from temporary accommodation, and tenancies still in place after 12 months. Outcomes are checked against the council's housing register and H-CLIC returns, not self-reported.

[^alt]: Under the council's contract procedure rules, a tender more than 20% below the average of the other compliant tenders is treated as potentially abnormally low.
'''

SPECS["domiciliary-care.md"] = f'''+++
id = "SPEC-DOM"
title = "Domiciliary care (home care) in two geographical lots"
status = "live"
service_area = "Adult social care"
summary = "Personal care and support at home for adults with eligible needs, delivered by two lead providers, one for each half of the city."
addresses = ["90643", "90648", "90633"]
annual_budget = 14500000
term_years = 4
extension_years = 2
commissioners = ["Adult Social Care", "{ICB}"]
providers_engaged = 31
outcomes = [
  "More older people still at home 91 days after leaving hospital",
  "Fewer permanent admissions to care homes",
  "Better quality of life for people who use care and support",
]
output_kpi = "DOM-01"
output_unit = "hour of care delivered"
output_stock_or_flow = "flow"

[[social_value]]
theme = "Jobs"
measure = "Care workers paid at least the Real Living Wage (percentage)"
target = 100

[[social_value]]
theme = "Environment"
measure = "Care visits made by electric vehicle, bicycle or on foot (percentage)"
target = 30

[[milestones]]
date = 2023-03-02
event = "Provider market engagement event"

[[milestones]]
date = 2023-05-15
event = "Invitation to tender published (two lots)"

[[milestones]]
date = 2023-08-03
event = "Contracts awarded"

[[milestones]]
date = 2023-11-01
event = "Service start"

[[milestones]]
date = 2025-04-01
event = "Electronic call monitoring and rota redesign live in Lot 1"

[evaluation]
price = 50
quality = 40
social_value = 10
+++
## Scope

Home care helps people to live as independently as possible in their own homes. This specification covers personal care, help with medicines, meals and other daily living support for adults assessed as eligible under the Care Act 2014.

The city is divided into two lots so that care workers spend less time travelling:

| Lot | Wards | Estimated hours a week |
|---|---|---|
| 1, north | Bridgefoot, Carr Moss, Dyers Green, Eastfield | 9,900 |
| 2, south | Ashton Vale, Holme Edge, Greystone Park, Fellside | 8,800 |

Each provider could win **one lot only**, to keep more than one provider in the market.[^lots]

## Requirements

- Accept all packages offered in the lot within 5 working days, including at short notice on hospital discharge.
- Plan visits within 30 minutes of the agreed time, with a minimum visit of 30 minutes for personal care.
- Continuity: people see a small, consistent team of care workers.
- Use electronic call monitoring, and share the data with the council.
- Pay care workers for travel time and at least the Real Living Wage.

## Outcomes-based reviews

Every package is reviewed after six weeks and then yearly. Providers are asked to record what matters to the person, and whether it was achieved, in the person's own words.

## Performance

Providers report monthly on hours delivered, punctuality, missed visits, start times and staff turnover. A rapid response service for hospital discharge, commissioned separately in 2024, reports against the same hours measure.

## Quality and safeguarding

Both providers must be registered with the Care Quality Commission and keep a rating of at least "Requires improvement", with an action plan agreed with the council for any rating below "Good". The council's quality team visits each provider twice a year and speaks to people receiving care. Safeguarding concerns must be reported the same day under the multi-agency procedures, and medicines support follows NICE guideline SC1.

[^lots]: The top-ranked bidder for Lot 2 had already been awarded Lot 1, so Lot 2 was awarded to the next-ranked bidder, as the tender documents set out.
'''

SPECS["sexual-health.md"] = '''+++
id = "SPEC-SH"
title = "Integrated sexual health service"
status = "live"
service_area = "Public health"
summary = "Open-access testing, treatment, contraception and HIV prevention for everyone in Northbridge."
addresses = ["91306", "90776", "20401"]
annual_budget = 2600000
term_years = 5
extension_years = 2
commissioners = ["Public Health"]
providers_engaged = 8
outcomes = [
  "Fewer new sexually transmitted infections",
  "More chlamydia detected in young women",
  "Fewer conceptions in women aged under 18",
]
output_kpi = "SH-01"
output_unit = "clinic attendance"
output_stock_or_flow = "flow"

[[social_value]]
theme = "Jobs"
measure = "Apprenticeships created"
target = 3

[[milestones]]
date = 2022-02-09
event = "Market engagement event"

[[milestones]]
date = 2022-04-25
event = "Invitation to tender published"

[[milestones]]
date = 2022-07-21
event = "Contract awarded"

[[milestones]]
date = 2022-11-01
event = "Service start"

[[milestones]]
date = 2025-10-31
event = "Annual contract review postponed: provider has not submitted performance returns since January 2025"

[evaluation]
price = 40
quality = 50
social_value = 10
+++
## Open access

Sexual health services are open access by law: anyone can use them, wherever they live, without a GP referral. The service must offer walk-in and booked appointments, evening and Saturday clinics, and an online service for testing kits.

## Service elements

1. Testing and treatment for sexually transmitted infections, including partner notification.
2. The full range of contraception, with long-acting reversible methods (<abbr title="long-acting reversible contraception">LARC</abbr>) offered at first appointment.
3. HIV testing, pre-exposure prophylaxis (PrEP) and rapid referral into HIV care.
4. Outreach for young people, men who have sex with men, sex workers and people experiencing homelessness.
5. Training and support for GP practices and pharmacies providing emergency contraception and chlamydia screening.

## Key performance indicators

| KPI | Target |
|---|---|
| Clinic attendances a month | 3,200 |
| First attendances offered an HIV test | 97% |
| Urgent appointments offered within 48 hours | 98% |
| LARC prescriptions a month | 300 |

## Performance concerns

The provider has not submitted monthly returns since January 2025, following a change of patient record system. The council has issued a formal performance notice and the annual assessment required for contracts over £5 million is overdue.[^pa23] Until returns restart, national GUMCAD data is the only measure of activity.

## Cross-charging

Where residents of other areas use the service, the provider charges their home council at the agreed tariff. Northbridge residents using clinics elsewhere are paid for in the same way.

## Quality standards

The provider must meet the British Association for Sexual Health and HIV (BASHH) standards and the Faculty of Sexual and Reproductive Healthcare service standards, keep Care Quality Commission registration, and report all serious incidents within 48 hours. Young people under 16 are assessed using the Fraser guidelines and the service's safeguarding proforma.

[^pa23]: Procurement Act 2023, section 71: contract performance must be assessed at least once every 12 months for contracts over £5 million.
'''

SPECS["stop-smoking.md"] = '''+++
id = "SPEC-SS"
title = "Specialist stop smoking service"
status = "awarded"
service_area = "Public health"
summary = "Specialist behavioural support and stop smoking aids, with outreach to pregnant women and people with mental illness."
addresses = ["90285", "93579"]
annual_budget = 900000
term_years = 3
extension_years = 2
commissioners = ["Public Health"]
providers_engaged = 11
outcomes = [
  "Fewer adults who smoke",
  "Fewer mothers smoking at the time of delivery",
  "More quit attempts from routine and manual workers",
]

[[social_value]]
theme = "Jobs"
measure = "Stop smoking advisers recruited from Northbridge"
target = 8

[[social_value]]
theme = "Health"
measure = "Free stop smoking sessions run in local workplaces"
target = 40

[[milestones]]
date = 2025-06-05
event = "Market engagement event"

[[milestones]]
date = 2025-10-01
event = "Invitation to tender published"

[[milestones]]
date = 2026-02-26
event = "Contract awarded"

[[milestones]]
date = 2026-04-01
event = "Service start"

[evaluation]
price = 40
quality = 45
social_value = 15
+++
## Background

Smoking is still the biggest cause of preventable illness and early death in Northbridge. One adult in six smokes, and smoking is twice as common in Bridgefoot and Carr Moss as in Fellside. New national funding for stop smoking services from 2024 has allowed the council to commission a larger specialist service.

## The service

The provider will offer:

- **Behavioural support** for at least six weeks, face to face, by phone or by video;
- **Stop smoking aids**: combination nicotine replacement therapy, varenicline or cytisine where clinically suitable, and e-cigarette starter kits under the national swap to stop scheme;
- **Outreach** in maternity units, mental health wards, workplaces and community venues in the most deprived wards;
- **Training** for midwives, GP practice staff and pharmacists in very brief advice.

## Targets

| Measure | Year 1 target |
|---|---|
| People setting a quit date | 2,400 |
| Four-week quits (carbon monoxide validated where possible) | 1,200 |
| Quit attempts by pregnant women | 180 |
| Quit attempts by people with a serious mental illness | 150 |

Quits are counted using the Russell Standard.[^russell] KPI returns will begin in May 2026 for April.

## Award

The contract was awarded on 26 February 2026 to the highest-scoring bidder, after a tender that gave social value a weight of 15%. The service starts on 1 April 2026.

## Reaching those who smoke most

At least 60% of people setting a quit date must live in the two most deprived fifths of areas, work in routine and manual jobs, have a serious mental illness, or be pregnant. The provider will work with the healthy child programme so that every pregnant woman who smokes is offered a referral at booking, and with mental health wards so that support continues after discharge.

[^russell]: The Russell Standard (clinical) defines a four-week quit as self-reported abstinence from day 14 to day 28 after the quit date.
'''

SPECS["nhs-health-checks.md"] = '''+++
id = "SPEC-NHC"
title = "NHS Health Check programme"
status = "ended"
service_area = "Public health"
summary = "Five-yearly cardiovascular risk checks for residents aged 40 to 74, delivered through GP practices until March 2026."
addresses = ["91112", "108"]
annual_budget = 380000
term_years = 5
extension_years = 0
commissioners = ["Public Health"]
providers_engaged = 1
outcomes = [
  "More eligible residents receiving an NHS Health Check",
  "Earlier detection of high blood pressure, diabetes and high cholesterol",
  "Fewer deaths under 75 from cardiovascular disease",
]
output_kpi = "NHC-02"
output_unit = "health check completed"
output_stock_or_flow = "flow"

[[milestones]]
date = 2021-02-25
event = "Contract awarded directly to the GP federation"

[[milestones]]
date = 2021-04-01
event = "Service start"

[[milestones]]
date = 2025-09-30
event = "Decision to include NHS Health Checks in the integrated healthy lifestyle service"

[[milestones]]
date = 2026-03-31
event = "Contract ended"
+++
## About the programme

The NHS Health Check is a mandated public health service. Every council must offer a check once every five years to residents aged 40 to 74 who do not already have a cardiovascular condition. The check looks at blood pressure, cholesterol, weight, physical activity, smoking and alcohol, and gives each person their cardiovascular risk score.

## How it was delivered

From April 2021 to March 2026 the checks were delivered by all GP practices in Northbridge through the GP federation, which was the only provider able to reach every practice's patient list. The contract was therefore awarded directly.

The federation:

- invited 20% of the eligible population each year, prioritising people in the most deprived wards;
- delivered checks in practices and in pop-up clinics at community venues;
- referred people with a 10-year risk of 10% or more to their GP for treatment;
- referred people to stop smoking, weight management and alcohol services.

## What was achieved

| Year | Checks offered | Checks received |
|---|---|---|
| 2021/22 | 9,850 | 3,910 |
| 2022/23 | 10,720 | 4,880 |
| 2023/24 | 11,150 | 5,260 |
| 2024/25 | 11,300 | 5,290 |

Uptake stayed just below the 50% target. Uptake among men and people in the most deprived fifth of areas was lowest.[^annual]

## What happens next

From April 2026 the checks are part of the integrated healthy lifestyle service being consulted on (see the weight management specification). Practices will continue to offer checks during the transition under a short interim agreement.

## Lessons learnt

The contract showed that invitation letters alone reach the people who are already most likely to look after their health. Pop-up checks in mosques, workplaces and food banks reached more men and more people from the most deprived wards, at a slightly higher cost per check. The new integrated service will build outreach in from the start, and will share results with GP practices electronically on the same day.

[^annual]: Annual figures before April 2024 come from the provider's annual reports; monthly returns are published from April 2024.
'''

SPECS["mental-health-wellbeing.md"] = f'''+++
id = "SPEC-MH"
title = "Community mental health and wellbeing service"
status = "planning"
service_area = "Public health"
summary = "A city-wide, non-clinical wellbeing offer for adults with mild to moderate mental health needs, building on the wellbeing hubs pilot."
addresses = ["848", "22303", "93085", "41001"]
annual_budget = 650000
term_years = 3
extension_years = 2
commissioners = ["Public Health", "{ICB}"]
providers_engaged = 26
outcomes = [
  "Fewer adults reporting low happiness",
  "Fewer young people admitted to hospital for self-harm",
  "People supported earlier, before they reach crisis",
]
output_kpi = "MH-01"
output_unit = "person supported"
output_stock_or_flow = "flow"

[[social_value]]
theme = "Communities"
measure = "Active peer support volunteers"
target = 40
kpi_id = "MH-05"

[[milestones]]
date = 2024-04-01
event = "Wellbeing hubs pilot starts"

[[milestones]]
date = 2025-07-09
event = "Co-design workshops with hub users and partners"

[[milestones]]
date = 2026-02-10
event = "Options appraisal considered by the Health and Wellbeing Board"

[[milestones]]
date = 2026-06-01
event = "Decision on delivery model (planned)"

[evaluation]
price = 30
quality = 55
social_value = 15
+++
## Where we are

The council and the integrated care board have run four community wellbeing hubs since April 2024 as a two-and-a-half-year pilot. The pilot ends in September 2026. This specification describes the service we want next; the **delivery model is not yet decided**, and the options appraisal compares running it in-house, tendering it, and grant-funding a voluntary sector alliance.

## What people told us

In the co-design workshops, hub users said the things that helped most were:

- being able to walk in without a referral;
- seeing someone within days, not months;
- peer support from people who have been through similar things;
- help with the things behind poor mental health: debt, housing, loneliness.

## The service we want

1. **A hub in every ward**, open at least three days a week, including one evening.
2. **Short-term one-to-one support** (up to six sessions) using guided self-help and problem-solving approaches.
3. **Peer support groups** and a trained volunteer programme.
4. **Social prescribing** links to community groups, arts, sport and green spaces.
5. **Clear routes** into NHS Talking Therapies and community mental health teams when more help is needed.

## Measures

| Measure | Pilot target | Proposed target |
|---|---|---|
| People supported each month | 220 | 400 |
| Average days to first appointment | 10 | 7 |
| People reporting improved wellbeing (<abbr title="Warwick-Edinburgh Mental Wellbeing Scale">WEMWBS</abbr>) | 65% | 65% |

Depression prevalence is recorded as context, not as a target: a rise can reflect better recognition as well as more need.[^qof]

## Timescales

A decision on the delivery model is planned for June 2026, so that any new arrangement can start when the pilot ends.

## Safeguarding and clinical governance

The service is non-clinical, but staff must be trained to recognise risk of suicide and self-harm and to follow an agreed escalation route to the NHS crisis line and the community mental health team. Every hub will have a named safeguarding lead, and volunteers will receive supervision at least monthly.

[^qof]: Recorded depression prevalence comes from GP disease registers (QOF) and depends on diagnosis and recording as well as on need.
'''

SPECS["weight-management.md"] = f'''+++
id = "SPEC-WM"
title = "Integrated healthy lifestyle service"
status = "consultation"
service_area = "Public health"
summary = "One service for weight management, physical activity and NHS Health Checks, replacing the interim tier 2 weight management contract."
addresses = ["93088", "93014", "20602", "91112"]
annual_budget = 1250000
term_years = 5
extension_years = 2
commissioners = ["Public Health", "{ICB}"]
providers_engaged = 12
outcomes = [
  "Fewer adults overweight or living with obesity",
  "More adults physically active",
  "More eligible residents receiving an NHS Health Check",
]
output_kpi = "WM-01"
output_unit = "person starting a programme"
output_stock_or_flow = "flow"

[[social_value]]
theme = "Health"
measure = "Free physical activity sessions in parks and community centres each year"
target = 500

[[social_value]]
theme = "Jobs"
measure = "Local residents employed on the contract"
target = 12

[[milestones]]
date = 2025-09-30
event = "Options appraisal approved"

[[milestones]]
date = 2026-01-20
event = "Public consultation opens"

[[milestones]]
date = 2026-02-05
event = "Consultation drop-in events"

[[milestones]]
date = 2026-04-14
event = "Public consultation closes"

[[milestones]]
date = 2026-06-15
event = "Invitation to tender (planned)"

[evaluation]
price = 40
quality = 45
social_value = 15
+++
## Consultation draft

This is the **draft specification** on which we are consulting until 14 April 2026. It brings together three services that residents currently have to find separately: tier 2 weight management, physical activity on referral, and the NHS Health Check.

## Why join them up

Nearly two in three adults in Northbridge are overweight or living with obesity, and fewer adults are physically active than in England. People told us they were referred from one service to another and had to tell their story each time. One service, with one assessment, should mean fewer people lost between referrals.

## What the service will offer

- **One front door**: self-referral online, by phone or in person, and referral from GP practices, pharmacies and the NHS Health Check.
- **Tier 2 weight management**: 12-week group, one-to-one or digital programmes, with culturally adapted options and a men-only group.
- **Physical activity**: supported sessions at leisure centres, walking groups, and activity for people with long-term conditions.
- **NHS Health Checks**: invitations and checks for residents aged 40 to 74, including outreach checks in community venues.
- **Brief advice** on smoking and alcohol, with direct referral into the specialist services.

## Proposed measures

| Measure | Proposed target |
|---|---|
| Adults starting a weight management programme each month | 150 |
| Participants completing the programme | 60% |
| Completers losing at least 5% of their body weight | 30% |
| Participants from the most deprived fifth of areas | 40% |
| Eligible residents receiving an NHS Health Check each year | 5,500 |

## Questions in the consultation

We want to know whether the service should be delivered by one provider or a partnership, where sessions should be held, and what would stop people from taking part.[^consult]

## Budget

The proposed budget of £1.25 million a year brings together the current tier 2 weight management contract, the NHS Health Check budget and part of the public health grant previously spent on physical activity on referral. No service will be cut while the consultation is open.

[^consult]: The consultation is open to everyone. An easy read version and translations are available on request.
'''

SPECS["loneliness.md"] = '''+++
id = "SPEC-LON"
title = "Tackling loneliness in later life"
status = "needs_assessed"
service_area = "Adult social care"
summary = "A need identified in the needs assessment; no service has yet been planned."
addresses = ["93015", "90638"]
commissioners = ["Public Health", "Adult Social Care"]
outcomes = [
  "Fewer adults who feel lonely often, always or some of the time",
  "More carers with as much social contact as they would like",
]
+++
## The need

The needs assessment found that around one adult in four in Northbridge feels lonely often, always or some of the time, slightly more than in England. Loneliness is highest among older people living alone, carers, and people in the most deprived wards. It is linked to poorer physical and mental health and to greater use of GP and hospital services.[^lon]

The ward figures come from a survey of about 200 residents in each ward, so their confidence intervals are wide: only the largest differences between wards can be relied on. The pattern is nevertheless consistent with what GP social prescribers and voluntary groups report.

## What we already fund

Some small community grants already support activities that reduce loneliness:

- men's sheds and chatty cafés;
- digital inclusion sessions for older people;
- carers' peer support groups.

## What we know and do not know

| Question | What we know |
|---|---|
| How many people are lonely? | Survey estimates for the city and each ward, with wide confidence intervals for wards |
| Who is most affected? | Older people living alone, carers, disabled people |
| What works? | Evidence is strongest for befriending, group activities and social prescribing; weaker for one-off events |
| What would it cost? | Not yet assessed |

## Next steps

1. Bring the loneliness evidence to the Health and Wellbeing Board with the priorities ranking.
2. Decide whether a specific service is needed, or whether the community wellbeing service should include it.
3. If a service is needed, move this specification to planning and run an options appraisal.

No budget has been set and no procurement is planned yet.

## Who we will involve

Any future work will be shaped with older people, carers and the voluntary groups that already run befriending and social activities. The co-design workshops for the community wellbeing service in July 2025 included a session on loneliness, and its findings are summarised on the engagement page.

[^lon]: The loneliness measure is self-reported; ward figures come from the Northbridge residents' survey and are estimates.
'''


# ---------------------------------------------------------------------------------------------
# Engagement
# ---------------------------------------------------------------------------------------------
ENGAGEMENT = {}
ENGAGEMENT["2023-03-drug-and-alcohol-listening-events.md"] = '''+++
id = "ENG-DA-2023"
title = "Listening events on drug and alcohol services"
date = 2023-03-14
audience = ["people with lived experience", "families and carers", "providers", "GP practices"]
participants = 64
specs = ["SPEC-DA"]
+++
Three listening events were held in March 2023: one at the recovery café, one evening session for families, and one for professionals. A further 19 people answered an online survey.

## What we heard

- **Waiting is dangerous.** Several people described relapsing while waiting weeks for a first appointment after leaving prison or hospital.
- **Opening hours.** People in work could not attend appointments that were only available in the daytime.
- **Families feel shut out.** Family members wanted support for themselves, not only information about their relative.
- **Recovery needs a future.** People in recovery wanted help into work and volunteering, and to see people like them working in the service.
- **Stigma.** Some people avoided the city-centre building because they might be seen going in.

## What happens next

The specification now requires a 3-week maximum wait for people leaving prison or hospital, two evening openings a week, satellite clinics, a family support offer, and a social value commitment to employ local people and support volunteering by people in recovery.
'''

ENGAGEMENT["2024-03-carers-forum.md"] = '''+++
id = "ENG-CAR-2024"
title = "Carers' forum: designing the Carers' Support Fund"
date = 2024-03-20
audience = ["unpaid carers", "young carers", "voluntary and community groups"]
participants = 41
specs = ["SPEC-CAR"]
+++
The carers' forum met at the Carers Centre, with a separate session for young carers after school. Staff from 14 voluntary and community groups also attended.

## What we heard

- Carers wanted **short breaks** above everything else, and said existing respite was hard to book.
- Carers from South Asian communities asked for support in their own languages, delivered by women they trust.
- Young carers said teachers often did not know they were carers.
- Small groups said the council's previous grant forms were too long for organisations run by volunteers.
- Several carers asked for help to plan for an emergency, such as the carer being taken ill.

## What happens next

The fund's priorities now include short breaks, culturally specific peer support, young carers in school and emergency planning. A shorter application form is used for grants under £10,000, and two carers sit on the grants panel.
'''

ENGAGEMENT["2025-02-home-care-survey.md"] = '''+++
id = "ENG-DOM-2025"
title = "Home care experience survey and focus groups"
date = 2025-02-26
audience = ["people who use home care", "family carers", "care workers"]
participants = 212
specs = ["SPEC-DOM"]
+++
A postal and telephone survey of people receiving home care was followed by three focus groups in February 2025, one of them with care workers. 212 people took part in total.

## What we heard

- Most people were positive about their care workers, but **late and rushed visits** were the biggest complaint, especially in the north of the city.
- People wanted to know **who is coming** and when, particularly after a change of care worker.
- Care workers said unpaid travel time between visits and unrealistic rotas caused lateness.
- Family carers asked to be told quickly when a visit was missed.

## What happens next

The Lot 1 provider introduced electronic call monitoring and redesigned its rotas in April 2025, with travel time built in. Punctuality has improved since. Both providers now text people when a visit will be more than 30 minutes late. A weekly rota for each person is being piloted in Lot 2.
'''

ENGAGEMENT["2025-06-homelessness-codesign.md"] = '''+++
id = "ENG-HPS-2025"
title = "Co-design sessions for the new homelessness prevention service"
date = 2025-06-18
audience = ["people with lived experience of homelessness", "private landlords", "housing associations", "voluntary sector"]
participants = 58
specs = ["SPEC-HPS"]
+++
Four co-design sessions were held in June 2025 with people who had been homeless or at risk of homelessness, private landlords, housing associations and advice agencies.

## What we heard

- People said they only asked for help **once they had a notice to leave**, and would have come earlier if they had known help existed.
- Being passed between workers and having to repeat their story was the hardest part.
- Landlords said they would often accept a payment plan for arrears if someone negotiated with them early.
- Support ended too soon after moving in; the first year in a new tenancy is the riskiest.
- People wanted to see staff with lived experience.

## What happens next

The new specification includes outreach in GP practices and food banks, landlord mediation with a rent arrears fund, one named worker from start to finish, tenancy support for up to 12 months, and peer navigators with lived experience.
'''

ENGAGEMENT["2025-07-wellbeing-codesign.md"] = '''+++
id = "ENG-MH-2025"
title = "Co-design workshops for community wellbeing"
date = 2025-07-09
audience = ["wellbeing hub users", "peer support volunteers", "GP social prescribers", "voluntary and community groups"]
participants = 87
specs = ["SPEC-MH", "SPEC-LON"]
+++
Five workshops were held across the city in July 2025, and 46 people completed a short survey at the wellbeing hubs.

## What we heard

- Walk-in access without a referral was the most valued part of the hubs.
- People waited too long for a first appointment in the first months of the pilot.
- Many people came to the hubs because of debt, housing or loneliness rather than a diagnosed condition.
- Volunteers wanted more training and supervision.
- Young adults aged 18 to 25 were less likely to use the hubs and asked for evening and online options.
- Older people living alone said loneliness was their main concern and asked for regular groups, not one-off events.

## What happens next

The hubs introduced a triage session on the day of first contact, and waiting times have fallen since. The draft specification for the city-wide service includes evening opening, advice on debt and housing, and a funded volunteer programme. Loneliness in later life will be considered separately (SPEC-LON).
'''

ENGAGEMENT["2026-02-healthy-lifestyles-consultation.md"] = '''+++
id = "ENG-WM-2026"
title = "Consultation drop-ins on healthy lifestyle services"
date = 2026-02-05
audience = ["residents", "GP practices", "community pharmacies", "leisure providers"]
participants = 133
specs = ["SPEC-WM", "SPEC-SS"]
+++
Drop-in events were held in four community centres and the city library in early February 2026, as part of the public consultation on the integrated healthy lifestyle service. The consultation remains open online until 14 April 2026.

## What we heard so far

- People liked the idea of one service instead of several, provided there is a real person to talk to.
- Cost and childcare stop many people from attending sessions.
- Men said they would not join a group they thought was "for women".
- People wanted sessions close to home, not only in leisure centres.
- Pharmacists asked to be able to refer people directly.
- Several smokers asked for stop smoking support to be available in the same place.

## What happens next

These views will be reported with the full consultation results in May 2026. Some changes are already being made to the draft specification.
'''

YSWD = [
    ("ENG-DA-2023", "SPEC-DA", "People wait too long for treatment after leaving prison or hospital.", "The specification requires a first appointment within 3 weeks, and the provider meets people at the prison gate.", "done", ""),
    ("ENG-DA-2023", "SPEC-DA", "Appointments are only in the daytime, so people in work cannot attend.", "The hub opens until 8pm two evenings a week.", "done", ""),
    ("ENG-DA-2023", "SPEC-DA", "Families need support for themselves.", "The contract includes a family support worker and a monthly families group.", "done", ""),
    ("ENG-DA-2023", "SPEC-DA", "Move the service out of the city centre so people are not seen going in.", "Satellite clinics were added in Bridgefoot and Carr Moss, but the main hub stays in the city centre.", "not_taken_forward", "No suitable building outside the city centre was affordable, and the city-centre hub is the easiest place to reach by public transport."),
    ("ENG-CAR-2024", "SPEC-CAR", "Short breaks matter most to carers.", "Short breaks are a priority of the Carers' Support Fund, and the first round funded two short-break projects.", "done", ""),
    ("ENG-CAR-2024", "SPEC-CAR", "Grant forms are too long for small volunteer-run groups.", "Grants under £10,000 now use a two-page application form.", "done", ""),
    ("ENG-CAR-2024", "SPEC-CAR", "Teachers do not know which pupils are young carers.", "A grant funds young carers' work in secondary schools, including staff training.", "in_progress", ""),
    ("ENG-DOM-2025", "SPEC-DOM", "Visits are late and rushed.", "Electronic call monitoring and rota redesign with travel time were introduced in Lot 1 in April 2025.", "done", ""),
    ("ENG-DOM-2025", "SPEC-DOM", "We want to know who is coming and when.", "A weekly rota sent to each person is being piloted in Lot 2.", "in_progress", ""),
    ("ENG-DOM-2025", "SPEC-DOM", "Pay care workers more so they stay.", "Both contracts already require the Real Living Wage; the council has asked providers to report turnover monthly.", "in_progress", ""),
    ("ENG-HPS-2025", "SPEC-HPS", "Help comes too late, once you already have a notice.", "The new service includes outreach in GP practices, food banks and Jobcentres.", "in_progress", ""),
    ("ENG-HPS-2025", "SPEC-HPS", "Tenancy support ends too soon after moving in.", "Tenancy sustainment support is extended from 6 to 12 months in the new specification.", "in_progress", ""),
    ("ENG-HPS-2025", "SPEC-HPS", "The council should build more social housing instead.", "This is outside the scope of this service; the council's housing strategy covers new homes.", "not_taken_forward", "Building new homes is not something a support contract can deliver; the comment was passed to the housing strategy team."),
    ("ENG-MH-2025", "SPEC-MH", "It takes too long to get a first appointment.", "The hubs introduced same-day triage; average days to first appointment have fallen each month since autumn 2025.", "done", ""),
    ("ENG-MH-2025", "SPEC-MH", "Young adults need evening and online options.", "The draft specification requires one evening opening a week in every hub and an online peer group.", "in_progress", ""),
    ("ENG-MH-2025", "SPEC-LON", "Older people living alone need regular groups, not one-off events.", "Community Wellbeing Grants funded a men's shed, chatty cafés and digital inclusion sessions.", "done", ""),
    ("ENG-WM-2026", "SPEC-WM", "Men will not join groups they think are for women.", "The draft specification now requires a men-only programme option.", "in_progress", ""),
    ("ENG-WM-2026", "SPEC-WM", "Make sessions free of charge, including childcare.", "Sessions are free; funded childcare was considered.", "not_taken_forward", "Funding childcare for every session would reduce the number of places by about a third; the service will offer family-friendly times and online sessions instead."),
]

# ---------------------------------------------------------------------------------------------
# Free pages, settings, README
# ---------------------------------------------------------------------------------------------
ABOUT = '''+++
title = "About this site"
+++
This site shows how Northbridge City Council decides what public services the city needs and how it pays for them. The council calls this **commissioning**. It publishes the evidence for each stage in one place, so that residents, councillors, providers and auditors can follow a decision from the need it responds to, through planning and procurement, to how well the service is performing.

## The four stages

1. **Needs assessment.** Indicators of health, care, housing and wellbeing for the city and its eight wards, compared with England. This is part of our Joint Strategic Needs Assessment (JSNA), which we produce with the NHS.
2. **Delivery planning.** The service specifications, the options we considered, and what residents and providers told us.
3. **Procurement.** How tenders were scored, who was awarded contracts, and the grants we give to voluntary and community organisations.
4. **Performance.** Monthly key performance indicators for every contract, and the contracts due to end soon.

What we learn from performance feeds back into the next needs assessment.

## The data

Everything on this site can be downloaded as open data from the data catalogue, under the Open Government Licence. Contracts are published in the Open Contracting Data Standard and grants in the 360Giving Data Standard.

## Important: this is a sample

**Northbridge City Council is fictional.** This site was built from an illustrative sample project. The council, wards, area codes beginning E05099 and E08000099, organisations, companies, charities, people and every figure are invented. Region and England codes are real, but the values shown for them are not official statistics.

## Contact

Questions about commissioning in Northbridge: commissioning@northbridge.example.
'''

METHODOLOGY = '''+++
title = "How the figures are worked out"
+++
This page explains, in plain English, how the numbers on this site are calculated. The methods follow the published public sector references so that anyone can check them.

## Needs indicators

**Values and confidence intervals.** Most indicators are a count of people or events divided by a population. Where we have the count and population, the site calculates the value and a 95% confidence interval the way the Office for Health Improvement and Disparities (OHID) does for its Fingertips tool: the Wilson score method for percentages, and Byar's method (or an exact method for fewer than 10 events) for rates. A confidence interval is the range in which the true value probably lies, allowing for chance.

**Comparing with England.** If England's value lies inside an area's 95% confidence interval, the area is shown as **similar**. Otherwise it is **better** or **worse**, depending on whether a higher value is good or bad. Some indicators, such as recorded depression, have no better or worse direction; these are shown as **higher** or **lower**.

**Trends.** For percentages and rates, the site tests the five most recent points for a steady rise or fall, using the same test as Fingertips. A trend is reported only when it is statistically significant at the 99.8% level.

## Priorities

We rank needs with the **Hanlon method**. Each need scores 0 to 10 for its size (A), seriousness (B) and the effectiveness of the interventions available (C). The basic priority rating is (A + 2B) × C ÷ 3. A final "PEARL" check asks whether acting is proper, economic, acceptable, resourced and legal; a need that fails any of these is not ranked.

## Options appraisal

Options are compared the way the HM Treasury **Green Book** sets out. Future costs and benefits are discounted at 3.5% a year, because money and benefits now are worth more than later. We report the **net present social value** (discounted benefits minus discounted costs) and the **benefit-cost ratio**. A ratio above 2 is high value for money; below 1, the costs outweigh the benefits.

## Tender evaluation

Tenders are scored on the **most economically advantageous tender** (MEAT): price, quality and social value, each with a published weight. The lowest price scores full marks and other bids score in proportion (lowest price ÷ bid price). Quality and social value are scored by a panel against published questions. A bid more than 20% below the average of the other compliant bids is flagged as possibly **abnormally low** and must be explained before any award.

## Contract performance

Monthly KPIs are shown on **statistical process control** charts, following NHS England's Making Data Count approach. The chart's limits show the range of normal variation; points outside the limits, runs of seven points on one side of the average, and seven-point rising or falling runs show **special cause** variation, meaning something has changed. The site also says whether a KPI will reliably meet its target (**assurance**). Contracts worth more than £5 million must have at least three KPIs and a performance assessment every 12 months, as the Procurement Act 2023 requires.

## Sample data

All figures on this sample site are fictional and illustrative.
'''

COMMISSION_TOML = '''# Settings for the sample project of a FICTIONAL council. All data in this folder is illustrative.
title = "Commissioning in Northbridge"
organisation = "Northbridge City Council"
description = "How Northbridge City Council assesses need, plans, buys and monitors the public services the city relies on."
base_url = "https://example.gov.uk/commissioning/"
home_area = "E08000099"
benchmark_area = "E92000001"
currency = "GBP"
as_of = "2026-03-31"
theme = "default"
language = "en-GB"
org_id = "GB-LAE-NBC"
grant_prefix = "360G-nbc"
ocid_prefix = "ocds-nbc001"
contact_email = "commissioning@northbridge.example"

[needs]
confidence = 95
comparison = "ci_overlap"
trend_points = 5

[priorities]
method = "hanlon"

[procurement]
discount_rate_schedule = "green_book"
price_scoring = "lowest_over_bid"
min_social_value_weight = 10
abnormally_low_ratio = 0.8

[performance]
spc_screen_outliers = false
amber_tolerance = 5
spc_fix_limits_after = 0
kpi_threshold_value = 5000000
'''

README = '''# Sample project: Commissioning in Northbridge

**Everything in this folder is fictional and illustrative.** Northbridge City Council does not exist. Its wards, the area codes beginning `E05099` and `E08000099`, the organisations, companies, charities, company and charity numbers, people, contracts, grants and every figure were invented by `scripts/make_sample_data.py`. The codes for the North West region (`E12000002`) and England (`E92000001`) are real, but the values given for them are **not** official statistics. Indicator ids and names follow OHID Fingertips where a similar indicator exists, only so the sample looks like real data.

Build the sample site with:

    commission build sample-data

## What is here

| Path | Contents |
|---|---|
| `commission.toml` | settings |
| `needs/indicators.csv` | indicator metadata, with a few Hanlon overrides |
| `needs/values.csv` | indicator values in the project's own layout (8 wards, the council, the region, England; 2019 to 2024) |
| `needs/fingertips-export.csv` | three more indicators in the Fingertips "download data" format, with deprivation deciles for England |
| `specifications/` | service specifications, one per file |
| `procurement/options.csv`, `procurement/bids.csv` | options appraisals and tender evaluations |
| `contracts/register.xlsx` | the contract register |
| `contracts/kpis/` | monthly KPI returns in CSV, XLSX (long and wide) and ODS |
| `grants/grants.csv` | grants to voluntary and community organisations |
| `engagement/` | engagement events and the "you said, we did" log |
| `pages/` | the about and methodology pages |

## Things the sample is designed to show

- Wards that differ from each other and from England, several indicators with significant trends, and survey indicators with wide confidence intervals.
- An abnormally low bid (tender T-2025-004), non-compliant bids, a tender below the minimum social value weight (T-2021-003), and a contract awarded to the second-ranked bidder (C-2023-006, Lot 2).
- A contract over £5 million with only two KPIs (C-2023-006), and one whose returns stopped in January 2025 (C-2022-007), so its yearly assessment is overdue.
- Contracts ending within 18 months (the pipeline), one with an extension (C-2023-002), and one awarded but not yet started (C-2026-009, no KPI returns yet).
- KPI series with common cause variation, known changes of service with a rebase and its reason (DOM-02 in Lot 1 in the long layout; HCP-04 in the wide layout, whose `rebase` column names the month), seven-point improving trends (DA-06, DOM-05, MH-02), outliers (DA-04, HCP-05), and targets consistently failed (FP-03, HCP-07).
- Output KPIs marked as a stock (DA-01, people in treatment: averaged over a year for cost per unit) or a flow (the others: summed over a year), a `decimals` column where Fingertips publishes whole numbers, and a team-set `affected_share` for the carers' quality of life score.

Regenerate it with `python3 scripts/make_sample_data.py` (needs `openpyxl` and `odfpy`); the output is the same every time.
'''


def make_documents(out):
    for name, text in SPECS.items():
        write_text(out / "specifications" / name, text)
    for name, text in ENGAGEMENT.items():
        write_text(out / "engagement" / name, text)
    write_csv(out / "engagement" / "you-said-we-did.csv", ["engagement_id", "spec_id", "you_said", "we_did", "status", "reason"], YSWD)
    write_text(out / "pages" / "about.md", ABOUT)
    write_text(out / "pages" / "methodology.md", METHODOLOGY)
    write_text(out / "commission.toml", COMMISSION_TOML)
    write_text(out / "README.md", README)


def main():
    global rng
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "sample-data"), help="output folder (replaced)")
    args = ap.parse_args()
    out = Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rng = random.Random(2026)

    make_needs(out)
    make_fingertips(out)
    make_options(out)
    for t in TENDERS:  # awarded contracts must go to the top-ranked bidder, except Lot 2 (one lot per bidder)
        ranking, _scores = rank_tender(t)
        for c in CONTRACTS:
            if c["tender_id"] == t[0]:
                expected = ranking[1] if c["contract_id"] == "C-2023-006" else ranking[0]
                assert c["supplier"] == expected, (t[0], ranking)
    make_bids(out)
    make_register(out)
    make_kpis(out, make_kpi_series())
    make_grants(out)
    make_documents(out)
    print(f"wrote {sum(1 for p in out.rglob('*') if p.is_file())} files to {out}")


if __name__ == "__main__":
    main()
