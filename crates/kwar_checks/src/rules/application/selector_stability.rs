use std::sync::LazyLock;

use regex::Regex;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// The `spec.selector` of every Deployment and StatefulSet (in any namespace) contains no
    /// label that changes from one release to the next. It fails when the selector's
    /// `matchLabels`, or a `matchExpressions` entry with operator `In`, uses:
    /// - a per-release key: `app.kubernetes.io/version`, `helm.sh/chart`, `chart`, `version`,
    ///   `pod-template-hash`, `controller-revision-hash`, or a key named (after any prefix)
    ///   `version`, `*-version`, `commit`, `git-commit`, `git-sha`, `sha`, `revision`, `build`,
    ///   `build-id` or `image-tag`;
    /// - or any key whose value looks like a release: a semantic version (`1.4.2`, `v2.0.1`) or
    ///   a full 40-character commit hash.
    ///
    /// A value that is part of the object's own name is treated as part of its identity, not as
    /// a release: Istio's Bookinfo runs `reviews-v1` and `reviews-v2` as separate Deployments
    /// with `version: v1` / `version: v2` in their selectors, and that is stable. When the
    /// selector is absent (only valid in the pre-`apps/v1` APIs), it defaults to the pod template
    /// labels, which are then checked.
    ///
    /// ## Why it matters
    /// The selector of a Deployment or StatefulSet is immutable since `apps/v1`. When it holds
    /// the version, the next release changes it and `kubectl apply`, Helm or Argo CD fail with
    /// "field is immutable"; the only way out is deleting and recreating the workload, which is
    /// an outage. With older APIs where the change was accepted, the new selector orphaned the
    /// old pods instead of replacing them.
    ///
    /// ## How to fix
    /// Select on stable identity labels only, and keep the version on the pod template:
    /// ```yaml
    /// spec:
    ///   selector:
    ///     matchLabels: {app.kubernetes.io/name: web, app.kubernetes.io/instance: web}
    ///   template:
    ///     metadata:
    ///       labels:
    ///         app.kubernetes.io/name: web
    ///         app.kubernetes.io/instance: web
    ///         app.kubernetes.io/version: "1.4.2"
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/cost-opt-awareness.html#_tagging_of_resources>
    "selector-stability",
    run
}

static RELEASE_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(v?\d+\.\d+\.\d+([-+.][0-9A-Za-z.-]+)?|[0-9a-f]{40})$").expect("valid regex")
});

fn per_release_key(key: &str) -> bool {
    if matches!(
        key,
        "app.kubernetes.io/version"
            | "helm.sh/chart"
            | "chart"
            | "pod-template-hash"
            | "controller-revision-hash"
    ) {
        return true;
    }
    let name = key
        .rsplit_once('/')
        .map_or(key, |(_, n)| n)
        .to_ascii_lowercase();
    matches!(
        name.as_str(),
        "version"
            | "commit"
            | "git-commit"
            | "git-sha"
            | "sha"
            | "revision"
            | "build"
            | "build-id"
            | "image-tag"
    ) || name.ends_with("-version")
}

/// Why a selector label is per-release, if it is.
fn per_release(object: &Object, key: &str, value: &str) -> Option<String> {
    let value = value.trim();
    if !value.is_empty() && object.name().contains(value) {
        return None;
    }
    if per_release_key(key) {
        Some(format!("`{key}: {value}`, a per-release label"))
    } else if RELEASE_VALUE.is_match(value) {
        Some(format!("`{key}: {value}`, a release-specific value"))
    } else {
        None
    }
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.all_workloads() {
        if !matches!(w.kind, WorkloadKind::Deployment | WorkloadKind::StatefulSet) {
            continue;
        }
        let mut finding: Option<(String, Option<&Node>, String)> = None;
        match object.root().at(&["spec", "selector"]) {
            Some(selector) => {
                for (k, v) in selector
                    .get("matchLabels")
                    .map(Node::entries)
                    .unwrap_or_default()
                {
                    let (Some(key), Some(value)) = (k.as_str(), v.scalar_text()) else {
                        continue;
                    };
                    if let Some(why) = per_release(object, key, &value) {
                        finding = Some((format!("spec.selector.matchLabels.{key}"), Some(v), why));
                        break;
                    }
                }
                if finding.is_none() {
                    let exprs = selector
                        .get("matchExpressions")
                        .map(Node::items)
                        .unwrap_or_default();
                    'expr: for (i, e) in exprs.iter().enumerate() {
                        if e.get("operator").and_then(Node::as_str) != Some("In") {
                            continue;
                        }
                        let key = e.get("key").and_then(Node::as_str).unwrap_or_default();
                        for value in e.get("values").map(Node::items).unwrap_or_default() {
                            let value = value.scalar_text().unwrap_or_default();
                            if let Some(why) = per_release(object, key, &value) {
                                finding = Some((
                                    format!("spec.selector.matchExpressions[{i}]"),
                                    Some(e),
                                    why,
                                ));
                                break 'expr;
                            }
                        }
                    }
                }
            }
            None => {
                let labels = w.pod_metadata(object).and_then(|m| m.get("labels"));
                for (k, v) in labels.map(Node::entries).unwrap_or_default() {
                    let (Some(key), Some(value)) = (k.as_str(), v.scalar_text()) else {
                        continue;
                    };
                    if let Some(why) = per_release(object, key, &value) {
                        let why = format!("{why} (from the pod template labels, which the missing spec.selector defaults to)");
                        finding =
                            Some((format!("spec.template.metadata.labels.{key}"), Some(v), why));
                        break;
                    }
                }
            }
        }
        match finding {
            None => out.pass(object),
            Some((path, node, why)) => out.fail(
                Subject::object(object).at(path, node),
                format!(
                    "the selector of {} includes {why}: the selector is immutable, so the next release cannot be applied",
                    object.display_name()
                ),
            ),
        }
    }
}
