//! Reading the `rules:` list of kwar.yaml into compiled rules.

use std::fmt;

use globset::{GlobBuilder, GlobMatcher};
use kube_cel::cel::common::ast::{Expr, IdedExpr};
use kube_cel::cel::Program;
use kwar_catalog::{Catalog, Pillar, Severity};
use kwar_inventory::{LabelSelector, Object, UNSPECIFIED_NAMESPACE};
use kwar_yaml::{Node, Pos, Value};

/// The variables an expression may use.
pub const VARIABLES: [&str; 2] = ["object", "namespaceObject"];

/// Library namespaces of kube-cel's functions (`format.dns1123Label()`, `math.ceil(x)`…): the
/// parser sees them as identifiers that are the target of a call.
const FUNCTION_NAMESPACES: [&str; 8] = [
    "format",
    "math",
    "sets",
    "strings",
    "base64",
    "lists",
    "optional",
    "jsonpatch",
];

/// Variables of a ValidatingAdmissionPolicy that a manifest review cannot provide.
const ADMISSION_ONLY_VARIABLES: [&str; 6] = [
    "oldObject",
    "request",
    "params",
    "variables",
    "authorizer",
    "self",
];

/// Functions and macros kube-cel parses but cannot evaluate (its "apiserver divergence"
/// list): refusing them at load beats an `unknown` on every object.
const UNSUPPORTED_FUNCTIONS: [&str; 5] = [
    "bind",
    "sortBy",
    "transformList",
    "transformMap",
    "transformMapEntry",
];

const RULE_KEYS: [&str; 9] = [
    "id",
    "match",
    "expression",
    "message",
    "severity",
    "pillars",
    "item",
    "remediation",
    "description",
];

const MATCH_KEYS: [&str; 5] = [
    "kinds",
    "apiGroups",
    "namespaces",
    "excludeNamespaces",
    "labelSelector",
];

/// Pillars of a rule that names neither `pillars` nor an `item`: most organisation rules
/// written as admission policies are guardrails (registries, privileges, ownership).
pub const DEFAULT_PILLARS: [Pillar; 1] = [Pillar::Security];

/// A custom rule of kwar.yaml, compiled.
#[derive(Debug)]
pub struct CustomRule {
    /// `custom:<id>`.
    pub id: String,
    /// The result message of an object that fails.
    pub message: String,
    pub severity: Severity,
    pub pillars: Vec<Pillar>,
    /// The catalog item the rule serves, when it names one.
    pub item: Option<String>,
    pub remediation: Option<String>,
    /// The CEL expression as written: true means the object passes.
    pub expression: String,
    /// Where the rule is declared (`kwar.yaml:12:5`).
    pub defined_at: String,
    pub(crate) matcher: RuleMatch,
    pub(crate) program: Program,
    /// The id with a `'static` lifetime, as `kwar_checks::Outcomes` wants (see `leak_id`).
    pub(crate) check: &'static str,
}

