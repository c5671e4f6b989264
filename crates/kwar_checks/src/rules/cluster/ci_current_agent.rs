use crate::daemonset_coverage::detected_daemonsets;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// When CloudWatch Container Insights is detected (DaemonSets `cloudwatch-agent`,
    /// `fluent-bit` or `fluentd-cloudwatch` in `amazon-cloudwatch`, or the CloudWatch agent
    /// operator's `AmazonCloudWatchAgent` CRD), which generation of its agents runs:
    /// - a Container Insights DaemonSet running Fluentd (the legacy `fluentd-cloudwatch`
    ///   manifests): warn on it;
    /// - the CloudWatch agent and Fluent Bit DaemonSets: pass on each — the
    ///   `amazon-cloudwatch-observability` add-on's shape (the earlier Fluent Bit quickstart
    ///   manifests run the same agents and pass too; moving them under the add-on is
    ///   advised but not required);
    /// - only the operator's CRD or custom resources found: pass on them.
    ///
    /// The DaemonSets' specs are evidence in manifests as well as in a cluster snapshot.
    /// Whether the EKS add-on itself is installed is AWS-side evidence (`eks:ListAddons`)
    /// that the cluster does not hold.
    ///
    /// ## Why it matters
    /// The Fluentd-based Container Insights manifests are deprecated: they are no longer
    /// updated, use several times the memory and CPU of Fluent Bit per node, and miss the
    /// enhanced observability metrics and Application Signals. The add-on is upgraded and
    /// configured through EKS, like the other add-ons.
    ///
    /// ## How to fix
    /// Remove the legacy manifests and install the add-on:
    /// ```sh
    /// kubectl delete namespace amazon-cloudwatch   # the legacy Fluentd / agent manifests
    /// aws eks create-addon --cluster-name prod --addon-name amazon-cloudwatch-observability \
    ///   --service-account-role-arn arn:aws:iam::123456789012:role/cloudwatch-agent
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/eks-observe.html>
    /// - <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-setup-EKS-addon.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/cost-opt-observability.html#_log_retention>
    "ci-current-agent",
    run,
    needs = ["apps/daemonsets"]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(detection) = cx.detections.get("container-insights") else {
        return;
    };
    let agents = detected_daemonsets(cx.inv, detection);
    for ds in &agents {
        match fluentd_container(cx, ds) {
            Some(image) => out.warn(
                Subject::object(ds),
                format!(
                    "DaemonSet `{}/{}` runs the legacy Fluentd-based Container Insights agent \
                     (`{image}`): replace it with the amazon-cloudwatch-observability add-on \
                     (CloudWatch agent + Fluent Bit)",
                    ds.namespace_key(),
                    ds.name()
                ),
            ),
            None => out.pass(ds),
        }
    }
    if agents.is_empty() {
        // The operator's CRD or custom resources without their DaemonSets in the input.
        if let Some(id) = detection.objects().next() {
            out.pass(cx.inv.object(id));
        }
    }
}

/// The Fluentd image the DaemonSet runs, if it runs one (or is the legacy
/// `fluentd-cloudwatch`).
fn fluentd_container<'a>(cx: &Context<'a>, ds: &'a Object) -> Option<&'a str> {
    let workload = cx.inv.workload_of(ds.id)?;
    let images: Vec<&str> = workload
        .containers(ds)
        .iter()
        .filter_map(|c| c.image())
        .collect();
    images
        .iter()
        .copied()
        .find(|i| i.contains("fluentd"))
        .or_else(|| {
            ds.name()
                .contains("fluentd")
                .then(|| images.first().copied())
                .flatten()
        })
}
