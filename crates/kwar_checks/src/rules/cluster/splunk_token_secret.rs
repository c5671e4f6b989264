use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: Splunk collector/forwarder manifests or Helm values.
///
/// Passes when HEC token referenced from a Secret/external secret.
///
/// Fails when HEC token in plain values/ConfigMap.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Run the Splunk OpenTelemetry Collector as a DaemonSet with the HEC token from a Secret,
/// buffering to survive endpoint outages.
///
/// ## References
/// - <https://kubernetes.io/docs/concepts/cluster-administration/logging/>
    "splunk-token-secret",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement splunk-token-secret
}
