use crate::prelude::*;
use crate::running_pods;
use crate::worker_nodes;

declare_check! {
    /// ## What it checks
    /// Every Node whose `status.nodeInfo.osImage` starts with `Ubuntu`: its release
    /// (`Ubuntu 22.04.5 LTS` → 22.04) against the end of Canonical's standard support, at the
    /// time the evidence was collected (`spec.collectedAt` of the Cluster object, else now):
    /// - an LTS release (`YY.04`, even years) in standard support passes;
    /// - a release past standard support fails: LTS releases get five years (16.04 ended
    ///   2021-04, 18.04 2023-05, 20.04 2025-05; 22.04 ends 2027-04, 24.04 2029-04),
    ///   interim releases nine months;
    /// - an interim (non-LTS) release still in support warns: the catalog passes only LTS
    ///   releases, and a nine-month release forces an OS migration twice a year.
    ///
    /// Expanded Security Maintenance (Ubuntu Pro) cannot be seen from the cluster: a release
    /// past standard support fails even if ESM covers it — confirm and suppress if so.
    /// Other operating systems are not evaluated.
    ///
    /// ## Why it matters
    /// Past standard support, Canonical no longer publishes fixes for the bulk of the
    /// archive, and Canonical's EKS-optimized Ubuntu images are no longer built for new
    /// Kubernetes versions: the nodes keep known kernel and container-runtime
    /// vulnerabilities and cannot follow the control plane.
    ///
    /// ## How to fix
    /// Move the node groups to Canonical's EKS image of a supported LTS release for the
    /// cluster's version (SSM parameter
    /// `/aws/service/canonical/ubuntu/eks/24.04/1.31/stable/current/amd64/hvm/ebs-gp3/ami-id`),
    /// or to AL2023/Bottlerocket:
    /// ```yaml
    /// # eksctl
    /// managedNodeGroups:
    ///   - name: ubuntu-2404
    ///     amiFamily: Ubuntu2404
    ///     instanceType: m6i.xlarge
    /// ```
    ///
    /// ## References
    /// - <https://ubuntu.com/about/release-cycle>
    /// - <https://cloud-images.ubuntu.com/docs/aws/eks/>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/eks-optimized-amis.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/protecting-the-infrastructure.html#_keep_your_worker_node_os_updated>
    "ubuntu-supported-release",
    run,
    needs = ["nodes"]
}

/// LTS releases whose standard support did not end five years after release, to the month:
/// (year, month of release) → (year, last month of standard support).
const LTS_ENDS: [((u32, u32), (u32, u32)); 2] = [((18, 4), (2023, 5)), ((20, 4), (2025, 5))];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let now = running_pods::collected_at(cx.inv).unwrap_or_else(system_now);
    let field = "status.nodeInfo.osImage";
    for node in worker_nodes::nodes(cx.inv) {
        let Some(os) = worker_nodes::node_info(node, "osImage") else {
            continue;
        };
        let Some(rest) = os.trim().strip_prefix("Ubuntu") else {
            continue;
        };
        let subject =
            Subject::object(node).at(field, worker_nodes::node_info_node(node, "osImage"));
        let Some(release) = Release::parse(rest) else {
            out.unknown(
                subject,
                format!(
                    "Node `{}` runs `{os}`, whose Ubuntu release cannot be read",
                    node.name()
                ),
            );
            continue;
        };
        let (end_year, end_month) = release.support_end();
        let supported = now < first_day_after(end_year, end_month);
        let until = format!("{end_year}-{end_month:02}");
        match (supported, release.is_lts()) {
            (true, true) => out.pass(node),
            (true, false) => out.warn(
                subject,
                format!(
                    "Node `{}` runs Ubuntu {release}, an interim release supported only until \
                     {until}: expected an LTS release",
                    node.name()
                ),
            ),
            (false, _) => out.fail(
                subject,
                format!(
                    "Node `{}` runs Ubuntu {release}, whose standard support ended in {until}: \
                     expected an LTS release in standard support (22.04 or 24.04)",
                    node.name()
                ),
            ),
        }
    }
}

/// An Ubuntu release, `YY.MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Release {
    year: u32,
    month: u32,
}

impl Release {
    /// Reads the release from what follows `Ubuntu` in an osImage: ` 22.04.5 LTS`.
    fn parse(text: &str) -> Option<Release> {
        let version = text.split_whitespace().next()?;
        let mut parts = version.split('.');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        (1..=12).contains(&month).then_some(Release { year, month })
    }

    fn is_lts(self) -> bool {
        self.month == 4 && self.year.is_multiple_of(2)
    }

    /// The last month of standard support, as (full year, month).
    fn support_end(self) -> (u32, u32) {
        if let Some((_, end)) = LTS_ENDS.iter().find(|(r, _)| *r == (self.year, self.month)) {
            return *end;
        }
        let year = 2000 + self.year;
        if self.is_lts() {
            (year + 5, 4)
        } else {
            // Nine months: an April release is supported through January, an October one
            // through July of the next year.
            let months = year * 12 + (self.month - 1) + 9;
            (months / 12, months % 12 + 1)
        }
    }
}

impl std::fmt::Display for Release {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:02}", self.year, self.month)
    }
}

/// Seconds since the epoch at the start of the month after (year, month).
fn first_day_after(year: u32, month: u32) -> i64 {
    let (year, month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    running_pods::epoch_seconds(&format!("{year:04}-{month:02}-01T00:00:00Z")).unwrap_or(i64::MAX)
}

/// The clock, for inputs that do not say when they were collected.
fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::Release;

    #[test]
    fn support_ends_as_canonical_publishes() {
        let end = |text: &str| Release::parse(text).unwrap().support_end();
        assert_eq!(end(" 20.04.6 LTS"), (2025, 5));
        assert_eq!(end(" 22.04.5 LTS"), (2027, 4));
        assert_eq!(end(" 24.10"), (2025, 7));
        assert_eq!(end(" 25.04"), (2026, 1));
    }
}
