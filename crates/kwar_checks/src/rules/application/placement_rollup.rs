use std::collections::BTreeMap;

use kwar_catalog::{Catalog, Severity};
use kwar_inventory::ObjectId;

use crate::prelude::*;
use crate::{find_check, run_checks, CheckDef};

declare_check! {
    /// ## What it checks
    /// One placement verdict per object, rolled up from the checks of the catalog's "Pod
    /// placement" sub-items, which it runs itself with exactly their logic:
    /// - replicas: `no-singleton-pods`, `multiple-replicas`, `pdb-present-and-permissive`,
    ///   `replicas-actually-spread`;
    /// - taints and tolerations: `no-blanket-toleration`, `eviction-toleration-seconds`,
    ///   `dedicated-pools-tainted`;
    /// - affinity: `spread-across-zones`, `hard-constraints-satisfiable`;
    /// - node selectors: `not-pinned-to-host`, `not-pinned-to-single-zone`,
    ///   `selectors-match-nodes`.
    ///
    /// (The list is read from the catalog's `children` of the item, so it follows the
    /// catalog.) For every object one of them evaluated:
    /// - fail: a child check fails on it at high or critical severity;
    /// - warn: a child warns, or fails at a lower severity;
    /// - unknown: a child could not decide and none warns or fails;
    /// - pass: every child that evaluated it passes.
    ///
    /// The message lists the child checks behind the verdict. The child checks keep their
    /// own findings; this roll-up gives the reviewer one line per workload for the topic,
    /// and the agenda review also folds the child items into the parent item. It decides
    /// nothing the children do not: no child evaluated an object, no verdict for it.
    ///
    /// ## Why it matters
    /// Placement is one concern seen from four angles: enough replicas, spread over nodes and
    /// zones, kept off the wrong nodes, and actually schedulable. A workload that passes three
    /// of them and fails the fourth is still one node or zone failure away from an outage.
    ///
    /// ## How to fix
    /// Fix the child findings listed in the message (`kwar explain <check>` for each). The
    /// usual baseline for a stateless service:
    /// ```yaml
    /// spec:
    ///   replicas: 3
    ///   template:
    ///     spec:
    ///       topologySpreadConstraints:
    ///         - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone,
    ///            whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: api}}}
    /// ---
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata: {name: api}
    /// spec: {maxUnavailable: 1, selector: {matchLabels: {app: api}}}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_schedule_replicas_across_nodes>
    /// - <https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/>
    "placement-rollup",
    run
}

/// Child findings named in one message.
const NAMED: usize = 3;

/// What the children said about one object.
#[derive(Default)]
struct Rolled {
    verdict: Option<Verdict>,
    /// (rolled-up verdict, check, severity, message) of the non-passing child results.
    reasons: Vec<(Verdict, &'static str, Severity, String)>,
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let children = child_checks();
    if children.is_empty() {
        return;
    }
    let defs: Vec<&'static CheckDef> = children.iter().map(|(d, _)| *d).collect();
    let severity: BTreeMap<&str, Severity> = children.iter().map(|(d, s)| (d.id, *s)).collect();
    let mut rolled: BTreeMap<ObjectId, Rolled> = BTreeMap::new();
    for outcome in run_checks(cx.inv, cx.detections, cx.params, &defs) {
        let level = severity
            .get(outcome.check)
            .copied()
            .unwrap_or(Severity::Medium);
        for (object, verdict) in &outcome.verdicts {
            let entry = rolled.entry(*object).or_default();
            let mapped = roll_up(*verdict, level);
            entry.verdict = entry.verdict.max(Some(mapped));
        }
        for finding in &outcome.findings {
            rolled
                .entry(finding.subject.object)
                .or_default()
                .reasons
                .push((
                    roll_up(finding.verdict, level),
                    outcome.check,
                    level,
                    finding.message.clone(),
                ));
        }
    }
    for (id, mut r) in rolled {
        let object = cx.inv.object(id);
        let Some(verdict) = r.verdict else {
            continue;
        };
        if verdict == Verdict::Pass {
            out.pass(object);
            continue;
        }
        // Worst first, then in child order.
        r.reasons.sort_by_key(|reason| std::cmp::Reverse(reason.0));
        let mut parts: Vec<String> = r
            .reasons
            .iter()
            .filter(|(v, ..)| *v == verdict)
            .take(NAMED)
            .map(|(_, check, level, message)| format!("{check} ({}): {message}", level.id()))
            .collect();
        let more = r.reasons.iter().filter(|(v, ..)| *v == verdict).count();
        if more > NAMED {
            parts.push(format!("and {} more", more - NAMED));
        }
        let message = format!(
            "{}: placement {}: {}",
            object.display_name(),
            match verdict {
                Verdict::Fail => "fails at high severity",
                Verdict::Warn => "has gaps",
                _ => "could not be fully judged",
            },
            parts.join("; ")
        );
        let subject = Subject::object(object);
        match verdict {
            Verdict::Fail => out.fail(subject, message),
            Verdict::Warn => out.warn(subject, message),
            _ => out.unknown(subject, message),
        }
    }
}

/// A child verdict as the roll-up counts it: only high and critical failures fail.
fn roll_up(verdict: Verdict, severity: Severity) -> Verdict {
    match verdict {
        Verdict::Fail if severity < Severity::High => Verdict::Warn,
        v => v,
    }
}

/// The registered checks of this item's child items, with their catalog severity.
fn child_checks() -> Vec<(&'static CheckDef, Severity)> {
    let catalog = Catalog::embedded();
    let Some(item) = catalog.check("placement-rollup").map(|c| c.item.as_str()) else {
        return Vec::new();
    };
    let Some(item) = catalog.item(item) else {
        return Vec::new();
    };
    catalog
        .checks
        .iter()
        .filter(|c| item.children.contains(&c.item))
        .filter_map(|c| find_check(&c.id).map(|d| (d, c.severity)))
        .collect()
}
