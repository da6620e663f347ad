use super::*;
use crate::load::theme::{default_theme, Strings, Theme};
use crate::render::template_value::{to_template_data, to_template_data_with_loops, TemplateData};
use crate::render::Renderer;
use serde::Serialize;

fn templates(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, s)| (n.to_string(), s.to_string()))
        .collect()
}

/// The fields of `page` whose loops `find` takes as plain in template `name`.
fn plain_fields(list: &[(&str, &str)], name: &str) -> Vec<String> {
    find(&templates(list))
        .loops
        .get(name)
        .map(|loops| loops.iter().map(|l| l.field.clone()).collect())
        .unwrap_or_default()
}

const BASE: (&str, &str) = (
    "base.html",
    "<main>{% block content %}{% endblock content %}</main>",
);

#[test]
fn the_default_themes_kpi_rows_and_summary_are_plain_loops_and_its_phases_not() {
    let theme = default_theme();
    let list: Vec<(String, String)> = theme
        .templates
        .iter()
        .filter(|(n, _)| n.ends_with(".html"))
        .map(|(n, s)| (n.clone(), s.clone()))
        .collect();
    let found = find(&list);
    let kpi = &found.loops["kpi.html"];
    let fields: Vec<&str> = kpi.iter().map(|l| l.field.as_str()).collect();
    // `page.phases` is also read by an `if`, so its loop stays tera's.
    assert_eq!(fields, ["summary", "rows"]);
    assert_eq!(
        kpi[1].names,
        [
            "period",
            "actual",
            "target",
            "rag",
            "rag_label",
            "mean",
            "lower",
            "upper",
            "special_class",
            "special"
        ]
    );
    let source = &found
        .sources
        .iter()
        .find(|(n, _)| n == "kpi.html")
        .unwrap()
        .1;
    assert!(source.contains("<tbody>{{ page.rows | safe }}</tbody>"));
    assert!(source.contains("<ul>{{ page.summary | safe }}</ul>"));
    assert!(source.contains("{% for p in page.phases %}"));
    // Templates that other templates name are never rewritten.
    for shared in ["base.html", "macros.html"] {
        assert!(!found.loops.contains_key(shared));
        let rewritten = &found.sources.iter().find(|(n, _)| n == shared).unwrap().1;
        assert_eq!(rewritten, &theme.templates[shared]);
    }
}

#[test]
fn a_loop_is_plain_only_when_its_body_prints_its_rows_values_and_nothing_else_reads_the_field() {
    let page = |body: &str| {
        plain_fields(
            &[
                BASE,
                (
                    "p.html",
                    &format!("{{% extends \"base.html\" %}}{{% block content %}}{body}{{% endblock content %}}"),
                ),
            ],
            "p.html",
        )
    };
    let rows = vec!["rows".to_string()];
    assert_eq!(
        page("{% for r in page.rows %}<td>{{ r.a }}</td>{{r}}{% endfor %}"),
        rows
    );
    assert_eq!(page("{% for r in page.rows %}{% endfor %}"), rows);
    // A string that merely says `page.rows` is not a reference.
    assert_eq!(
        page("{{ \"page.rows\" }}{% for r in page.rows %}{{ r.a }}{% endfor %}"),
        rows
    );
    for not_plain in [
        "{%- for r in page.rows %}{{ r.a }}{% endfor %}",
        "{% for r in page.rows -%}{{ r.a }}{% endfor %}",
        "{% for r in page.rows %}{{- r.a }}{% endfor %}",
        "{% for r in page.rows %}{{ r.a }}{%- endfor %}",
        "{% for r in page.rows | reverse %}{{ r.a }}{% endfor %}",
        "{% for k, v in page.rows %}{{ v }}{% endfor %}",
        "{% for r in page.rows %}{{ r.a | upper }}{% endfor %}",
        "{% for r in page.rows %}{{ r.a.b }}{% endfor %}",
        "{% for r in page.rows %}{{ loop.index }}{% endfor %}",
        "{% for r in page.rows %}{{ root }}{% endfor %}",
        "{% for r in page.rows %}{% if r.a %}x{% endif %}{% endfor %}",
        "{% for r in page.rows %}{# note #}{% endfor %}",
        "{% for r in page.rows %}{{ r.a }}{% else %}none{% endfor %}",
        "{% for r in page.rows %}{{ r.a }}",
        "{{ page.rows | length }}{% for r in page.rows %}{{ r.a }}{% endfor %}",
        "{% set all = page %}{% for r in page.rows %}{{ r.a }}{% endfor %}",
        "{{ __tera_context }}{% for r in page.rows %}{{ r.a }}{% endfor %}",
        "{% raw %}x{% endraw %}{% for r in page.rows %}{{ r.a }}{% endfor %}",
    ] {
        assert_eq!(page(not_plain), Vec::<String>::new(), "{not_plain}");
    }
}

