//! Refuses templates that would recurse for ever: an include, extends or macro call that reaches
//! itself again. Tera has no depth limit, so such a template would overflow the stack and abort
//! the build without a word; this finds the cycle before anything renders and names it.

use std::collections::{BTreeMap, BTreeSet};
use tera::ast::{Expr, ExprVal, Node};
use tera::Tera;

/// A template, or a macro of a template file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Template(String),
    Macro(String, String),
}

impl Unit {
    fn describe(&self) -> String {
        match self {
            Unit::Template(name) => name.clone(),
            Unit::Macro(file, name) => format!("{file} (macro {name})"),
        }
    }
}

/// What a body calls: templates it includes or extends, and macros by namespace.
#[derive(Default)]
struct Calls {
    templates: Vec<String>,
    macros: Vec<(String, String)>,
}

fn walk_expr(expr: &Expr, calls: &mut Calls) {
    for filter in &expr.filters {
        filter.args.values().for_each(|e| walk_expr(e, calls));
    }
    walk_val(&expr.val, calls);
}

fn walk_val(val: &ExprVal, calls: &mut Calls) {
    match val {
        ExprVal::Math(m) => {
            walk_expr(&m.lhs, calls);
            walk_expr(&m.rhs, calls);
        }
        ExprVal::Logic(l) => {
            walk_expr(&l.lhs, calls);
            walk_expr(&l.rhs, calls);
        }
        ExprVal::In(i) => {
            walk_expr(&i.lhs, calls);
            walk_expr(&i.rhs, calls);
        }
        ExprVal::Test(t) => t.args.iter().for_each(|e| walk_expr(e, calls)),
        ExprVal::MacroCall(m) => {
            calls.macros.push((m.namespace.clone(), m.name.clone()));
            m.args.values().for_each(|e| walk_expr(e, calls));
        }
        ExprVal::FunctionCall(f) => f.args.values().for_each(|e| walk_expr(e, calls)),
        ExprVal::Array(items) => items.iter().for_each(|e| walk_expr(e, calls)),
        ExprVal::StringConcat(s) => s.values.iter().for_each(|v| walk_val(v, calls)),
        ExprVal::String(_)
        | ExprVal::Int(_)
        | ExprVal::Float(_)
        | ExprVal::Bool(_)
        | ExprVal::Ident(_) => {}
    }
}

