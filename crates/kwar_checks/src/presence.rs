//! The shared judgement of "is one of these components installed?" checks (a metrics pipeline,
//! a log shipper, a GitOps controller…), so that every such check treats evidence alike.

use kwar_detect::Detection;

use crate::prelude::*;

/// What a presence check says when nothing was found on a whole cluster.
pub(crate) struct Absent<'m> {
    pub verdict: Verdict,
    /// The finding's message, e.g. "no metrics pipeline detected".
    pub message: &'m str,
}

/// Judges whether one of `detectors` found its component:
/// - found: pass — on the Cluster object for a whole cluster, else on the first object that
///   revealed the component (manifests show presence, never absence);
/// - not found on a whole cluster: `absent.verdict` on the Cluster object, naming what was
///   looked for;
/// - not found in manifests alone: no verdict (the input cannot show absence).
///
/// Returns the detection that decided, if any, so callers can judge it further.
pub(crate) fn component_check<'a>(
    cx: &Context<'a>,
    out: &mut Outcomes,
    detectors: &[&str],
    absent: Absent<'_>,
) -> Option<&'a Detection> {
    let found = cx.detections.first_of(detectors);
    match (found, cx.whole_cluster()) {
        (Some(_), Some(cluster)) => out.pass(cluster),
        (Some(detection), None) => {
            if let Some(id) = detection.objects().next() {
                out.pass(cx.inv.object(id));
            }
        }
        (None, Some(cluster)) => {
            let message = format!(
                "{} (looked for the detectors {}; `kwar explain <detector>` shows what each matches)",
                absent.message,
                detectors.join(", ")
            );
            match absent.verdict {
                Verdict::Fail => out.fail(Subject::object(cluster), message),
                Verdict::Warn => out.warn(Subject::object(cluster), message),
                Verdict::Unknown => out.unknown(Subject::object(cluster), message),
                Verdict::Pass => out.pass(cluster),
            }
        }
        (None, None) => {}
    }
    found
}