#[test]
fn what_shared_templates_read_counts_and_a_template_others_name_is_not_rewritten() {
    let child = (
        "p.html",
        "{% extends \"base.html\" %}{% block content %}{% for r in page.rows %}{{ r.a }}{% endfor %}{% endblock content %}",
    );
    assert_eq!(plain_fields(&[BASE, child], "p.html"), ["rows"]);
    let reading_base = (
        "base.html",
        "{{ page.rows | length }}{% block content %}{% endblock content %}",
    );
    assert!(plain_fields(&[reading_base, child], "p.html").is_empty());
    // A component is called without naming its template: whatever defines one is read too.
    let component = (
        "parts.html",
        "{% component count(items) %}{{ page.rows | length }}{% endcomponent count %}",
    );
    assert!(plain_fields(&[BASE, component, child], "p.html").is_empty());
    // Another page's use of the same field is no concern of this page's.
    let other = ("q.html", "{{ page.rows | length }}");
    assert_eq!(plain_fields(&[BASE, other, child], "p.html"), ["rows"]);
    // A template another includes is rendered with that page's data: never rewritten.
    let includer = ("i.html", "{% include \"p.html\" %}");
    assert!(plain_fields(&[BASE, child, includer], "p.html").is_empty());
}

#[derive(Serialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum Status {
    NotStarted,
}

#[derive(Serialize)]
struct Row {
    text: String,
    count: i64,
    whole: f64,
    minus_zero: f64,
    initial: char,
    status: Status,
    maybe: Option<String>,
    unprinted: Vec<f64>,
}

#[derive(Serialize)]
struct View<R> {
    title: String,
    rows: Vec<R>,
    words: Vec<String>,
}

const PAGE: &str =
    "<h1>{{ page.title }}</h1><table>{% for r in page.rows %}<tr class=\"s-{{ r.status }}\">\
<th>{{ r.text }}</th><td>{{ r.count }}</td><td>{{ r.whole }}</td><td>{{ r.minus_zero }}</td>\
<td title='{{ r.text }}'>{{ r.initial }}{{ r.maybe }}</td></tr>\n{% endfor %}</table>\
<ul>{% for w in page.words %}<li>{{ w }}</li>{% endfor %}</ul>";

fn renderer(page: &str) -> Renderer {
    let mut theme = Theme::default();
    theme.templates.insert("p.html".into(), page.to_string());
    Renderer::with_words(&theme, &Strings::default()).unwrap()
}

/// The page as tera renders the template as written, and as rendered with its plain loops
/// (`None` when the view leaves them to tera).
fn both<T: Serialize>(renderer: &Renderer, view: &T) -> (String, Option<String>) {
    let mut context = tera::Context::new();
    let Ok(TemplateData::Ready(data)) = to_template_data(view) else {
        panic!("a view without maps is ready");
    };
    context.insert_value("page", data);
    let written = renderer.render("p.html", &context).unwrap();
    let loops = renderer.plain_loops("p.html").expect("the loops are plain");
    let plain = to_template_data_with_loops(view, &LoopRun::new(loops)).map(|data| {
        context.insert_value("page", data);
        renderer.render_plain("p.html", &context).unwrap()
    });
    (written, plain)
}

fn row(text: &str, count: i64, whole: f64) -> Row {
    Row {
        text: text.to_string(),
        count,
        whole,
        minus_zero: -0.0,
        initial: text.chars().next().unwrap_or('-'),
        status: Status::NotStarted,
        maybe: Some(format!("{text}?")),
        unprinted: vec![0.5, f64::NAN],
    }
}

#[test]
fn plain_loops_print_exactly_what_tera_prints() {
    let renderer = renderer(PAGE);
    let view = View {
        title: "A & B".into(),
        rows: vec![
            row("<script>\"x\" & 'y'</script>", -3, 24.0),
            row("Ünïcödé — £1,000", i64::MAX, -1e15),
            row("", 0, 0.0),
        ],
        words: vec!["one".into(), "<two>".into(), "it's".into()],
    };
    let (written, plain) = both(&renderer, &view);
    assert_eq!(plain.as_deref(), Some(written.as_str()));
    assert!(written.contains("<th>&lt;script&gt;&quot;x&quot; &amp; &#x27;y&#x27;&lt;/script&gt;</th><td>-3</td><td>24</td><td>0</td>"));
    assert!(written.contains("<tr class=\"s-not_started\">"));
    assert!(written.contains("<li>it&#x27;s</li>"));
    // No rows: both print the loop as nothing.
    let empty: View<Row> = View {
        title: String::new(),
        rows: Vec::new(),
        words: Vec::new(),
    };
    let (written, plain) = both(&renderer, &empty);
    assert_eq!(plain.as_deref(), Some(written.as_str()));
    assert!(written.ends_with("<table></table><ul></ul>"));
}

