//! Components that should no longer be installed — archived projects and services past their
//! end of support (kiam, App Mesh, Kubernetes Service Catalog, AWS Service Operator): how
//! their evidence is gathered and judged, so that every such check treats it alike. It is the
//! mirror image of `presence::component_check`.

use kwar_detect::{Detection, Signal};

use crate::prelude::*;

/// One object showing that a retired component is installed, with what it shows.
pub(crate) struct Evidence<'a> {
    pub object: &'a Object,
    /// For people: `DaemonSet kube-system/kiam-agent`, `CustomResourceDefinition …`.
    pub detail: String,
}

/// Every object a detection matched, each once, in input order.
pub(crate) fn evidence_of<'a>(cx: &Context<'a>, detection: &Detection) -> Vec<Evidence<'a>> {
    let mut found: Vec<Evidence<'a>> = Vec::new();
    for m in &detection.matches {
        if found.iter().all(|e| e.object.id != m.object) {
            found.push(Evidence {
                object: cx.inv.object(m.object),
                detail: m.detail.clone(),
            });
        }
    }
    found
}

/// The archived AWS Service Operator (the predecessor of ACK): its CRDs and custom resources
/// (`*.service-operator.aws`) and its controller Deployment, as the `aws-operators` detector
/// found them (that detector also finds ACK and Crossplane, which are current).
pub(crate) fn aws_service_operator<'a>(cx: &Context<'a>) -> Vec<Evidence<'a>> {
    let Some(detection) = cx.detections.get("aws-operators") else {
        return Vec::new();
    };
    let mut found: Vec<Evidence<'a>> = Vec::new();
    for m in &detection.matches {
        let object = cx.inv.object(m.object);
        let is_aso = match m.signal {
            Signal::Crd | Signal::CustomResource => m.pattern.contains("service-operator.aws"),
            Signal::Workload | Signal::Image => object.name() == "aws-service-operator",
            _ => false,
        };
        if is_aso && found.iter().all(|e| e.object.id != m.object) {
            found.push(Evidence {
                object,
                detail: m.detail.clone(),
            });
        }
    }
    found
}

/// The Kubernetes Service Catalog / Open Service Broker stack (`service-catalog-osb`). The
/// detector also matches Deployments whose name merely contains `catalog-apiserver` (Helm
/// prefixes release names), which an application may well be called: a Deployment counts only
/// when it runs the Service Catalog or AWS Service Broker image; the APIService and CRDs count
/// as they are.
pub(crate) fn service_catalog<'a>(cx: &Context<'a>) -> Vec<Evidence<'a>> {
    let Some(detection) = cx.detections.get("service-catalog-osb") else {
        return Vec::new();
    };
    let runs_catalog = |id| {
        let Some(w) = cx.inv.workload_of(id) else {
            return false;
        };
        w.containers(cx.inv.object(id)).iter().any(|c| {
            c.image().is_some_and(|image| {
                let image = image.to_ascii_lowercase();
                image.contains("service-catalog") || image.contains("servicebroker")
            })
        })
    };
    let mut found: Vec<Evidence<'a>> = Vec::new();
    for m in &detection.matches {
        let counts = match m.signal {
            Signal::Workload | Signal::Image => runs_catalog(m.object),
            _ => true,
        };
        if counts && found.iter().all(|e| e.object.id != m.object) {
            found.push(Evidence {
                object: cx.inv.object(m.object),
                detail: m.detail.clone(),
            });
        }
    }
    found
}

/// At most this many pieces of evidence are named in a message.
const NAMED: usize = 3;

/// `a, b, c and 2 more`.
pub(crate) fn describe(evidence: &[Evidence<'_>]) -> String {
    let mut named: Vec<&str> = evidence
        .iter()
        .take(NAMED)
        .map(|e| e.detail.as_str())
        .collect();
    let more = evidence.len().saturating_sub(NAMED);
    let extra = format!("{more} more");
    if more > 0 {
        named.push(&extra);
    }
    named.join(", ")
}

/// Judges a retired component:
/// - found on a whole cluster: `fail` on the Cluster object, naming the evidence;
/// - found in manifests alone: `fail` on the first object that shows it;
/// - not found on a whole cluster: pass on the Cluster object;
/// - not found in manifests alone: no verdict (manifests cannot show absence).
///
/// `problem` completes the sentence "<what> found (<evidence>): <problem>".
pub(crate) fn judge_retired(
    cx: &Context<'_>,
    out: &mut Outcomes,
    evidence: &[Evidence<'_>],
    what: &str,
    problem: &str,
) {
    let Some(first) = evidence.iter().min_by_key(|e| e.object.id) else {
        if let Some(cluster) = cx.whole_cluster() {
            out.pass(cluster);
        }
        return;
    };
    let message = format!("{what} found ({}): {problem}", describe(evidence));
    match cx.whole_cluster() {
        Some(cluster) => out.fail(Subject::object(cluster), message),
        None => out.fail(Subject::object(first.object), message),
    }
}