/// A problem in the `rules:` list, at its place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl RuleError {
    fn at(pos: Pos, message: impl Into<String>) -> RuleError {
        RuleError {
            line: pos.line,
            column: pos.col,
            message: message.into(),
        }
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for RuleError {}

/// Which objects a rule applies to. Empty lists match everything.
#[derive(Debug, Default)]
pub(crate) struct RuleMatch {
    kinds: Vec<String>,
    api_groups: Vec<String>,
    namespaces: Vec<GlobMatcher>,
    exclude_namespaces: Vec<GlobMatcher>,
    label_selector: Option<LabelSelector>,
}

impl RuleMatch {
    pub(crate) fn matches(&self, object: &Object) -> bool {
        let any = |list: &[String], value: &str| {
            list.is_empty() || list.iter().any(|x| x == "*" || x == value)
        };
        if !any(&self.kinds, object.kind()) || !any(&self.api_groups, object.api_group()) {
            return false;
        }
        let namespace = match_namespace(object);
        if !self.namespaces.is_empty() && !self.namespaces.iter().any(|g| g.is_match(namespace)) {
            return false;
        }
        if self
            .exclude_namespaces
            .iter()
            .any(|g| g.is_match(namespace))
        {
            return false;
        }
        self.label_selector
            .as_ref()
            .is_none_or(|s| s.matches(object.labels()))
    }
}

/// The namespace an object is matched by: the one it names, `default` when it names none
/// (what `kubectl apply` does), and a Namespace's own name.
fn match_namespace(object: &Object) -> &str {
    if object.kind() == "Namespace" && object.api_group().is_empty() {
        object.name()
    } else {
        object.namespace().unwrap_or(UNSPECIFIED_NAMESPACE)
    }
}

/// Leaks a rule id so that it lives as long as the process: `Outcomes.check` is a
/// `&'static str` because built-in check ids are literals. kwar is a short-lived command and
/// leaks each rule id once, when the rules are loaded, so the cost is a few bytes per rule.
fn leak_id(id: &str) -> &'static str {
    Box::leak(id.to_string().into_boxed_str())
}

