use crate::prelude::*;
use crate::vpc_cni;

declare_check! {
    /// ## What it checks
    /// The Amazon VPC CNI DaemonSet (`kube-system/aws-node`), its `aws-node` container's
    /// environment (where the EKS add-on's configuration values land too):
    /// - `ENABLE_PREFIX_DELEGATION=true`, or `WARM_IP_TARGET` / `MINIMUM_IP_TARGET` set:
    ///   pass — the warm pool is sized in addresses or /28 prefixes;
    /// - the default warm pool (a whole spare ENI per node, `WARM_ENI_TARGET=1`, or a larger
    ///   `WARM_ENI_TARGET`) while the input holds events of pods or nodes that could not get
    ///   an IP address (see `ip-allocation-errors`): warn — the subnets are short of
    ///   addresses and every node keeps a full ENI of them idle;
    /// - the default warm pool without such events: `unknown`. Whether the default wastes
    ///   scarce addresses depends on the subnets' free space (the catalog's threshold is
    ///   25%), which only the AWS API shows.
    ///
    /// Clusters without the aws-node DaemonSet (another CNI, EKS Auto Mode) are not
    /// evaluated.
    ///
    /// ## Why it matters
    /// With the defaults, each node attaches a spare ENI full of secondary IPs it does not
    /// use: on an m5.large that is 10 addresses per node beyond its pods. In small subnets
    /// that idle pool is what runs out first, and pods fail with `failed to assign an IP
    /// address to container` while the subnet's addresses sit unused on other nodes.
    ///
    /// ## How to fix
    /// Prefer prefix delegation; otherwise size the pool in IPs:
    /// ```sh
    /// kubectl set env daemonset aws-node -n kube-system ENABLE_PREFIX_DELEGATION=true WARM_PREFIX_TARGET=1
    /// # or, for IP-constrained subnets without prefix delegation:
    /// kubectl set env daemonset aws-node -n kube-system WARM_IP_TARGET=5 MINIMUM_IP_TARGET=20
    /// ```
    /// With the EKS add-on, put the same variables in `--configuration-values` so that add-on
    /// updates keep them.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/ip-opt.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/vpc-cni.html>
    /// - <https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/eni-and-ip-target.md>
    "warm-pool-tuned",
    run,
    needs = ["apps/daemonsets"]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(cni) = vpc_cni::aws_node(cx.inv) else {
        return;
    };
    let tuned = cni.is_true("ENABLE_PREFIX_DELEGATION")
        || ["WARM_IP_TARGET", "MINIMUM_IP_TARGET"]
            .iter()
            .any(|name| cni.value(name).is_some_and(|v| v.trim() != "0"));
    if tuned {
        out.pass(cni.object);
        return;
    }
    let warm_eni = cni
        .value("WARM_ENI_TARGET")
        .unwrap_or_else(|| "1".to_string());
    let subject = match cni.env("WARM_ENI_TARGET") {
        Some(var) => Subject::container(cni.object, &cni.container).at(var.path, Some(var.node)),
        None => Subject::container(cni.object, &cni.container),
    };
    let failures = vpc_cni::ip_assignment_failures(cx.inv);
    if failures.is_empty() {
        out.unknown(
            subject,
            format!(
                "DaemonSet `kube-system/aws-node` keeps the default warm pool \
                 (WARM_ENI_TARGET={warm_eni}, no prefix delegation or WARM_IP_TARGET): whether \
                 that wastes scarce addresses depends on the subnets' free space, which only \
                 the AWS API shows"
            ),
        );
        return;
    }
    out.warn(
        subject,
        format!(
            "DaemonSet `kube-system/aws-node` keeps the default warm pool \
             (WARM_ENI_TARGET={warm_eni}) while {} event{} show pods or nodes failing to get an \
             IP address: expected prefix delegation or WARM_IP_TARGET/MINIMUM_IP_TARGET",
            failures.len(),
            if failures.len() == 1 { "" } else { "s" }
        ),
    );
}
