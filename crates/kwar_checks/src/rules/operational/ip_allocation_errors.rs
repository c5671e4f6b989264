use crate::prelude::*;
use crate::vpc_cni;

declare_check! {
    /// ## What it checks
    /// The Events of the input (core `v1` and `events.k8s.io/v1`; the API server keeps them
    /// for an hour by default, so they are recent by nature) whose message says an IP
    /// address could not be assigned: the VPC CNI's `failed to assign an IP address to
    /// container` (reason `FailedCreatePodSandBox`), EC2's `InsufficientFreeAddressesInSubnet`
    /// (pod or node launches) and `InsufficientCidrBlocks` (prefix delegation).
    /// - every such Event fails, naming the object it is about;
    /// - none on a whole cluster (live or snapshot): pass, on the Cluster object.
    ///
    /// Manifests alone cannot show that no failure happened: without a whole cluster, only
    /// failures are reported.
    ///
    /// ## Why it matters
    /// A pod that gets no IP stays in `ContainerCreating` and the kubelet retries for as long
    /// as the subnet stays full: deployments stall, autoscaling adds nodes that cannot host
    /// pods either, and the failure surfaces only as timeouts. It is the symptom of subnets
    /// sized for nodes rather than for pods.
    ///
    /// ## How to fix
    /// Give pods more addresses: enable prefix delegation (fewer wasted warm IPs), lower the
    /// warm pool with `WARM_IP_TARGET`/`MINIMUM_IP_TARGET`, add subnets from a secondary CIDR
    /// with custom networking, or move to IPv6.
    /// ```sh
    /// kubectl get events -A --field-selector reason=FailedCreatePodSandBox
    /// aws ec2 describe-subnets --filters Name=tag:kubernetes.io/cluster/prod,Values=shared,owned \
    ///   --query 'Subnets[].[SubnetId,AvailabilityZone,AvailableIpAddressCount]'
    /// kubectl set env daemonset aws-node -n kube-system ENABLE_PREFIX_DELEGATION=true
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/ip-opt.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/vpc-cni.html>
    /// - <https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/troubleshooting.md>
    "ip-allocation-errors",
    run,
    needs = ["events"]
}

/// Enough of an event's message to recognise it in a finding.
const MESSAGE_CHARS: usize = 160;

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let failures = vpc_cni::ip_assignment_failures(cx.inv);
    if failures.is_empty() {
        if let Some(cluster) = cx.whole_cluster() {
            out.pass(cluster);
        }
        return;
    }
    for (event, message) in failures {
        let count = event
            .root()
            .get("count")
            .and_then(Node::as_i64)
            .filter(|c| *c > 1)
            .map(|c| format!(" ({c} times)"))
            .unwrap_or_default();
        let mut excerpt: String = message.chars().take(MESSAGE_CHARS).collect();
        if excerpt.len() < message.len() {
            excerpt.push('…');
        }
        let field = if event.root().get("message").is_some() {
            "message"
        } else {
            "note"
        };
        out.fail(
            Subject::object(event).at(field, event.root().get(field)),
            format!(
                "{} could not get an IP address{count}: \"{excerpt}\"; expected subnets with \
                 free addresses for pods",
                vpc_cni::event_subject(event)
            ),
        );
    }
}
