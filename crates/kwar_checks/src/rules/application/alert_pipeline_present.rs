use kwar_yaml::{parse_document, split_documents};

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Whether alerts are defined and routed to someone, from what the cluster shows:
    /// - alert rules: alerting rules (`alert:`) in `PrometheusRule` (monitoring.coreos.com)
    ///   or `VMRule` (VictoriaMetrics) objects, or in a rules file of a ConfigMap (the
    ///   Prometheus Helm chart's `alerting_rules.yml`);
    /// - routing: the receivers of `AlertmanagerConfig` objects and of Alertmanager
    ///   configuration files kept in ConfigMaps (`alertmanager.yml`). A receiver is
    ///   non-null when it has at least one `*Configs`/`*_configs` entry (email, Slack,
    ///   PagerDuty, Opsgenie, SNS, webhook…); kube-prometheus-stack's default `"null"`
    ///   receiver has none;
    /// - vendor monitors: `DatadogMonitor` objects carry both the rule and its notification.
    ///
    /// On a whole cluster (live, snapshot, or manifests declared `--complete`), on the
    /// Cluster object:
    /// - pass: alert rules exist and a non-null receiver is configured, or Datadog monitors
    ///   exist;
    /// - unknown: alert rules exist, no non-null receiver is visible, and an Alertmanager
    ///   runs whose configuration is in a Secret, whose values kwar never reads (an
    ///   `Alertmanager` object without a global `alertmanagerConfiguration`, a Prometheus
    ///   sending to an Alertmanager, or an `alertmanager` workload without a configuration
    ///   file in a ConfigMap);
    /// - warn: alert rules exist, the whole configuration is visible, and every receiver is
    ///   null (alerts fire into a black hole);
    /// - fail: no alert rule at all, or rules with nothing to route them.
    ///
    /// On manifests alone, a non-null receiver in the same input as alert rules passes on the
    /// object that declares it, and nothing else is concluded. CloudWatch alarms, Amazon
    /// Managed Prometheus rule groups and alert managers, and SNS subscriptions live in the
    /// AWS account and are not visible from the cluster: the fail message says so, and the
    /// item's question covers them.
    ///
    /// ## Why it matters
    /// Metrics and dashboards help only when someone is looking. Without alert rules routed
    /// to an on-call receiver, an outage, a full disk or a certificate about to expire is
    /// discovered by users or not at all; rules that route to a null receiver give the
    /// comfort of alerting without the effect.
    ///
    /// ## How to fix
    /// Route alerts to a receiver someone watches, e.g. with the Prometheus Operator:
    /// ```yaml
    /// apiVersion: monitoring.coreos.com/v1alpha1
    /// kind: AlertmanagerConfig
    /// metadata: {name: on-call, namespace: monitoring}
    /// spec:
    ///   route:
    ///     receiver: pagerduty
    ///     matchers: [{name: severity, value: critical}]
    ///   receivers:
    ///     - name: pagerduty
    ///       pagerdutyConfigs:
    ///         - routingKey: {name: pagerduty, key: routing-key}
    /// ```
    /// or CloudWatch alarms on Container Insights metrics with an SNS topic that has
    /// confirmed subscribers.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/ops_workload_observability_create_alerts.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_monitor_your_applications>
    "alert-pipeline-present",
    run,
    needs = [
        "monitoring.coreos.com/prometheusrules",
        "monitoring.coreos.com/alertmanagerconfigs",
        "monitoring.coreos.com/alertmanagers",
        "monitoring.coreos.com/prometheuses",
        "datadoghq.com/datadogmonitors",
        "configmaps"
    ]
}