fn walk_nodes(nodes: &[Node], calls: &mut Calls) {
    for node in nodes {
        match node {
            Node::VariableBlock(_, e) => walk_expr(e, calls),
            Node::Extends(_, name) => calls.templates.push(name.clone()),
            Node::Include(_, names, _) => calls.templates.extend(names.iter().cloned()),
            Node::Set(_, set) => walk_expr(&set.value, calls),
            Node::FilterSection(_, section, _) => {
                section
                    .filter
                    .args
                    .values()
                    .for_each(|e| walk_expr(e, calls));
                walk_nodes(&section.body, calls);
            }
            Node::Block(_, block, _) => walk_nodes(&block.body, calls),
            Node::Forloop(_, l, _) => {
                walk_expr(&l.container, calls);
                walk_nodes(&l.body, calls);
                if let Some(empty) = &l.empty_body {
                    walk_nodes(empty, calls);
                }
            }
            Node::If(i, _) => {
                for (_, cond, body) in &i.conditions {
                    walk_expr(cond, calls);
                    walk_nodes(body, calls);
                }
                if let Some((_, body)) = &i.otherwise {
                    walk_nodes(body, calls);
                }
            }
            // A macro's body is its own unit, reached only by calling it.
            Node::MacroDefinition(..)
            | Node::Super
            | Node::Text(_)
            | Node::ImportMacro(..)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }
}

/// Every unit's callees.
fn graph(tera: &Tera) -> BTreeMap<Unit, Vec<Unit>> {
    let mut edges: BTreeMap<Unit, Vec<Unit>> = BTreeMap::new();
    let names: Vec<String> = tera.get_template_names().map(str::to_string).collect();
    for name in names {
        let Ok(template) = tera.get_template(&name) else {
            continue;
        };
        let resolve = |calls: Calls| -> Vec<Unit> {
            let mut out: Vec<Unit> = calls.templates.into_iter().map(Unit::Template).collect();
            for (namespace, macro_name) in calls.macros {
                let file = if namespace == "self" {
                    Some(name.clone())
                } else {
                    template
                        .imported_macro_files
                        .iter()
                        .find(|(_, ns)| *ns == namespace)
                        .map(|(file, _)| file.clone())
                };
                if let Some(file) = file {
                    out.push(Unit::Macro(file, macro_name));
                }
            }
            out
        };
        let mut calls = Calls::default();
        walk_nodes(&template.ast, &mut calls);
        edges.insert(Unit::Template(name.clone()), resolve(calls));
        for (macro_name, definition) in &template.macros {
            let mut calls = Calls::default();
            for default in definition.args.values().flatten() {
                walk_expr(default, &mut calls);
            }
            walk_nodes(&definition.body, &mut calls);
            edges.insert(
                Unit::Macro(name.clone(), macro_name.clone()),
                resolve(calls),
            );
        }
    }
    for callees in edges.values_mut() {
        callees.sort();
        callees.dedup();
    }
    edges
}

/// The first cycle of includes, extends and macro calls, as `a.html → b.html → a.html`.
pub(super) fn find_cycle(tera: &Tera) -> Option<String> {
    let edges = graph(tera);
    let mut done: BTreeSet<&Unit> = BTreeSet::new();
    for start in edges.keys() {
        if done.contains(start) {
            continue;
        }
        // Depth-first, with an explicit stack (a hostile theme must not overflow this one).
        let mut path: Vec<&Unit> = vec![start];
        let mut next: Vec<usize> = vec![0];
        let mut on_path: BTreeSet<&Unit> = [start].into();
        while let Some(unit) = path.last().copied() {
            let i = next.last_mut().expect("as long as path");
            let callees = edges.get(unit).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(callee) = callees.get(*i) {
                *i += 1;
                if on_path.contains(callee) {
                    let from = path.iter().position(|u| *u == callee).unwrap_or(0);
                    let mut names: Vec<String> =
                        path[from..].iter().map(|u| u.describe()).collect();
                    names.push(callee.describe());
                    return Some(names.join(" → "));
                }
                if !done.contains(callee) {
                    if let Some((key, _)) = edges.get_key_value(callee) {
                        path.push(key);
                        next.push(0);
                        on_path.insert(key);
                    }
                }
            } else {
                done.insert(unit);
                on_path.remove(unit);
                path.pop();
                next.pop();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(templates: &[(&str, &str)]) -> Tera {
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.to_vec()).unwrap();
        tera
    }

    #[test]
    fn includes_and_macros_that_reach_themselves_are_found() {
        let t = tera(&[
            ("a.html", "{% include \"b.html\" %}"),
            ("b.html", "x{% include \"a.html\" %}"),
        ]);
        assert_eq!(find_cycle(&t).unwrap(), "a.html → b.html → a.html");
        let t = tera(&[(
            "m.html",
            "{% macro down(n) %}{% if n > 0 %}{{ self::down(n=n - 1) }}{% endif %}{% endmacro down %}",
        )]);
        assert_eq!(
            find_cycle(&t).unwrap(),
            "m.html (macro down) → m.html (macro down)"
        );
        let t = tera(&[
            ("m.html", "{% macro ping() %}{{ self::pong() }}{% endmacro ping %}{% macro pong() %}{% for x in [1] %}{{ self::ping() }}{% endfor %}{% endmacro pong %}"),
            ("page.html", "{% import \"m.html\" as m %}{{ m::ping() }}"),
        ]);
        assert_eq!(
            find_cycle(&t).unwrap(),
            "m.html (macro ping) → m.html (macro pong) → m.html (macro ping)"
        );
    }

    #[test]
    fn the_default_theme_has_no_cycle() {
        let t = tera(&[
            ("m.html", "{% macro a() %}A{% endmacro a %}{% macro b() %}{{ self::a() }}{% endmacro b %}"),
            ("base.html", "{% block main %}{% endblock main %}"),
            ("page.html", "{% extends \"base.html\" %}{% import \"m.html\" as m %}{% block main %}{{ m::b() }}{% include \"part.html\" %}{% endblock main %}"),
            ("part.html", "{% import \"m.html\" as m %}{{ m::a() }}"),
        ]);
        assert_eq!(find_cycle(&t), None);
    }
}