/// Reads and compiles the `rules:` sequence of a config file (or a rule pack). Every problem
/// is reported, each at its line and column; `file` names the file in the rules'
/// `defined_at`.
pub fn parse_rules(node: &Node, file: &str) -> Result<Vec<CustomRule>, Vec<RuleError>> {
    let mut errors = Vec::new();
    let mut rules: Vec<CustomRule> = Vec::new();
    let items = match &node.value {
        Value::Seq(items) => items.as_slice(),
        Value::Null => &[],
        _ => {
            return Err(vec![RuleError::at(
                node.pos,
                "`rules` must be a list of rules (`- id: …`)",
            )])
        }
    };
    for item in items {
        let before = errors.len();
        if let Some(rule) = parse_rule(item, file, &mut errors) {
            if let Some(first) = rules.iter().find(|r| r.id == rule.id) {
                errors.push(RuleError::at(
                    item.get("id").map_or(item.pos, |n| n.pos),
                    format!(
                        "rule `{}` is declared twice (first at {})",
                        rule.id, first.defined_at
                    ),
                ));
            } else if errors.len() == before {
                rules.push(rule);
            }
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

fn parse_rule(node: &Node, file: &str, errors: &mut Vec<RuleError>) -> Option<CustomRule> {
    if !node.is_map() {
        errors.push(RuleError::at(
            node.pos,
            "a rule is a mapping with at least `id` and `expression`",
        ));
        return None;
    }
    unknown_keys(node, &RULE_KEYS, "rule", errors);
    let catalog = Catalog::embedded();

    let id = match required_text(node, "id", errors) {
        Some((text, pos)) => {
            let bare = text.strip_prefix("custom:").unwrap_or(&text);
            let valid = !bare.is_empty()
                && bare
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !bare.starts_with('-');
            if !valid {
                errors.push(RuleError::at(
                    pos,
                    format!(
                        "rule id `{text}` must be lowercase letters, digits and dashes (e.g. `ecr-only`); kwar prefixes it with `custom:`"
                    ),
                ));
            }
            format!("custom:{bare}")
        }
        None => String::new(),
    };

    let item = optional_text(node, "item", errors).map(|(text, pos)| {
        if catalog.item(&text).is_none() {
            errors.push(RuleError::at(
                pos,
                format!("unknown catalog item `{text}` (`kwar rules` shows each check's item)"),
            ));
        }
        text
    });

    let severity = match optional_text(node, "severity", errors) {
        Some((text, pos)) => Severity::from_id(&text).unwrap_or_else(|| {
            errors.push(RuleError::at(
                pos,
                format!("unknown severity `{text}`: use critical, high, medium, low or info"),
            ));
            Severity::Medium
        }),
        None => Severity::Medium,
    };

    let pillars = match node.get("pillars") {
        Some(list) => parse_pillars(list, errors),
        None => item
            .as_deref()
            .and_then(|id| catalog.item(id))
            .map(|it| it.pillars.clone())
            .unwrap_or_else(|| DEFAULT_PILLARS.to_vec()),
    };

    let matcher = match node.get("match") {
        Some(m) => parse_match(m, errors),
        None => RuleMatch::default(),
    };

    let expression = required_text(node, "expression", errors);
    let program = expression
        .as_ref()
        .and_then(|(text, _)| compile(text, node.get("expression")?.pos, errors));

    let message = optional_text(node, "message", errors)
        .map(|(text, _)| text)
        .unwrap_or_else(|| match &expression {
            Some((text, _)) => format!("the rule's expression is false: {}", text.trim()),
            None => String::new(),
        });
    let remediation = optional_text(node, "remediation", errors).map(|(text, _)| text);
    let (expression, _) = expression?;
    let program = program?;
    Some(CustomRule {
        check: leak_id(&id),
        id,
        message,
        severity,
        pillars,
        item,
        remediation,
        expression,
        defined_at: format!("{file}:{}:{}", node.pos.line, node.pos.col),
        matcher,
        program,
    })
}

fn parse_pillars(list: &Node, errors: &mut Vec<RuleError>) -> Vec<Pillar> {
    let items: Vec<&Node> = match &list.value {
        Value::Seq(items) => items.iter().collect(),
        Value::Str(_) => vec![list],
        _ => {
            errors.push(RuleError::at(list.pos, "`pillars` must be a list"));
            return Vec::new();
        }
    };
    let mut pillars = Vec::new();
    for p in items {
        let name = p.scalar_text().unwrap_or_default();
        match Pillar::from_id(&name) {
            Some(pillar) if !pillars.contains(&pillar) => pillars.push(pillar),
            Some(_) => {}
            None => errors.push(RuleError::at(
                p.pos,
                format!(
                    "unknown pillar `{name}`: use security, reliability, performance, cost or operational-excellence"
                ),
            )),
        }
    }
    if pillars.is_empty() && errors.is_empty() {
        errors.push(RuleError::at(
            list.pos,
            "`pillars` must name at least one pillar",
        ));
    }
    pillars
}

fn parse_match(node: &Node, errors: &mut Vec<RuleError>) -> RuleMatch {
    if !node.is_map() {
        errors.push(RuleError::at(
            node.pos,
            "`match` must be a mapping (kinds, apiGroups, namespaces, excludeNamespaces, labelSelector)",
        ));
        return RuleMatch::default();
    }
    unknown_keys(node, &MATCH_KEYS, "match", errors);
    let globs = |key: &str, errors: &mut Vec<RuleError>| -> Vec<GlobMatcher> {
        string_list(node, key, errors)
            .into_iter()
            .filter_map(|(text, pos)| match GlobBuilder::new(&text).build() {
                Ok(glob) => Some(glob.compile_matcher()),
                Err(e) => {
                    errors.push(RuleError::at(
                        pos,
                        format!("bad glob `{text}`: {}", e.kind()),
                    ));
                    None
                }
            })
            .collect()
    };
    let namespaces = globs("namespaces", errors);
    let exclude_namespaces = globs("excludeNamespaces", errors);
    let label_selector = node
        .get("labelSelector")
        .and_then(|s| parse_label_selector(s, errors));
    RuleMatch {
        kinds: string_list(node, "kinds", errors)
            .into_iter()
            .map(|(t, _)| t)
            .collect(),
        api_groups: string_list(node, "apiGroups", errors)
            .into_iter()
            .map(|(t, _)| t)
            .collect(),
        namespaces,
        exclude_namespaces,
        label_selector,
    }
}

/// A `metav1.LabelSelector`, validated here (the inventory's reader skips what it does not
/// understand, which is right for manifests and wrong for a rule someone is writing).
fn parse_label_selector(node: &Node, errors: &mut Vec<RuleError>) -> Option<LabelSelector> {
    if !node.is_map() {
        errors.push(RuleError::at(
            node.pos,
            "`labelSelector` must be a mapping with matchLabels and/or matchExpressions",
        ));
        return None;
    }
    unknown_keys(
        node,
        &["matchLabels", "matchExpressions"],
        "labelSelector",
        errors,
    );
    if let Some(labels) = node.get("matchLabels") {
        if !labels.is_map() {
            errors.push(RuleError::at(labels.pos, "`matchLabels` must be a mapping"));
        }
    }
    for expr in node
        .get("matchExpressions")
        .map(Node::items)
        .unwrap_or_default()
    {
        unknown_keys(
            expr,
            &["key", "operator", "values"],
            "matchExpressions item",
            errors,
        );
        let operator = expr.get("operator").and_then(Node::as_str);
        if !matches!(operator, Some("In" | "NotIn" | "Exists" | "DoesNotExist")) {
            errors.push(RuleError::at(
                expr.get("operator").map_or(expr.pos, |n| n.pos),
                "`operator` must be In, NotIn, Exists or DoesNotExist",
            ));
        }
        if expr.get("key").and_then(Node::scalar_text).is_none() {
            errors.push(RuleError::at(expr.pos, "a match expression needs a `key`"));
        }
    }
    Some(LabelSelector::from_label_selector(node))
}

/// Parses the expression and refuses what kube-cel would only reject on every object:
/// unknown variables and its unsupported macros.
fn compile(text: &str, pos: Pos, errors: &mut Vec<RuleError>) -> Option<Program> {
    let program = match Program::compile(text) {
        Ok(program) => program,
        Err(parse) => {
            for e in &parse.errors {
                errors.push(RuleError::at(
                    pos,
                    format!(
                        "CEL syntax error at {}:{} of the expression: {}",
                        e.pos.0, e.pos.1, e.msg
                    ),
                ));
            }
            if parse.errors.is_empty() {
                errors.push(RuleError::at(pos, "CEL syntax error"));
            }
            return None;
        }
    };
    let mut problems = Vec::new();
    check_references(program.expression(), &mut Vec::new(), &mut problems);
    problems.sort();
    problems.dedup();
    if problems.is_empty() {
        Some(program)
    } else {
        errors.extend(problems.into_iter().map(|m| RuleError::at(pos, m)));
        None
    }
}

/// Walks the expression with the comprehension variables in scope (`c` in `all(c, …)`) and
/// reports identifiers that are neither declared nor a function library.
fn check_references<'e>(expr: &'e IdedExpr, scope: &mut Vec<&'e str>, problems: &mut Vec<String>) {
    match &expr.expr {
        Expr::Ident(name) => {
            if name.starts_with('@') || scope.contains(&name.as_str()) {
                return;
            }
            if VARIABLES.contains(&name.as_str()) {
                return;
            }
            problems.push(if ADMISSION_ONLY_VARIABLES.contains(&name.as_str()) {
                format!(
                    "`{name}` is an admission-time variable; a manifest review has only `object` and `namespaceObject`"
                )
            } else {
                format!(
                    "undeclared reference to `{name}`: the variables are `object` and `namespaceObject`"
                )
            });
        }
        Expr::Call(call) => {
            if UNSUPPORTED_FUNCTIONS.contains(&call.func_name.as_str()) {
                let name = match call.target.as_deref().map(|t| &t.expr) {
                    Some(Expr::Ident(target)) => format!("{target}.{}", call.func_name),
                    _ => call.func_name.clone(),
                };
                problems.push(format!(
                    "`{name}` is not supported by kube-cel, kwar's CEL interpreter (see docs/custom-rules.md)"
                ));
                return;
            }
            if matches!(
                call.func_name.as_str(),
                "all" | "exists" | "exists_one" | "existsOne"
            ) && call.args.len() == 3
            {
                problems.push(format!(
                    "the two-variable form of `{}` is not supported by kube-cel; iterate over the list or the map's keys",
                    call.func_name
                ));
                return;
            }
            match call.target.as_deref() {
                Some(IdedExpr {
                    expr: Expr::Ident(target),
                    ..
                }) if FUNCTION_NAMESPACES.contains(&target.as_str()) => {}
                Some(target) => check_references(target, scope, problems),
                None => {}
            }
            for arg in &call.args {
                check_references(arg, scope, problems);
            }
        }
        Expr::Comprehension(comp) => {
            check_references(&comp.iter_range, scope, problems);
            check_references(&comp.accu_init, scope, problems);
            let depth = scope.len();
            scope.push(&comp.iter_var);
            if let Some(second) = &comp.iter_var2 {
                scope.push(second);
            }
            scope.push(&comp.accu_var);
            check_references(&comp.loop_cond, scope, problems);
            check_references(&comp.loop_step, scope, problems);
            scope.truncate(depth);
            scope.push(&comp.accu_var);
            check_references(&comp.result, scope, problems);
            scope.truncate(depth);
        }
        Expr::List(list) => {
            for e in &list.elements {
                check_references(e, scope, problems);
            }
        }
        Expr::Map(map) => {
            for entry in &map.entries {
                entry_references(&entry.expr, scope, problems);
            }
        }
        Expr::Struct(s) => {
            for entry in &s.entries {
                entry_references(&entry.expr, scope, problems);
            }
        }
        Expr::Select(select) => check_references(&select.operand, scope, problems),
        Expr::Literal(_) | Expr::Unspecified => {}
    }
}

fn entry_references<'e>(
    entry: &'e kube_cel::cel::common::ast::EntryExpr,
    scope: &mut Vec<&'e str>,
    problems: &mut Vec<String>,
) {
    use kube_cel::cel::common::ast::EntryExpr;
    match entry {
        EntryExpr::StructField(field) => check_references(&field.value, scope, problems),
        EntryExpr::MapEntry(entry) => {
            check_references(&entry.key, scope, problems);
            check_references(&entry.value, scope, problems);
        }
    }
}

fn unknown_keys(node: &Node, known: &[&str], what: &str, errors: &mut Vec<RuleError>) {
    for (key, _) in node.entries() {
        let name = key.as_str().unwrap_or_default();
        if !known.contains(&name) {
            errors.push(RuleError::at(
                key.pos,
                format!(
                    "unknown key `{name}` in {what} (known: {})",
                    known.join(", ")
                ),
            ));
        }
    }
}

/// A string field; numbers and booleans are refused (a rule's text is never one).
fn optional_text(node: &Node, key: &str, errors: &mut Vec<RuleError>) -> Option<(String, Pos)> {
    let value = node.get(key)?;
    match value.as_str() {
        Some(text) => Some((text.to_string(), value.pos)),
        None => {
            errors.push(RuleError::at(
                value.pos,
                format!("`{key}` must be a string"),
            ));
            None
        }
    }
}

fn required_text(node: &Node, key: &str, errors: &mut Vec<RuleError>) -> Option<(String, Pos)> {
    if node.get(key).is_none() {
        errors.push(RuleError::at(node.pos, format!("a rule needs `{key}`")));
        return None;
    }
    optional_text(node, key, errors)
}

fn string_list(node: &Node, key: &str, errors: &mut Vec<RuleError>) -> Vec<(String, Pos)> {
    let Some(list) = node.get(key) else {
        return Vec::new();
    };
    let items: Vec<&Node> = match &list.value {
        Value::Seq(items) => items.iter().collect(),
        // `kinds: Deployment` is read as a one-element list.
        Value::Str(_) => vec![list],
        _ => {
            errors.push(RuleError::at(
                list.pos,
                format!("`{key}` must be a list of strings"),
            ));
            return Vec::new();
        }
    };
    items
        .into_iter()
        .filter_map(|n| match n.as_str() {
            Some(text) => Some((text.to_string(), n.pos)),
            None => {
                errors.push(RuleError::at(
                    n.pos,
                    format!("`{key}` must be a list of strings"),
                ));
                None
            }
        })
        .collect()
}
