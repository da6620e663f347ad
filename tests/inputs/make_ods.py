"""Makes the .ods fixtures of the corpus (run once; the files are committed). Needs `pip install odfpy`."""
import os
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableRow, TableCell
from odf.text import P

HERE = os.path.dirname(os.path.abspath(__file__))
TOML = 'title = "Corpus"\norganisation = "Test council"\n'
SPEC = '+++\nid = "S1"\ntitle = "Service one"\nstatus = "live"\n+++\nBody.\n'


def cell(v):
    if v is None:
        return TableCell()
    if isinstance(v, tuple):  # (kind, value, shown)
        kind, value, shown = v
        if kind == "date":
            c = TableCell(valuetype="date", datevalue=value)
        elif kind == "formula-error":
            c = TableCell(formula=value, valuetype="string", stringvalue=shown)
        elif kind == "currency":
            c = TableCell(valuetype="currency", currency="GBP", value=value)
        else:
            raise ValueError(kind)
        c.addElement(P(text=shown))
        return c
    if isinstance(v, (int, float)):
        c = TableCell(valuetype="float", value=v)
        c.addElement(P(text=str(v)))
        return c
    c = TableCell(valuetype="string")
    c.addElement(P(text=v))
    return c


def workbook(path, sheets):
    doc = OpenDocumentSpreadsheet()
    for name, rows in sheets:
        t = Table(name=name)
        for r in rows:
            tr = TableRow()
            for v in r:
                tr.addElement(cell(v))
            t.addElement(tr)
        doc.spreadsheet.addElement(t)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    doc.save(path)


def project(name, files):
    root = os.path.join(HERE, name)
    os.makedirs(root, exist_ok=True)
    for rel, text in {"commission.toml": TOML, **files}.items():
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)
    return root


REG_HEAD = ["contract_id", "spec_id", "title", "supplier", "start_date", "end_date", "annual_value", "total_value"]
REG_ROW = ["C1", "S1", "Contract one", "Acme Ltd", ("date", "2024-04-01", "01/04/2024"), ("date", "2027-03-31", "31/03/2027"), 100000, 300000]

root = project("84-kpi-long-ods-error-cell", {"specifications/s1.md": SPEC})
workbook(os.path.join(root, "contracts/register.ods"), [("Register", [REG_HEAD, REG_ROW])])
workbook(os.path.join(root, "contracts/kpis/k.ods"), [("Returns", [
    ["contract_id", "kpi_id", "kpi_name", "period", "actual", "target"],
    ["C1", "K1", "Visits", "2024-04", ("formula-error", "of:=1/0", "#DIV/0!"), 12],
    ["C1", "K1", "Visits", "2024-05", ("formula-error", "of:=NA()", "#N/A"), 12],
    ["C1", "K1", "Visits", "2024-06", "=cmd|' /C calc'!A0", 12],
])])

root = project("92-register-ods-reads", {"specifications/s1.md": SPEC})
workbook(os.path.join(root, "contracts/register.ods"), [("Register", [
    REG_HEAD + ["department"],
    ["C1", "S1", "Contract one", "@Acme Ltd", ("date", "2024-04-01", "01/04/2024"), "31/03/2027", ("currency", "100000.5", "£100,000.50"), "£300,000", "+Public health"],
    ["C2", "S1", "Contract two", "Bravo Ltd", "2024-04-01", "next year", 1, 2, None],
])])

root = project("93-kpi-wide-ods-date-headers", {"specifications/s1.md": SPEC})
workbook(os.path.join(root, "contracts/register.ods"), [("Register", [REG_HEAD, REG_ROW])])
workbook(os.path.join(root, "contracts/kpis/k.ods"), [
    ("Wide", [
        ["contract_id", "kpi_id", "kpi_name", "unit", "polarity", "target", ("date", "2024-04-01", "Apr 2024"), ("date", "2024-05-01", "May 2024"), "2024-06"],
        ["C1", "K1", "Visits", "visits", "higher_is_better", 12, 10, 11, 13.5],
    ]),
    ("Empty", []),
])

root = project("94-needs-ods-two-sheets", {"needs/indicators.csv": "indicator_id,name,value_type,polarity\nI1,Smoking prevalence,proportion,lower_is_better\n"})
workbook(os.path.join(root, "needs/values.ods"), [
    ("2023", [["indicator_id", "area_code", "period", "value"], ["I1", "E1", 2023, 12.5]]),
    ("2024", [["indicator_id", "area_code", "period", "value"], ["I1", "E1", 2024, "twelve"], ["I1", "E1", 99999, 1]]),
])
print("ok")