/// What the input shows of the alert pipeline.
#[derive(Default)]
struct Pipeline<'a> {
    rules: usize,
    /// An object with a non-null receiver, and the receiver's name.
    receiver: Option<(&'a Object, String)>,
    /// Names of null receivers found (when no non-null one is).
    null_receivers: Vec<String>,
    vendor_monitors: usize,
    /// An Alertmanager configuration file was read from a ConfigMap.
    file_config: bool,
    /// An Alertmanager whose configuration kwar cannot read.
    opaque_alertmanager: Option<String>,
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut p = Pipeline::default();
    for object in cx
        .inv
        .of_kind("PrometheusRule")
        .chain(cx.inv.of_kind("VMRule"))
    {
        if matches!(
            object.api_group(),
            "monitoring.coreos.com" | "operator.victoriametrics.com"
        ) {
            p.rules += alerting_rules(object.spec());
        }
    }
    for config in cx
        .inv
        .of_kind("AlertmanagerConfig")
        .filter(|o| o.api_group() == "monitoring.coreos.com")
    {
        let receivers = config
            .root()
            .at(&["spec", "receivers"])
            .map(Node::items)
            .unwrap_or_default();
        note_receivers(&mut p, config, receivers, "Configs");
    }
    for cm in cx
        .inv
        .of_kind("ConfigMap")
        .filter(|o| o.api_group().is_empty())
    {
        for (key, value) in cm.root().get("data").map(Node::entries).unwrap_or_default() {
            let (Some(key), Some(text)) = (key.as_str(), value.as_str()) else {
                continue;
            };
            let yaml_file =
                key.ends_with(".yml") || key.ends_with(".yaml") || key.ends_with(".rules");
            if !yaml_file && !matches!(key, "alerts" | "rules") {
                continue;
            }
            if text.contains("alert:") {
                if let Some(doc) = parse_yaml(text) {
                    p.rules += alerting_rules(Some(&doc));
                }
            }
            if key.starts_with("alertmanager") && text.contains("receivers") {
                if let Some(doc) = parse_yaml(text) {
                    p.file_config = true;
                    let receivers = doc.get("receivers").map(Node::items).unwrap_or_default();
                    note_receivers(&mut p, cm, receivers, "_configs");
                }
            }
        }
    }
    p.vendor_monitors = cx
        .inv
        .of_kind("DatadogMonitor")
        .filter(|o| o.api_group() == "datadoghq.com")
        .count();
    // The operator builds an Alertmanager's configuration in a Secret, unless a global
    // AlertmanagerConfig is named (which was read above).
    p.opaque_alertmanager = cx
        .inv
        .of_kind("Alertmanager")
        .filter(|o| o.api_group() == "monitoring.coreos.com")
        .find(|o| {
            o.root()
                .at(&["spec", "alertmanagerConfiguration", "name"])
                .is_none()
        })
        .map(|a| format!("Alertmanager `{}`", qualified(a)))
        .or_else(|| {
            cx.inv
                .of_kind("Prometheus")
                .filter(|o| o.api_group() == "monitoring.coreos.com")
                .find(|o| {
                    o.root()
                        .at(&["spec", "alerting", "alertmanagers"])
                        .is_some_and(|a| !a.items().is_empty())
                })
                .map(|o| format!("Prometheus `{}` sends to an Alertmanager", qualified(o)))
        })
        .or_else(|| {
            if p.file_config {
                return None;
            }
            cx.detections
                .get("alerting")
                .and_then(|d| {
                    d.matches
                        .iter()
                        .find(|m| m.signal == kwar_detect::Signal::Workload)
                })
                .map(|m| m.detail.clone())
        });

    let Some(cluster) = cx.whole_cluster() else {
        if p.rules > 0 {
            if let Some((object, _)) = p.receiver {
                out.pass(object);
            }
        }
        return;
    };
    let subject = || Subject::object(cluster);
    if p.vendor_monitors > 0 || (p.rules > 0 && p.receiver.is_some()) {
        out.pass(cluster);
    } else if p.rules == 0 {
        out.fail(
            subject(),
            "no alert rule found (PrometheusRule, VMRule, rules files, DatadogMonitor): nothing \
             alerts on failures; CloudWatch alarms and Amazon Managed Prometheus rules are not \
             visible from the cluster",
        );
    } else if let Some(alertmanager) = &p.opaque_alertmanager {
        out.unknown(
            subject(),
            format!(
                "{} alerting rules exist and {alertmanager} routes them, but its receivers are \
                 configured in a Secret, whose values kwar never reads",
                p.rules
            ),
        );
    } else if !p.null_receivers.is_empty() {
        out.warn(
            subject(),
            format!(
                "{} alerting rules exist, but every receiver found is null ({}): alerts reach \
                 nobody; expected a receiver with an email, chat, paging or webhook config",
                p.rules,
                p.null_receivers.join(", ")
            ),
        );
    } else {
        out.fail(
            subject(),
            format!(
                "{} alerting rules exist but no Alertmanager or receiver routes them: they fire \
                 into nothing; Amazon Managed Prometheus alert managers are not visible from \
                 the cluster",
                p.rules
            ),
        );
    }
}

/// Alerting rules (`alert:`) in a `groups:` document.
fn alerting_rules(spec: Option<&Node>) -> usize {
    spec.and_then(|s| s.get("groups"))
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .flat_map(|g| g.get("rules").map(Node::items).unwrap_or_default())
        .filter(|r| r.get("alert").is_some())
        .count()
}

/// Records the receivers of one configuration; `suffix` is how its notifier lists end
/// (`Configs` in the CRD, `_configs` in Alertmanager's own file).
fn note_receivers<'a>(p: &mut Pipeline<'a>, object: &'a Object, receivers: &[Node], suffix: &str) {
    for receiver in receivers {
        let name = receiver
            .get("name")
            .and_then(Node::scalar_text)
            .unwrap_or_default();
        let notifies = receiver
            .entries()
            .iter()
            .any(|(k, v)| k.as_str().is_some_and(|k| k.ends_with(suffix)) && !v.items().is_empty());
        if notifies {
            if p.receiver.is_none() {
                p.receiver = Some((object, name));
            }
        } else {
            p.null_receivers
                .push(format!("`{name}` in {}", qualified(object)));
        }
    }
}

/// The first document of a YAML text embedded in a ConfigMap.
fn parse_yaml(text: &str) -> Option<Node> {
    let chunk = split_documents(text).into_iter().next()?;
    parse_document(&chunk).documents.into_iter().next()
}

fn qualified(object: &Object) -> String {
    match object.namespace() {
        Some(ns) => format!("{ns}/{}", object.name()),
        None => object.name().to_string(),
    }
}
