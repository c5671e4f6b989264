//! Custom rules in CEL, the language Kubernetes uses for ValidatingAdmissionPolicy. A rule
//! of kwar.yaml matches objects (kinds, API groups, namespaces, labels) and states, as a CEL
//! expression over `object` and `namespaceObject`, the condition an object must meet to pass.
//! Expressions are compiled when the rules are loaded, so mistakes are reported with their
//! line before any scanning; at run time each object is converted to a CEL value once and
//! every matching rule evaluated on it, objects in parallel.
//!
//! The interpreter is kube-cel (the `cel` crate plus the Kubernetes CEL libraries); it is
//! always used through its `kube_cel::cel` re-export so that only one `cel` is linked.
//! docs/custom-rules.md is the user documentation.

mod rule;

pub use rule::{parse_rules, CustomRule, RuleError, DEFAULT_PILLARS, VARIABLES};

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

use kube_cel::cel::{Context, Value};
use kube_cel::KubeCelExt;
use kwar_catalog::Catalog;
use kwar_checks::{Outcomes, Subject};
use kwar_inventory::{Inventory, Object, UNSPECIFIED_NAMESPACE};
use kwar_report::CheckMeta;
use rayon::prelude::*;

/// The item and area of a rule that names no catalog item.
pub const CUSTOM_ITEM: &str = "custom";

/// What one rule concluded about one object.
enum Conclusion {
    Pass,
    Fail,
    Unknown(String),
}

/// Runs every rule over the objects it matches and returns one `Outcomes` per rule, in rule
/// order. A rule that does not evaluate to a boolean, or fails to evaluate (a missing key, a
/// type mismatch), makes the object `unknown` with the interpreter's message.
pub fn run_rules(rules: &[CustomRule], inv: &Inventory) -> Vec<Outcomes> {
    let mut outcomes: Vec<Outcomes> = rules.iter().map(|r| Outcomes::new(r.check)).collect();
    if rules.is_empty() {
        return outcomes;
    }
    let root = root_context();
    let namespaces = namespace_values(inv);
    // Objects in parallel; per object, the CEL value is built once and shared by its rules.
    let results: Vec<(usize, usize, Conclusion)> = inv
        .objects()
        .par_iter()
        .flat_map_iter(|object| {
            let matching: Vec<usize> = rules
                .iter()
                .enumerate()
                .filter(|(_, r)| r.matcher.matches(object))
                .map(|(i, _)| i)
                .collect();
            let mut concluded = Vec::with_capacity(matching.len());
            if matching.is_empty() {
                return concluded;
            }
            let mut scope = root.new_inner_scope();
            match kube_cel::cel::to_value(object.root().to_json()) {
                Ok(value) => scope.add_variable_from_value("object", value),
                Err(e) => {
                    let why = format!("the object cannot be given to CEL: {e}");
                    concluded.extend(
                        matching
                            .iter()
                            .map(|&r| (r, object.id, Conclusion::Unknown(why.clone()))),
                    );
                    return concluded;
                }
            }
            let namespace_object = namespace_of(object)
                .and_then(|ns| namespaces.get(ns))
                .cloned()
                .unwrap_or(Value::Null);
            scope.add_variable_from_value("namespaceObject", namespace_object);
            for r in matching {
                concluded.push((r, object.id, evaluate(&rules[r], &scope)));
            }
            concluded
        })
        .collect();
    for (r, object, conclusion) in results {
        let rule = &rules[r];
        let object = inv.object(object);
        match conclusion {
            Conclusion::Pass => outcomes[r].pass(object),
            Conclusion::Fail => outcomes[r].fail(Subject::object(object), rule.message.clone()),
            Conclusion::Unknown(why) => outcomes[r].unknown(
                Subject::object(object),
                format!("{} could not be evaluated: {why}", rule.id),
            ),
        }
    }
    outcomes
}

fn evaluate(rule: &CustomRule, scope: &Context<'_>) -> Conclusion {
    // The interpreter is third-party code running user expressions: a panic in it must cost
    // one verdict, not the review.
    match catch_unwind(AssertUnwindSafe(|| rule.program.execute(scope))) {
        Ok(Ok(Value::Bool(true))) => Conclusion::Pass,
        Ok(Ok(Value::Bool(false))) => Conclusion::Fail,
        Ok(Ok(other)) => Conclusion::Unknown(format!(
            "the expression returned a {}, not a bool",
            other.type_of()
        )),
        Ok(Err(e)) => Conclusion::Unknown(e.to_string()),
        Err(_) => Conclusion::Unknown("the CEL interpreter failed on this object".into()),
    }
}

/// The standard functions and every Kubernetes CEL library, built once: registering them is
/// a few hundred allocations.
fn root_context() -> &'static Context<'static> {
    static ROOT: OnceLock<Context<'static>> = OnceLock::new();
    ROOT.get_or_init(|| Context::default().with_all())
}

/// `namespaceObject` per namespace, for the Namespace manifests present in the input.
fn namespace_values(inv: &Inventory) -> HashMap<&str, Value> {
    inv.of_kind("Namespace")
        .filter(|ns| ns.api_group().is_empty())
        .filter_map(|ns| {
            Some((
                ns.name(),
                kube_cel::cel::to_value(ns.root().to_json()).ok()?,
            ))
        })
        .collect()
}

/// The namespace whose Namespace object a rule sees: none for cluster-scoped kinds (as in
/// an admission request), `default` for a namespaced object that names none.
fn namespace_of(object: &Object) -> Option<&str> {
    if let Some(ns) = object.namespace() {
        return Some(ns);
    }
    let kind = object.kind();
    let cluster_scoped = kind.starts_with("Cluster")
        || matches!(
            kind,
            "Namespace"
                | "Node"
                | "PersistentVolume"
                | "StorageClass"
                | "CustomResourceDefinition"
                | "PriorityClass"
                | "RuntimeClass"
                | "IngressClass"
                | "CSIDriver"
                | "APIService"
                | "MutatingWebhookConfiguration"
                | "ValidatingWebhookConfiguration"
                | "ValidatingAdmissionPolicy"
                | "ValidatingAdmissionPolicyBinding"
        );
    (!cluster_scoped).then_some(UNSPECIFIED_NAMESPACE)
}

/// How a report describes a rule: its item (or `custom`), the item's area (or `custom`),
/// the rule's severity and pillars, its message as title, its remediation (or the item's)
/// and the item's references.
pub fn check_meta(rule: &CustomRule) -> CheckMeta {
    let item = rule
        .item
        .as_deref()
        .and_then(|id| Catalog::embedded().item(id));
    CheckMeta {
        id: rule.id.clone(),
        item: item.map_or(CUSTOM_ITEM.to_string(), |i| i.id.clone()),
        area: item.map_or(CUSTOM_ITEM.to_string(), |i| i.area.clone()),
        severity: rule.severity,
        pillars: rule.pillars.clone(),
        title: rule.message.clone(),
        remediation: rule
            .remediation
            .clone()
            .or_else(|| item.map(|i| i.remediation.clone()))
            .unwrap_or_default(),
        references: item.map(|i| i.references.clone()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests;