#[test]
fn rows_a_plain_loop_cannot_print_as_tera_would_are_left_to_tera() {
    let renderer = renderer(PAGE);
    let view = |rows: Vec<Row>| View {
        title: String::new(),
        rows,
        words: Vec::new(),
    };
    // A fraction (tera's own float text), and `none`.
    let fraction = view(vec![row("a", 1, 2.5)]);
    let none = view(vec![Row {
        maybe: None,
        ..row("a", 1, 2.0)
    }]);
    for view in [fraction, none] {
        let (_, plain) = both(&renderer, &view);
        assert_eq!(plain, None);
    }
    // A field the rows lack: tera's error, from the template as written.
    #[derive(Serialize)]
    struct Short {
        text: String,
    }
    let short = View {
        title: String::new(),
        rows: vec![Short { text: "a".into() }],
        words: Vec::new(),
    };
    let loops = renderer.plain_loops("p.html").unwrap();
    assert!(to_template_data_with_loops(&short, &LoopRun::new(loops)).is_none());
    // A view without the field at all.
    #[derive(Serialize)]
    struct NoRows {
        title: String,
        words: Vec<String>,
    }
    let no_rows = NoRows {
        title: String::new(),
        words: Vec::new(),
    };
    assert!(to_template_data_with_loops(&no_rows, &LoopRun::new(loops)).is_none());
}

#[test]
fn a_field_of_the_same_name_deeper_in_the_view_is_data_as_usual() {
    let renderer =
        renderer("{% for r in page.rows %}{{ r }}{% endfor %}|{{ page.inner.rows | length }}");
    #[derive(Serialize)]
    struct Inner {
        rows: Vec<u8>,
    }
    #[derive(Serialize)]
    struct Outer {
        rows: Vec<String>,
        inner: Inner,
    }
    let view = Outer {
        rows: vec!["a".into(), "b".into()],
        inner: Inner {
            rows: vec![1, 2, 3],
        },
    };
    let (written, plain) = both(&renderer, &view);
    assert_eq!(written, "ab|3");
    assert_eq!(plain.as_deref(), Some("ab|3"));
}

#[test]
fn words_that_give_only_their_key_are_folded_in_escaped_as_tera_escapes_them() {
    let mut theme = Theme::default();
    let table = [
        ("a", "Plain words"),
        ("b", "Fish & chips <b>'s\""),
        ("c", "{count} rows"),
        ("d", "a {{ b }}"),
    ];
    theme.strings.insert(
        "en-GB".into(),
        table
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    );
    let words = theme.strings_for("en-GB");
    let source = "{{ words(key=\"a\") }}|{{words( key = 'b' )}}|{{ words(key=\"c\", count=2) }}|\
                  {{ words(key=\"d\") }}|{{- words(key=\"a\") }}|{{ words(key=\"a\") | upper }}|\
                  {{ words(key=\"missing\") }}";
    assert_eq!(
        fold_words(source, &words),
        "Plain words|Fish &amp; chips &lt;b&gt;&#x27;s&quot;|{{ words(key=\"c\", count=2) }}|\
         {{ words(key=\"d\") }}|{{- words(key=\"a\") }}|{{ words(key=\"a\") | upper }}|missing"
    );
    // Folded or called, the page is the same.
    theme.templates.insert(
        "p.html".into(),
        format!("{{% for r in page.rows %}}{{{{ r }}}}{{% endfor %}}|{source}"),
    );
    let renderer = Renderer::with_words(&theme, &words).unwrap();
    #[derive(Serialize)]
    struct V {
        rows: Vec<&'static str>,
    }
    let (written, plain) = both(&renderer, &V { rows: vec!["x"] });
    assert_eq!(plain.as_deref(), Some(written.as_str()));
    assert!(
        written.starts_with("x|Plain words|Fish &amp; chips"),
        "{written}"
    );
}

#[test]
fn a_loop_over_lines_keeps_every_line_break_as_tera_does() {
    let renderer = renderer(
        "<ul>\n{% for w in page.words %}\n  <li>{{ w }}</li>\n{% endfor %}\n</ul>\n\
         {% for r in page.rows %}{{ r.text }}\n{% endfor %}",
    );
    let view = View {
        title: String::new(),
        rows: vec![row("a", 1, 1.0), row("b", 2, 2.0)],
        words: vec!["x".into(), "y".into()],
    };
    let (written, plain) = both(&renderer, &view);
    assert_eq!(plain.as_deref(), Some(written.as_str()));
    assert_eq!(
        written,
        "<ul>\n\n  <li>x</li>\n\n  <li>y</li>\n\n</ul>\na\nb\n"
    );
}
