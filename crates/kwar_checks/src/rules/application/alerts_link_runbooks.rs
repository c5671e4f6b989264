use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// The alerting rules of every `PrometheusRule` (monitoring.coreos.com) in the input, in
    /// any namespace — the rules with an `alert:` name in `spec.groups[].rules[]` (recording
    /// rules are ignored). A rule links a runbook when its `annotations.runbook_url` (the
    /// kube-prometheus convention) or `annotations.runbook` is a non-empty string.
    /// - pass: at least 90% of the object's alerting rules link a runbook;
    /// - warn: fewer do (the message names the first rules without one);
    /// - fail: alerting rules exist in the input and not a single one links a runbook — then
    ///   every PrometheusRule with alerting rules fails.
    ///
    /// The verdict is given per PrometheusRule object, so that the finding points at the
    /// rules to fix; the fail condition is judged over the whole input, as the catalog states
    /// it. PrometheusRules without alerting rules are not evaluated. This works on manifests
    /// as well as on a cluster: the rules are the evidence.
    ///
    /// ## Why it matters
    /// An alert wakes someone up; the runbook tells them what it means and what to do.
    /// Without the link, the responder starts from the alert name at 3 a.m., diagnosis takes
    /// longer, and the knowledge stays with whoever wrote the rule.
    ///
    /// ## How to fix
    /// Add a `runbook_url` annotation to each alerting rule, pointing at a versioned runbook:
    /// ```yaml
    /// apiVersion: monitoring.coreos.com/v1
    /// kind: PrometheusRule
    /// metadata: {name: shop-api, namespace: shop}
    /// spec:
    ///   groups:
    ///     - name: shop-api
    ///       rules:
    ///         - alert: ShopApiHighErrorRate
    ///           expr: sum(rate(http_requests_total{job="api",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m])) > 0.05
    ///           for: 10m
    ///           labels: {severity: page}
    ///           annotations:
    ///             summary: More than 5% of API requests fail
    ///             runbook_url: https://runbooks.example.com/shop/api-high-error-rate
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/ops_ready_to_support_use_runbooks.html>
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/ops_ready_to_support_use_playbooks.html>
    "alerts-link-runbooks",
    run,
    needs = ["monitoring.coreos.com/prometheusrules"]
}

/// Share of alerting rules that must link a runbook.
const THRESHOLD: f64 = 0.9;

/// Rules named in a message before "and N more".
const NAMED: usize = 5;

struct Rules<'a> {
    object: &'a Object,
    total: usize,
    /// Alert names without a runbook, with their node.
    missing: Vec<(String, &'a Node, String)>,
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut all: Vec<Rules<'_>> = Vec::new();
    for object in cx
        .inv
        .of_kind("PrometheusRule")
        .filter(|o| o.api_group() == "monitoring.coreos.com")
    {
        let mut rules = Rules {
            object,
            total: 0,
            missing: Vec::new(),
        };
        let groups = object
            .root()
            .at(&["spec", "groups"])
            .map(Node::items)
            .unwrap_or_default();
        for (g, group) in groups.iter().enumerate() {
            let items = group.get("rules").map(Node::items).unwrap_or_default();
            for (r, rule) in items.iter().enumerate() {
                let Some(alert) = rule.get("alert").and_then(Node::scalar_text) else {
                    continue;
                };
                rules.total += 1;
                let linked = ["runbook_url", "runbook"].iter().any(|k| {
                    rule.at(&["annotations", k])
                        .and_then(Node::as_str)
                        .is_some_and(|v| !v.trim().is_empty())
                });
                if !linked {
                    rules
                        .missing
                        .push((alert, rule, format!("spec.groups[{g}].rules[{r}]")));
                }
            }
        }
        if rules.total > 0 {
            all.push(rules);
        }
    }
    let total: usize = all.iter().map(|r| r.total).sum();
    let missing: usize = all.iter().map(|r| r.missing.len()).sum();
    let none_linked = total > 0 && missing == total;
    for rules in all {
        let object = rules.object;
        let linked = rules.total - rules.missing.len();
        let Some((_, node, path)) = rules
            .missing
            .first()
            .filter(|_| (linked as f64) < THRESHOLD * rules.total as f64)
        else {
            out.pass(object);
            continue;
        };
        let mut names: Vec<String> = rules
            .missing
            .iter()
            .take(NAMED)
            .map(|(a, _, _)| format!("`{a}`"))
            .collect();
        if rules.missing.len() > NAMED {
            names.push(format!("and {} more", rules.missing.len() - NAMED));
        }
        let subject = Subject::object(object).at(format!("{path}.annotations"), Some(node));
        let who = format!(
            "PrometheusRule `{}`",
            object
                .namespace()
                .map_or(object.name().to_string(), |ns| format!(
                    "{ns}/{}",
                    object.name()
                ))
        );
        if none_linked {
            out.fail(
                subject,
                format!(
                    "{who}: none of its {} alerting rules has annotations.runbook_url, and no \
                     alerting rule in the input links a runbook ({})",
                    rules.total,
                    names.join(", ")
                ),
            );
        } else {
            out.warn(
                subject,
                format!(
                    "{who}: {} of its {} alerting rules have no annotations.runbook_url ({}); \
                     expected at least 90% to link a runbook",
                    rules.missing.len(),
                    rules.total,
                    names.join(", ")
                ),
            );
        }
    }
}
