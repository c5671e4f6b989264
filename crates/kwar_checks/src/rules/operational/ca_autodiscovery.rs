use crate::cluster_autoscaler;
use crate::container_flags;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Cluster Autoscaler controller the `cluster-autoscaler` detector finds: the
    /// flags of its autoscaler container (`command` and `args`):
    /// - `--node-group-auto-discovery` with a value (e.g.
    ///   `asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/prod`): pass;
    /// - only static `--nodes=MIN:MAX:ASG` lists: warn, on the first of them;
    /// - neither (node groups given through a cloud config file, or flags the check cannot
    ///   see, such as a wrapper script): `unknown`.
    ///
    /// ## Why it matters
    /// A static `--nodes` list names Auto Scaling groups and their bounds in the autoscaler's
    /// own manifest: every new, renamed or resized node group needs a redeploy, and a group
    /// left out is silently never scaled. With auto-discovery, the ASG tags are the single
    /// source of truth and bounds come from the ASGs themselves.
    ///
    /// ## How to fix
    /// Tag the node groups' ASGs (managed node groups carry the tags already) and discover
    /// them:
    /// ```yaml
    /// containers:
    ///   - name: cluster-autoscaler
    ///     image: registry.k8s.io/autoscaling/cluster-autoscaler:v1.31.0
    ///     command:
    ///       - ./cluster-autoscaler
    ///       - --cloud-provider=aws
    ///       - --node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/prod
    ///       - --balance-similar-node-groups
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/cas.html>
    /// - <https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md#auto-discovery-setup>
    "ca-autodiscovery",
    run,
    needs = ["apps/deployments"]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for ca in cluster_autoscaler::found(cx) {
        let flags = container_flags::flags(&ca.container);
        let discovers = container_flags::named(&flags, "node-group-auto-discovery")
            .any(|f| f.value.as_deref().is_some_and(|v| !v.trim().is_empty()));
        if discovers {
            out.pass(ca.object);
            continue;
        }
        let statics: Vec<&container_flags::Flag<'_>> =
            container_flags::named(&flags, "nodes").collect();
        match statics.first() {
            Some(first) => {
                let groups: Vec<String> = statics
                    .iter()
                    .filter_map(|f| f.value.as_deref())
                    .map(|v| format!("`{v}`"))
                    .collect();
                out.warn(
                    Subject::container(ca.object, &ca.container)
                        .at(first.path.clone(), Some(first.node)),
                    format!(
                        "{} `{}` scales a static list of node groups ({}): expected \
                         `--node-group-auto-discovery` from ASG tags",
                        ca.object.kind(),
                        ca.object.name(),
                        groups.join(", ")
                    ),
                );
            }
            None => out.unknown(
                Subject::container(ca.object, &ca.container),
                format!(
                    "{} `{}` sets neither `--node-group-auto-discovery` nor `--nodes`: how it \
                     finds its node groups cannot be seen",
                    ca.object.kind(),
                    ca.object.name()
                ),
            ),
        }
    }
}
