use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Whether the cluster could be rebuilt after its loss, from what the cluster shows:
    /// - scheduled backups: a Velero `Schedule` (velero.io) that is not paused, a Kasten K10
    ///   `Policy` (config.kio.kasten.io) with a backup action, or completed Velero `Backup`s;
    /// - reproducible state: a GitOps controller (the `flux` or `argocd` detector) holding the
    ///   desired state in Git;
    /// - data to protect: PersistentVolumeClaims.
    ///
    /// On a whole cluster (live, snapshot, or manifests declared `--complete`), on the
    /// Cluster object:
    /// - pass: scheduled or completed backups exist, or a GitOps controller runs and no
    ///   PersistentVolumeClaim holds data;
    /// - unknown: a GitOps controller runs but PersistentVolumeClaims exist and no in-cluster
    ///   backup covers them — their data may be protected by AWS Backup or snapshot policies,
    ///   which the cluster does not show;
    /// - fail: neither backups nor GitOps (a backup tool installed without any schedule or
    ///   completed backup does not count).
    ///
    /// On manifests alone a backup Schedule or Policy passes on itself and nothing else is
    /// concluded. AWS Backup for EKS works from the AWS account and leaves nothing in the
    /// cluster: the fail message says so, and the item's question covers it. The RPO is not
    /// known to kwar: the frequency of schedules and the age of backups are not judged.
    ///
    /// ## Why it matters
    /// A deleted namespace, a botched upgrade, a compromised cluster or a region event all
    /// end the same way: the cluster must be recreated. Without backups or a declarative
    /// source of truth, its objects — and the data in its volumes — are rebuilt from memory,
    /// if at all.
    ///
    /// ## How to fix
    /// Keep the desired state in Git (Argo CD or Flux) and back up the rest on a schedule —
    /// AWS Backup for EKS, or Velero with volume snapshots:
    /// ```yaml
    /// apiVersion: velero.io/v1
    /// kind: Schedule
    /// metadata: {name: daily, namespace: velero}
    /// spec:
    ///   schedule: "0 3 * * *"
    ///   template:
    ///     includedNamespaces: ["*"]
    ///     snapshotVolumes: true
    ///     ttl: 720h
    /// ```
    /// Then rehearse a restore into a scratch cluster.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/integration-backup.html>
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/rel_planning_for_recovery_disaster_recovery.html>
    "cluster-state-backed-up",
    run,
    needs = [
        "velero.io/schedules",
        "velero.io/backups",
        "config.kio.kasten.io/policies",
        "persistentvolumeclaims",
        "apps/deployments",
        "apiextensions.k8s.io/customresourcedefinitions"
    ]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let schedules: Vec<&Object> = cx
        .inv
        .of_kind("Schedule")
        .filter(|s| s.api_group() == "velero.io")
        .filter(|s| s.root().at(&["spec", "paused"]).and_then(Node::as_bool) != Some(true))
        .filter(|s| {
            s.root().at(&["status", "phase"]).and_then(Node::as_str) != Some("FailedValidation")
        })
        .chain(
            cx.inv
                .of_kind("Policy")
                .filter(|p| p.api_group() == "config.kio.kasten.io")
                .filter(|p| {
                    p.root()
                        .at(&["spec", "actions"])
                        .map(Node::items)
                        .unwrap_or_default()
                        .iter()
                        .any(|a| a.get("action").and_then(Node::as_str) == Some("backup"))
                }),
        )
        .collect();
    let Some(cluster) = cx.whole_cluster() else {
        for schedule in schedules {
            out.pass(schedule);
        }
        return;
    };
    if !schedules.is_empty() {
        out.pass(cluster);
        return;
    }
    let completed = cx
        .inv
        .of_kind("Backup")
        .filter(|b| b.api_group() == "velero.io")
        .filter(|b| b.root().at(&["status", "phase"]).and_then(Node::as_str) == Some("Completed"))
        .count();
    if completed > 0 {
        out.pass(cluster);
        return;
    }
    let gitops = cx.detections.first_of(&["argocd", "flux"]);
    let claims = cx
        .inv
        .of_kind("PersistentVolumeClaim")
        .filter(|c| c.api_group().is_empty())
        .count();
    match (gitops, claims) {
        (Some(_), 0) => out.pass(cluster),
        (Some(g), n) => out.unknown(
            Subject::object(cluster),
            format!(
                "the desired state is in Git ({}), but {n} PersistentVolumeClaim(s) hold data \
                 and no backup schedule is visible in the cluster; AWS Backup or snapshot \
                 policies outside the cluster may cover them",
                g.what
            ),
        ),
        (None, _) => {
            let tool = cx
                .detections
                .get("backup-tools")
                .map(|d| {
                    format!(
                        " ({} is installed, but has no active schedule and no completed backup)",
                        d.matches.first().map_or(d.what, |m| m.detail.as_str())
                    )
                })
                .unwrap_or_default();
            out.fail(
                Subject::object(cluster),
                format!(
                    "no scheduled or completed backup{tool} and no GitOps controller to rebuild \
                     the cluster from Git; expected one or both (AWS Backup for EKS is not \
                     visible from inside the cluster)"
                ),
            );
        }
    }
}
